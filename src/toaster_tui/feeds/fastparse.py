"""A fast path for the feeds most sites publish, with feedparser as the reference.

feedparser costs ~20 ms for a 20-entry feed with 2 KB bodies (SAX callbacks in
Python, then its sgmllib sanitizer over every body), and html.parser-based text
extraction doubles that: a refresh of 1,000 feeds was CPU-bound on parsing.
This module reads the same documents with expat's C tree builder and
reproduces, for a deliberately narrow subset, exactly the values parse.py
takes from feedparser. Anything outside the subset is declined (None) and
parse.py hands the whole document to feedparser:

- well-formed XML only, no DOCTYPE or entity declarations, UTF-8 or ASCII
  by the same RFC 3023 rules feedparser applies;
- RSS 2.0 (rss > channel > item), RSS 1.0 (rdf:RDF) and Atom 1.0 with the
  elements this reader uses, plus a list of extension elements that feedparser
  stores under keys nothing here reads; any other element, a second title or
  summary, xml:base, or markup where text is expected means "decline";
- bodies whose HTML is already clean (tags, attributes and URLs that
  feedparser's sanitizer would keep unchanged) are kept as they are; any
  other body goes through feedparser's own resolver and sanitizer, so the
  stored HTML renders exactly as feedparser's would.

`html_text` is the plain-text extraction for search, read time and snippets:
a regex pass that yields the same lines as `extract.html_to_text` on the
common tags and defers to it for anything else (tables, scripts, comments,
stray `<`). tests/test_fastparse.py checks both against the references.
"""

from __future__ import annotations

import codecs
import contextlib
import html as _html
import html.entities
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.encodings import (
    EBCDIC_MARKER,
    RE_XML_PI_ENCODING,
    UTF16BE_MARKER,
    UTF16LE_MARKER,
    UTF32BE_MARKER,
    UTF32LE_MARKER,
    parse_content_type,
)
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import _HTMLSanitizer, _sanitize_html
from feedparser.urls import _urljoin, make_safe_absolute_uri, resolve_relative_uris

from toaster_tui.core.sanitize import clean_text
from toaster_tui.reading import extract

__all__ = ["RawEntry", "RawFeed", "html_text", "parse_xml"]


# --- what parse.py builds entries from (the same from either parser) --------

@dataclass(slots=True)
class RawEntry:
    """The fields parse.py takes from one feedparser entry."""

    raw_id: Any
    title_html: str
    link: Any
    author: str
    published: time.struct_time | None
    updated: time.struct_time | None
    content_html: str
    summary_html: str
    categories: tuple[str | None, ...]
    language: str | None


@dataclass(slots=True)
class RawFeed:
    title: str
    link: Any
    language: str | None
    entries: list[RawEntry] = field(default_factory=list)
    fast: bool = False
    """True when this module read the document (not feedparser)."""


# --- plain text from HTML ------------------------------------------------------

# One start or end tag with well-formed attributes. Possessive quantifiers keep
# it linear on hostile input. Anything else that starts with "<" (comments,
# CDATA, a stray "<") makes the token count differ from the "<" count.
_TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9]*+)"
    r"((?:\s++[^\s\"'<>/=]++(?:\s*+=\s*+(?:\"[^\"]*+\"|'[^']*+'|[^\s\"'=<>`]++))?+)*+)"
    r"\s*+(/?)>"
)
_BLOCK, _LIST, _LI, _BR, _PRE, _Q, _HEAD, _HR, _SLOW = range(9)
_TEXT_KIND: dict[str, int] = {
    **dict.fromkeys(("p", "div", "section", "article", "header", "footer", "main", "aside",
                     "nav", "figure", "figcaption", "address", "details", "summary", "dl",
                     "dt", "dd", "center", "fieldset", "legend", "hgroup", "dialog",
                     "search", "blockquote"), _BLOCK),
    **dict.fromkeys(("ul", "ol", "menu", "dir"), _LIST),
    "li": _LI, "br": _BR, "pre": _PRE, "q": _Q, "hr": _HR,
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), _HEAD),
    # Dropped with their content, table cells, head parts, odd parser modes:
    # extract.html_to_text handles these.
    **dict.fromkeys(("script", "style", "iframe", "object", "embed", "noscript", "svg",
                     "form", "template", "head", "title", "applet", "frameset", "noembed",
                     "select", "textarea", "button", "table", "thead", "tbody", "tfoot",
                     "tr", "td", "th", "caption", "html", "body", "listing", "xmp",
                     "plaintext", "math", "meta", "link", "base"), _SLOW),
}
# Markers in private-use code points, which clean_text keeps; input that holds
# any of them goes to the slow path, so they always mean what the walk put there.
_PARA, _LINE, _GLUE = "\ue0f1", "\ue0f2", "\ue0f3"


def html_text(html: str) -> str:
    """Plain text of an HTML body: the lines extract.html_to_text gives.

    Blank lines between paragraphs may differ; the non-empty lines, and so
    every word, snippet and sentence, are the same.
    """
    if not html or not isinstance(html, str):
        return ""
    try:
        out = _fast_text(html)
    except Exception:  # never let the fast path fail where the slow one would not
        out = None
    return extract.html_to_text(html) if out is None else out


def _fast_text(raw: str) -> str | None:
    """extract._Converter's plain-text walk over regex-split tags, or None."""
    src = clean_text(raw)
    if _PARA in src or _LINE in src or _GLUE in src:
        return None  # text that happens to hold our markers: the slow path keeps it
    if "<" not in src:
        return _finish([(False, src)], paras=True)
    # [text, "/" or "", name, attributes, "/" or "", text, ...]: five per tag.
    parts = _TAG_RE.split(src)
    if len(parts) // 5 != src.count("<"):
        return None
    w = _Walk()
    kinds = _TEXT_KIND
    void = extract._VOID
    out = w.out
    stack = w.stack
    counts = w.counts
    out.append(parts[0])
    for i in range(1, len(parts), 5):
        name = parts[i + 1].lower()
        kind = kinds.get(name)
        if kind is None and not parts[i + 3]:
            # The common case, inline markup: inline by hand, as _Walk would.
            if parts[i]:
                if stack and stack[-1][0] == name and stack[-1][1] is None:
                    stack.pop()
                    counts[name] -= 1
                    out.append(_GLUE)
                elif counts.get(name):
                    w.close(name)
                    out = w.out
                else:
                    out.append(_GLUE)
            else:
                out.append(_GLUE)
                if name not in void:
                    stack.append((name, None))
                    counts[name] = counts.get(name, 0) + 1
            out.append(parts[i + 4])
            continue
        if kind == _SLOW:
            return None
        if parts[i]:  # an end tag
            if kind == _BR:
                out.append("\n" if w.pre else " " if w.heading else _LINE)
            elif counts.get(name):
                w.close(name)
            else:
                out.append(_GLUE)  # nothing to close: ignored
        else:
            w.open(name, kind, name in void)
            if parts[i + 3] and name not in void:
                w.close(name)
        out = w.out
        out.append(parts[i + 4])
    while w.stack:
        w.close(w.stack[-1][0])
    w.segments.append((bool(w.pre), "".join(w.out)))
    return _finish(w.segments, extract._BLOCK_TAG_RE.search(src) is None)


class _Walk:
    """The open-element stack and output of one html_text walk."""

    __slots__ = ("counts", "heading", "lists", "out", "pre", "segments", "stack")

    def __init__(self) -> None:
        self.stack: list[tuple[str, int | None]] = []
        self.counts: dict[str, int] = {}
        self.out: list[str] = []
        self.segments: list[tuple[bool, str]] = []
        self.pre = self.heading = self.lists = 0

    def push(self, name: str, action: int | None) -> None:
        self.stack.append((name, action))
        self.counts[name] = self.counts.get(name, 0) + 1

    def open(self, name: str, kind: int | None, void: bool) -> None:
        out = self.out
        if kind == _BR:
            out.append("\n" if self.pre else " " if self.heading else _LINE)
            return
        if self.pre:  # inside <pre> every other tag is inert
            out.append(_GLUE)
            if not void:
                self.push(name, None)
            return
        if kind is None or kind == _HR:
            out.append(_GLUE if kind is None else _PARA)
            if not void:
                self.push(name, None)
            return
        if kind == _Q:
            out.append("\u201c")
        elif kind == _PRE:
            out.append(_PARA)
            self.segments.append((False, "".join(out)))
            out.clear()
            self.pre = 1
        elif kind == _LI:
            for tag, _action in reversed(self.stack[-50:]):
                if _TEXT_KIND.get(tag) == _LIST:
                    break
                if tag == "li":
                    self.close("li")
                    break
            out.append(_LINE)
            if not self.lists:
                self.lists += 1
                self.push("ul", _LIST)
        else:
            if name == "p" and self.stack and self.stack[-1][0] == "p":
                self.close("p")
            if kind == _HEAD:
                self.heading = 1
            elif kind == _LIST:
                self.lists += 1
            out.append(_PARA)
        self.push(name, kind)

    def close(self, name: str) -> None:
        """Pop up to and including the innermost open `name`, as html.parser does."""
        out = self.out
        while self.stack:
            tag, action = self.stack.pop()
            self.counts[tag] -= 1
            if action is None:
                out.append(_GLUE)
            elif action == _Q:
                out.append("\u201d")
            elif action == _PRE:
                self.pre = 0
                self.segments.append((True, "".join(out)))
                out.clear()
            else:
                if action == _HEAD:
                    self.heading = 0
                elif action == _LIST:
                    self.lists -= 1
                out.append(_LINE if action == _LI else _PARA)
            if tag == name:
                return


def _finish(segments: Iterable[tuple[bool, str]], paras: bool) -> str:
    blocks: list[str] = []
    for is_pre, seg in segments:
        if "&" in seg:
            seg = _html.unescape(seg)
        seg = clean_text(seg)
        if is_pre:
            text = seg.replace(_GLUE, "").removeprefix("\n")
            if text.strip():
                blocks.append("\n".join(line.rstrip() for line in text.rstrip().split("\n")))
            continue
        if paras:
            seg = extract._PARA_RE.sub(_PARA, seg)
        seg = seg.replace(_GLUE, "")
        for para in seg.split(_PARA):
            if _LINE in para:
                # str.split() splits on what \s matches: extract's whitespace rule.
                text = "\n".join(j for j in (" ".join(line.split())
                                              for line in para.split(_LINE)) if j)
            else:
                text = " ".join(para.split())
            if text:
                blocks.append(text)
    return "\n\n".join(blocks)


# --- HTML that feedparser's sanitizer would keep as it is ----------------------

_SAFE_TAGS = frozenset({
    "a", "abbr", "acronym", "address", "article", "aside", "b", "big", "blockquote", "br",
    "center", "cite", "code", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption",
    "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
    "img", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "section", "small",
    "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "ul", "var",
}) & _HTMLSanitizer.acceptable_elements
_SAFE_ATTRS = frozenset({
    "href", "src", "alt", "title", "width", "height", "class", "id", "lang", "rel", "target",
    "datetime", "colspan", "rowspan", "align", "start", "border", "valign", "hreflang",
}) & _HTMLSanitizer.acceptable_attributes
_URL_ATTRS = frozenset({"href", "src"})
_ATTR_RE = re.compile(
    r"([^\s\"'<>/=]++)(?:\s*+=\s*+(?:\"([^\"]*+)\"|'([^']*+)'|([^\s\"'=<>`]++)))?+")
# An absolute http(s) URL that urljoin and feedparser's checks return unchanged.
_PLAIN_URL_RE = re.compile(
    r"https?://[A-Za-z0-9][-A-Za-z0-9.]*+(?::[0-9]{1,5})?+"
    r"(?:/[-A-Za-z0-9._~%!$&'()*+,;=:@/]*+)?+"
    r"(?:\?[-A-Za-z0-9._~%!$&'()*+,;=:@/?]++)?+(?:#[-A-Za-z0-9._~%!$&'()*+,;=:@/?]++)?+"
)
_UNQUOTED_RE = re.compile(r"[-a-zA-Z0-9./,:;+*%?!&$()_#=~@]*")
_REF_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|([a-zA-Z][a-zA-Z0-9]{0,31}));")
_NAMED = frozenset(html.entities.name2codepoint) | {"apos"}
_VOID_END_RE = re.compile(r"</(?:" + "|".join(
    ("area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "img",
     "input", "isindex", "keygen", "link", "meta", "param", "source", "track", "wbr")) + r")>")


def _is_clean_html(value: str) -> bool:
    """True when feedparser's resolver and sanitizer would render this unchanged."""
    if "\r" in value or "&#39;" in value or "&#34;" in value:
        return False
    if "&" in value and value.count("&") != sum(
            1 for m in _REF_RE.finditer(value) if m.group(1) is None or m.group(1) in _NAMED):
        return False
    if "<" not in value:
        return True
    tags = list(_TAG_RE.finditer(value))
    if len(tags) != value.count("<"):
        return False
    for m in tags:
        if m.group(2).lower() not in _SAFE_TAGS:
            return False
        attrs = m.group(3)
        if not attrs:
            continue
        if m.group(1) or ">" in attrs:  # sgmllib ends a tag at the first ">"
            return False
        for a in _ATTR_RE.finditer(attrs):
            name = a.group(1).lower()
            if name not in _SAFE_ATTRS:
                return False
            if a.group(4) is not None and _UNQUOTED_RE.fullmatch(a.group(4)) is None:
                return False
            if name in _URL_ATTRS:
                url = a.group(2) if a.group(2) is not None else (
                    a.group(3) if a.group(3) is not None else a.group(4))
                if url is None or _PLAIN_URL_RE.fullmatch(url) is None:
                    return False
    return True


def _clean_markup(value: str, base: str, ctype: str) -> str:
    """feedparser's resolve + sanitize, skipped when they would change nothing."""
    if ctype == "application/xhtml+xml":
        trimmed = _VOID_END_RE.sub("", value)
        if _is_clean_html(trimmed):
            return trimmed
    elif _is_clean_html(value):
        return value
    value = resolve_relative_uris(value, base, "utf-8", ctype)
    return str(_sanitize_html(value, "utf-8", ctype))


def _join(base: str, uri: str) -> str:
    """feedparser's _urljoin; a plain absolute http(s) URL comes back unchanged."""
    if _PLAIN_URL_RE.fullmatch(uri) is not None:
        return uri
    return str(_urljoin(base, uri))


def _fixups(output: str) -> str:
    """The last steps of feedparser's pop(): latin-1 mojibake repair, cp1252."""
    if output.isascii():
        return output
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        output = output.encode("iso-8859-1").decode("utf-8")
    return output.translate(_cp1252)


def _looks_like_html(s: str) -> bool:
    return bool(_FeedParserMixin.looks_like_html(s))


# --- names ----------------------------------------------------------------------

_NS: dict[str, str] = {k.lower(): v for k, v in _FeedParserMixin.namespaces.items()}
_ATOM = "http://www.w3.org/2005/Atom"
_XML_NS = "{http://www.w3.org/XML/1998/namespace}"
_HANDLERS = frozenset(n for n in dir(_FeedParserMixin) if n.startswith(("_start_", "_end_")))
_HANDLER_PREFIXES = frozenset(
    n.split("_", 2)[2].split("_", 1)[0].lower() for n in _HANDLERS
    if "_" in n.split("_", 2)[2]
)
# Keys of an entry or the feed that parse.py reads: an unknown element that
# feedparser would store under one of these names must not be ignored.
_READ_KEYS = frozenset({"id", "link", "author", "tags", "content", "summary", "title",
                        "language", "published_parsed", "updated_parsed", "links",
                        "summary_detail", "title_detail", "entries", "feed"})

# Elements feedparser stores under keys parse.py never reads; their subtrees
# must consist of such elements too. Channel level and entry level differ.
_FEED_IGNORED = frozenset({
    "docs", "ttl", "generator", "cloud", "rating", "skiphours", "hour", "skipdays", "day",
    "webmaster", "managingeditor", "lastbuilddate", "pubdate", "copyright", "rights",
    "category", "icon", "logo", "updated", "subtitle", "tagline", "description",
    "author", "contributor", "name", "email", "uri", "url",
    "sy:updateperiod", "sy:updatefrequency", "sy:updatebase",
    "admin:generatoragent", "admin:errorreportsto", "dc:rights", "dc:publisher",
    "dc:date", "dc:creator", "dc:subject", "dc:description",
    "feedburner:info", "feedburner:browserfriendly", "feedburner:emailserviceid",
    "feedburner:feedburnerhostname",
    "items", "rdf:seq", "rdf:li", "rdf:bag",
    "itunes:explicit", "itunes:image", "itunes:category", "itunes:owner", "itunes:name",
    "itunes:email", "itunes:type", "itunes:block", "itunes:author", "itunes:summary",
    "itunes:subtitle",
})
_ENTRY_IGNORED = frozenset({
    "comments", "enclosure", "slash:comments", "wfw:commentrss", "wfw:comment",
    "feedburner:origlink", "feedburner:origenclosurelink", "media:content",
    "media:thumbnail", "dc:rights", "dc:publisher", "dc:format", "dc:type",
    "dc:identifier", "dc:source", "dc:relation", "dc:coverage", "dcterms:created",
    "contributor", "name", "email", "uri", "rights",
    "itunes:duration", "itunes:explicit", "itunes:image", "itunes:episode",
    "itunes:season", "itunes:episodetype", "itunes:block",
})
_IMAGE_CHILDREN = frozenset({"title", "link", "description", "url", "width", "height"})
_TEXTINPUT_CHILDREN = frozenset({"title", "link", "description", "name"})
_PUBLISHED = frozenset({"pubdate", "published", "issued", "dcterms:issued"})
_UPDATED = frozenset({"updated", "modified", "lastbuilddate", "dc:date", "dcterms:modified"})
_TEXT_TYPES = {"text": "text/plain", "plain": "text/plain", "html": "text/html",
               "xhtml": "application/xhtml+xml", "text/plain": "text/plain",
               "text/html": "text/html", "application/xhtml+xml": "application/xhtml+xml"}
_XMLNS_RE = re.compile(rb"xmlns(?::([^\s=/>]+))?\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ASCII_ENCODINGS = frozenset({"us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1",
                              "windows-1252", "cp1252", "iso-8859-15"})
_UTF8 = frozenset({"utf-8", "utf8"})
_BOMS = (codecs.BOM_UTF32_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE,
         EBCDIC_MARKER, UTF16BE_MARKER, UTF16LE_MARKER, UTF32BE_MARKER, UTF32LE_MARKER)


class _Decline(Exception):
    """This document is outside the fast path's subset: use feedparser."""


def parse_xml(data: bytes, url: str, content_type: str | None, *, sanitize_html: bool = True,
              resolve_relative_uris: bool = True) -> RawFeed | None:
    """The document as parse.py would read it from feedparser with these two
    settings, or None when it is outside the fast path's subset."""
    try:
        return _Reader(url, sanitize_html, resolve_relative_uris).read(data, content_type)
    except _Decline:
        return None
    except (ET.ParseError, ValueError, TypeError, KeyError, IndexError, AttributeError,
            RecursionError, UnicodeError, OverflowError):
        return None


@dataclass(slots=True)
class _Entry:
    raw_id: Any = None
    link: Any = None
    title: str | None = None
    title_type: str = "text/plain"
    title_lang: str | None = None
    summary: str | None = None
    summary_detail: tuple[str, str, str | None] | None = None
    content: list[tuple[str, str, str | None]] = field(default_factory=list)
    has_content: bool = False
    author: str | None = None
    published: time.struct_time | None = None
    updated: time.struct_time | None = None
    tags: list[list[str | None]] = field(default_factory=list)
    language: str | None = None


class _Reader:
    def __init__(self, url: str, sanitize_html: bool, resolve_relative_uris: bool) -> None:
        # What feedparser's baseuri becomes at the root, for a URL we fetched.
        self.base = make_safe_absolute_uri(url, url) or url
        self.sanitize = sanitize_html
        self.resolve = resolve_relative_uris
        self.version = ""
        self.atom = False
        self.title_depth = -1
        self.names: dict[str, str] = {}
        self.unknown_default: set[str] = set()
        self.feed_title: str | None = None
        self.feed_title_lang: str | None = None
        self.feed_link: Any = None
        self.feed_language: str | None = None
        self.entries: list[_Entry] = []

    # --- document level ------------------------------------------------------

    def read(self, data: bytes, content_type: str | None) -> RawFeed:
        if data[:3] == codecs.BOM_UTF8:
            data = data[3:]
        elif data[:4] in _BOMS or data[:2] in _BOMS:
            raise _Decline
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise _Decline
        self._check_encoding(data, content_type)
        self._scan_namespaces(data)
        root = ET.fromstring(data)
        name = self._name(root.tag)
        lang = self._lang(root, None)
        if name == "rss":
            if not self.version.startswith("rss"):
                self.version = "rss"
            if lang:
                self.feed_language = lang.replace("_", "-")
            self._check_attrs(root)
            channels = [c for c in root if self._name(c.tag) == "channel"]
            if len(channels) != 1 or len(root) != 1:
                raise _Decline
            self._channel(channels[0], 2, lang)
        elif name == "rdf:rdf" and self.version == "rss10":
            self._check_attrs(root)
            for child in root:
                cname = self._name(child.tag)
                if cname == "channel":
                    self._channel(child, 2, self._lang(child, lang))
                elif cname == "item":
                    self._item(child, 2, self._lang(child, lang))
                elif cname in ("image", "textinput"):
                    self._image(child, 2, lang)
                else:
                    raise _Decline
        elif name == "feed" and root.tag == "{" + _ATOM + "}feed" and self.version == "atom10":
            self.atom = True
            if lang:
                self.feed_language = lang.replace("_", "-")
            self._check_attrs(root)
            self._channel(root, 1, lang, top=True)
        else:
            raise _Decline
        if root.text and root.text.strip():
            raise _Decline
        return self._result()

    def _check_encoding(self, data: bytes, content_type: str | None) -> None:
        """Accept only what feedparser would decode as UTF-8 (or ASCII alike)."""
        match = RE_XML_PI_ENCODING.match(data)
        xml_encoding = match.groups()[0].decode("utf-8").lower() if match else ""
        http_type, http_encoding = parse_content_type(content_type or "")
        if (http_type in ("application/xml", "application/xml-dtd",
                          "application/xml-external-parsed-entity")
                or (http_type.startswith("application/") and http_type.endswith("+xml"))):
            encoding = http_encoding or xml_encoding or "utf-8"
        elif http_type.startswith("text/"):  # text/xml, text/*+xml and any text/*
            encoding = http_encoding or "us-ascii"
        elif not content_type:
            encoding = xml_encoding or "iso-8859-1"
        else:
            encoding = xml_encoding or "utf-8"
        encoding = encoding.lower()
        if encoding in _UTF8 and xml_encoding in ("", *_UTF8):
            return  # expat reads UTF-8 and fails (we decline) where it is not
        if (encoding in _ASCII_ENCODINGS and xml_encoding in ("", *_UTF8, *_ASCII_ENCODINGS)
                and data.isascii()):
            return
        raise _Decline

    def _scan_namespaces(self, data: bytes) -> None:
        """Mirror feedparser's version sniffing and refuse prefix clashes."""
        for m in _XMLNS_RE.finditer(data):
            prefix = m.group(1).decode("utf-8", "replace") if m.group(1) else None
            raw = m.group(2) if m.group(2) is not None else m.group(3)
            uri = raw.decode("utf-8", "replace").lower()
            if not self.version:
                if prefix is None and uri == "http://my.netscape.com/rdf/simple/0.9/":
                    self.version = "rss090"
                elif uri == "http://purl.org/rss/1.0/":
                    self.version = "rss10"
                elif uri == "http://www.w3.org/2005/atom":
                    self.version = "atom10"
            if "backend.userland.com/rss" in uri or uri in _NS:
                continue
            if prefix is None:
                self.unknown_default.add(uri)
            elif prefix.lower() in _HANDLER_PREFIXES or prefix.lower() in _NS.values():
                raise _Decline

    def _result(self) -> RawFeed:
        feed_language = self.feed_language or self.feed_title_lang
        entries = []
        for e in self.entries:
            content_html = "".join(_as_html(v, t) for v, t, _ in e.content)
            if e.summary_detail is not None:
                summary_html = _as_html(e.summary_detail[0], e.summary_detail[1]) or (
                    e.summary or "")
            else:
                summary_html = e.summary or ""
            title_html = e.title or ""
            if e.title is not None and e.title_type == "text/plain":
                title_html = _html.escape(title_html)
            language = e.language
            if not language:
                details = [*e.content, e.summary_detail,
                           None if e.title is None else ("", "", e.title_lang)]
                language = next((d[2] for d in details if d is not None and d[2]), None)
            entries.append(RawEntry(
                raw_id=e.raw_id, title_html=title_html, link=e.link, author=e.author or "",
                published=e.published, updated=e.updated, content_html=content_html,
                summary_html=summary_html,
                categories=tuple(t[0] or t[2] for t in e.tags),
                language=language,
            ))
        return RawFeed(title=self.feed_title or "", link=self.feed_link,
                       language=feed_language, entries=entries, fast=True)

    # --- helpers ---------------------------------------------------------------

    def _name(self, tag: str) -> str:
        """feedparser's name for an element ("title", "dc:creator"), or decline."""
        known = self.names.get(tag)
        if known is not None:
            return known
        if tag[:1] == "{":
            uri, _, local = tag[1:].partition("}")
        else:
            uri, local = "", tag
        local = local.lower()
        key = uri.lower()
        if "backend.userland.com/rss" in key:
            key = "http://backend.userland.com/rss"
        prefix = _NS.get(key)
        special = (f"_start_{local}" in _HANDLERS or f"_end_{local}" in _HANDLERS
                   or local in _READ_KEYS)
        if prefix is None:
            # An unknown namespace: feedparser keeps the document's own prefix,
            # or none for a default namespace, which would make it a core name.
            if key in self.unknown_default and special:
                raise _Decline
            name = "?" + local
        elif not prefix and not special:
            # A core element feedparser has no handler for: it is stored under
            # its own name, which nothing here reads.
            name = "?" + local
        else:
            name = f"{prefix}:{local}" if prefix else local
        self.names[tag] = name
        return name

    @staticmethod
    def _lang(el: ET.Element, parent: str | None) -> str | None:
        lang = el.get(_XML_NS + "lang", el.get("lang"))
        if lang == "":
            return None
        return parent if lang is None else lang

    @staticmethod
    def _check_attrs(el: ET.Element) -> None:
        if el.get(_XML_NS + "base") is not None or el.get("base") is not None:
            raise _Decline

    def _ignorable(self, el: ET.Element, allowed: frozenset[str]) -> None:
        """Decline unless every element of the subtree is one feedparser stores
        where parse.py never looks."""
        for sub in el.iter():
            name = self._name(sub.tag)
            if name[0] != "?" and name not in allowed:
                raise _Decline
            self._check_attrs(sub)

    @staticmethod
    def _text(el: ET.Element) -> str:
        """Character data of an element that must not contain markup."""
        if len(el):
            raise _Decline
        return el.text or ""

    def _pop(self, value: str, *, ctype: str | None = None, relative: bool = False,
             markup: bool = False) -> tuple[str, str | None]:
        """feedparser's pop(): strip, resolve, guess, sanitize, fix up."""
        output = value.strip()
        if relative and output:
            output = _join(self.base, output)
        if ctype == "text/plain" and not self.version.startswith("atom") and (
                _looks_like_html(output)):
            ctype = "text/html"
        if markup and ctype in ("text/html", "application/xhtml+xml"):
            if self.sanitize and self.resolve:
                output = _clean_markup(output, self.base, ctype)
            else:
                if self.resolve:
                    output = resolve_relative_uris(output, self.base, "utf-8", ctype)
                if self.sanitize:
                    output = str(_sanitize_html(output, "utf-8", ctype))
        return _fixups(output), ctype

    def _content_type(self, el: ET.Element, default: str) -> str:
        attrs = _attrs(el)
        if "mode" in attrs or "src" in attrs:
            raise _Decline
        raw = attrs.get("type")
        ctype = _TEXT_TYPES.get(raw.lower() if raw is not None else default)
        if ctype is None:
            raise _Decline
        return ctype

    def _title(self, el: ET.Element, depth: int) -> tuple[str, str, bool]:
        """(value, type, stored) for a title element."""
        ctype = self._content_type(el, "text/plain")
        if ctype == "application/xhtml+xml":
            raise _Decline
        value, ctype_out = self._pop(self._text(el), ctype=ctype, markup=True)
        stored = not (-1 < self.title_depth <= depth)
        if value:
            self.title_depth = depth
        return value, ctype_out or ctype, stored

    # --- channel / feed ----------------------------------------------------------

    def _channel(self, el: ET.Element, depth: int, lang: str | None, top: bool = False) -> None:
        if not top:
            self._check_attrs(el)
            if el.get("href") is not None or el.get("lastmod") is not None:
                raise _Decline
        titles = 0
        for child in el:
            name = self._name(child.tag)
            cdepth = depth + 1
            clang = self._lang(child, lang)
            self._check_attrs(child)
            if name in ("item", "entry"):
                if (name == "entry") != self.atom:
                    raise _Decline
                self._item(child, cdepth, clang)
            elif name == "title":
                titles += 1
                if titles > 1:
                    raise _Decline
                got = self._title(child, cdepth)
                if got[2]:
                    self.feed_title = got[0]
                    self.feed_title_lang = clang.replace("_", "-") if clang else None
            elif name == "link":
                self._link(child, feed=True)
            elif name in ("language", "dc:language"):
                self.feed_language, _ = self._pop(self._text(child))
            elif name == "id" and self.atom:
                value, _ = self._pop(self._text(child), relative=True)
                if self.feed_link is None:
                    self.feed_link = value
            elif name in ("image", "textinput"):
                self._image(child, cdepth, clang)
            elif name[0] == "?" or name in _FEED_IGNORED:
                self._ignorable(child, _FEED_IGNORED)
            else:
                raise _Decline

    def _image(self, el: ET.Element, depth: int, lang: str | None) -> None:
        """<image> and <textinput>: skipped, but their titles move title_depth."""
        self.title_depth = -1
        # Any other unprefixed child would end feedparser's image/textinput
        # context and send the rest to the feed.
        allowed = _IMAGE_CHILDREN if self._name(el.tag) == "image" else _TEXTINPUT_CHILDREN
        for child in el.iter():
            if child is el:
                continue
            name = self._name(child.tag)
            self._check_attrs(child)
            if name not in allowed:
                raise _Decline
            if len(child):
                raise _Decline
            if name == "title":
                text = (child.text or "").strip()
                if "<" in text or "&" in text:
                    raise _Decline
                if text:
                    self.title_depth = depth + 1

    def _link(self, el: ET.Element, feed: bool, entry: _Entry | None = None) -> None:
        attrs = _attrs(el)
        rel = attrs.get("rel", "alternate").lower()
        ltype = attrs.get("type")
        ltype = ltype.lower() if ltype is not None else (
            "application/atom+xml" if rel == "self" else "text/html")
        if "url" in attrs or "uri" in attrs or attrs.get("href") == "":
            raise _Decline
        href = attrs.get("href")
        if href:
            if len(el) or (el.text or "").strip():
                raise _Decline
            href = _join(self.base, href)
            if rel == "alternate" and _TEXT_TYPES.get(ltype, ltype) in (
                    "text/html", "application/xhtml+xml"):
                if feed:
                    self.feed_link = href
                elif entry is not None:
                    entry.link = href
            return
        if set(attrs) - {"rel", "type"}:
            raise _Decline
        value, _ = self._pop(self._text(el), relative=True)
        if feed:
            self.feed_link = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value)
        elif entry is not None:
            value = value.replace("&amp;", "&")
            entry.link = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value)

    # --- entries ---------------------------------------------------------------

    def _item(self, el: ET.Element, depth: int, lang: str | None) -> None:
        self._check_attrs(el)
        if el.get("href") is not None or el.get("lastmod") is not None:
            raise _Decline
        e = _Entry()
        self.entries.append(e)
        self.title_depth = -1
        about = el.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        if about:
            e.raw_id = about
        seen: set[str] = set()
        for child in el:
            name = self._name(child.tag)
            cdepth = depth + 1
            clang = self._lang(child, lang)
            self._check_attrs(child)
            if name in ("title", "description", "summary", "content", "content:encoded",
                        "guid", "id", "author", "dc:creator", "dc:author", "language",
                        "dc:language"):
                key = "author" if name in ("dc:creator", "dc:author") else (
                    "guid" if name == "id" else "language" if name == "dc:language" else name)
                if key in seen:
                    raise _Decline
                seen.add(key)
            if name == "title":
                got = self._title(child, cdepth)
                if got[2]:
                    e.title, e.title_type = got[0], got[1]
                    e.title_lang = clang.replace("_", "-") if clang else None
            elif name == "link":
                self._link(child, feed=False, entry=e)
            elif name in ("description", "summary"):
                if e.summary is not None and not e.has_content:
                    raise _Decline  # feedparser would read it as content
                default = "text/html" if name == "description" else "text/plain"
                value, ctype, dlang = self._markup(child, default, clang)
                e.summary = value
                e.summary_detail = (value, ctype, dlang)
            elif name in ("content", "content:encoded"):
                default = "text/plain" if name == "content" else "text/html"
                e.has_content = True
                value, ctype, dlang = self._markup(child, default, clang)
                e.content.append((value, ctype, dlang))
                if e.summary is None:
                    e.summary = value
            elif name in ("guid", "id"):
                permalink = _attrs(child).get("ispermalink", "true") == "true"
                value, _ = self._pop(self._text(child), relative=permalink)
                e.raw_id = value
                if permalink and e.link is None:
                    e.link = value
            elif name in ("author", "dc:creator", "dc:author"):
                e.author = self._author(child)
            elif name in _PUBLISHED:
                e.published = _parse_date(self._pop(self._text(child))[0])
            elif name in _UPDATED:
                e.updated = _parse_date(self._pop(self._text(child))[0])
            elif name in ("category", "dc:subject"):
                self._category(child, e)
            elif name in ("language", "dc:language"):
                e.language, _ = self._pop(self._text(child))
            elif name == "source" and not len(child):
                self.title_depth = -1
            elif name[0] == "?" or name in _ENTRY_IGNORED:
                self._ignorable(child, _ENTRY_IGNORED)
            else:
                raise _Decline

    def _markup(self, el: ET.Element, default: str, lang: str | None,
                ) -> tuple[str, str, str | None]:
        ctype = self._content_type(el, default)
        raw = self._xhtml(el) if ctype == "application/xhtml+xml" else self._text(el)
        value, ctype_out = self._pop(raw, ctype=ctype, markup=True)
        return value, ctype_out or ctype, lang.replace("_", "-") if lang else None

    def _xhtml(self, el: ET.Element) -> str:
        """Inline XHTML content serialized the way feedparser's pieces are."""
        if not self.atom:
            raise _Decline
        pieces: list[str] = []
        xhtml = "{http://www.w3.org/1999/xhtml}"

        def text(s: str | None) -> None:
            if s:
                pieces.append(_html.escape(s, quote=False))

        def walk(node: ET.Element) -> None:
            if not node.tag.startswith(xhtml):
                raise _Decline
            tag = node.tag[len(xhtml):].lower()
            if tag in ("body", "svg", "math") or "_" in tag:
                raise _Decline
            attrs = []
            for key, value in node.attrib.items():
                if key[:1] == "{":
                    raise _Decline
                k = key.lower()
                attrs.append((k, value.lower() if k in ("rel", "type") else value))
            pieces.append(f"<{tag}{_FeedParserMixin.strattrs(attrs)}>")
            text(node.text)
            for sub in node:
                walk(sub)
                text(sub.tail)
            pieces.append(f"</{tag}>")

        text(el.text)
        for child in el:
            walk(child)
            text(child.tail)
        # feedparser drops one <div> wrapping the whole content.
        while len(pieces) > 1 and not pieces[-1].strip():
            del pieces[-1]
        while len(pieces) > 1 and not pieces[0].strip():
            del pieces[0]
        if pieces and (pieces[0] == "<div>" or pieces[0].startswith("<div ")) and (
                pieces[-1] == "</div>"):
            level = 0
            for piece in pieces[:-1]:
                if piece.startswith("</"):
                    level -= 1
                    if level == 0:
                        break
                elif piece.startswith("<") and not piece.endswith("/>"):
                    level += 1
            else:
                pieces = pieces[1:-1]
        return "".join(pieces)

    def _author(self, el: ET.Element) -> str:
        if not len(el):
            if set(el.attrib) - {_XML_NS + "lang"}:
                raise _Decline
            return self._pop(el.text or "")[0]
        if (el.text or "").strip():
            raise _Decline
        name = email = None
        for child in el:
            cname = self._name(child.tag)
            if cname in ("name", "email", "uri", "url", "homepage") and not len(child):
                if (child.tail or "").strip():
                    raise _Decline
                value = (child.text or "").strip()
                if cname == "name":
                    name = value
                elif cname == "email":
                    email = value
            elif cname[0] != "?":
                raise _Decline
        if name and email:
            return f"{name} ({email})"
        return name or email or ""

    def _category(self, el: ET.Element, e: _Entry) -> None:
        if len(el):
            raise _Decline
        attrs = _attrs(el)
        term = attrs.get("term")
        scheme = attrs.get("scheme", attrs.get("domain"))
        label = attrs.get("label")
        if term or scheme or label:
            tag: list[str | None] = [term, scheme, label]
            if tag not in e.tags:
                e.tags.append(tag)
        value, _ = self._pop(el.text or "")
        if not value:
            return
        if e.tags and not e.tags[-1][0]:
            e.tags[-1][0] = value
        else:
            tag = [value, None, None]
            if tag not in e.tags:
                e.tags.append(tag)


def _attrs(el: ET.Element) -> dict[str, str]:
    """Attributes by lower-cased name, as feedparser's strict parser keys them."""
    return {k.lower(): v for k, v in el.attrib.items() if k[:1] != "{"} if el.attrib else {}


def _as_html(value: str, ctype: str) -> str:
    """parse.py's _as_html for a detail of this type."""
    if ctype in ("text/plain", "text"):
        return "<p>" + _html.escape(value).replace("\n\n", "</p><p>") + "</p>"
    return value
