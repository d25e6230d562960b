"""The fast path's entry point: `parse_xml`, a feed document or None.

The document level: byte-order marks and encodings feedparser would read as
UTF-8, the namespaces that set its version, the root element, and the
RawFeed parse.py builds entries from.
"""

from __future__ import annotations

import codecs
import html as _html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from feedparser.encodings import (
    EBCDIC_MARKER,
    RE_XML_PI_ENCODING,
    UTF16BE_MARKER,
    UTF16LE_MARKER,
    UTF32BE_MARKER,
    UTF32LE_MARKER,
    parse_content_type,
)

from toaster_tui.feeds.fastparse.channel import read_channel, read_image
from toaster_tui.feeds.fastparse.elements import (
    HANDLER_PREFIXES,
    NAMESPACES,
    Decline,
    ElementReader,
)
from toaster_tui.feeds.fastparse.entries import read_item
from toaster_tui.feeds.fastparse.raw_feed import RawEntry, RawFeed

__all__ = ["parse_xml"]

_ATOM = "http://www.w3.org/2005/Atom"
_XMLNS_RE = re.compile(rb"xmlns(?::([^\s=/>]+))?\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ASCII_ENCODINGS = frozenset({"us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1",
                              "windows-1252", "cp1252", "iso-8859-15"})
_UTF8 = frozenset({"utf-8", "utf8"})
_BOMS = (codecs.BOM_UTF32_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE,
         EBCDIC_MARKER, UTF16BE_MARKER, UTF16LE_MARKER, UTF32BE_MARKER, UTF32LE_MARKER)


Limits = Callable[[ET.Element, bytes], None]
"""Called with the whole tree and the document before anything is read from
them; it raises (an exception parse_xml lets through) to stop the read."""


def parse_xml(data: bytes, url: str, content_type: str | None, *, sanitize_html: bool = True,
              resolve_relative_uris: bool = True, limits: Limits | None = None) -> RawFeed | None:
    """The document as parse.py would read it from feedparser with these two
    settings, or None when it is outside the fast path's subset."""
    try:
        reader = ElementReader(url, sanitize_html, resolve_relative_uris)
        return _read(reader, data, content_type, limits)
    except Decline:
        return None
    except (ET.ParseError, ValueError, TypeError, KeyError, IndexError, AttributeError,
            RecursionError, UnicodeError, OverflowError):
        return None


def _read(reader: ElementReader, data: bytes, content_type: str | None,
          limits: Limits | None) -> RawFeed:
    if data[:3] == codecs.BOM_UTF8:
        data = data[3:]
    elif data[:4] in _BOMS or data[:2] in _BOMS:
        raise Decline
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise Decline
    _check_encoding(data, content_type)
    _scan_namespaces(reader, data)
    root = ET.fromstring(data)
    if limits is not None:
        limits(root, data)
    name = reader.name(root.tag)
    lang = reader.lang(root, None)
    if name == "rss":
        if not reader.version.startswith("rss"):
            reader.version = "rss"
        if lang:
            reader.feed_language = lang.replace("_", "-")
        reader.check_attrs(root)
        channels = [c for c in root if reader.name(c.tag) == "channel"]
        if len(channels) != 1 or len(root) != 1:
            raise Decline
        read_channel(reader, channels[0], 2, lang)
    elif name == "rdf:rdf" and reader.version == "rss10":
        reader.check_attrs(root)
        for child in root:
            cname = reader.name(child.tag)
            if cname == "channel":
                read_channel(reader, child, 2, reader.lang(child, lang))
            elif cname == "item":
                read_item(reader, child, 2, reader.lang(child, lang))
            elif cname in ("image", "textinput"):
                read_image(reader, child, 2, lang)
            else:
                raise Decline
    elif name == "feed" and root.tag == "{" + _ATOM + "}feed" and reader.version == "atom10":
        reader.atom = True
        if lang:
            reader.feed_language = lang.replace("_", "-")
        reader.check_attrs(root)
        read_channel(reader, root, 1, lang, top=True)
    else:
        raise Decline
    if root.text and root.text.strip():
        raise Decline
    return _result(reader)


def _check_encoding(data: bytes, content_type: str | None) -> None:
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
    raise Decline


def _scan_namespaces(reader: ElementReader, data: bytes) -> None:
    """Mirror feedparser's version sniffing and refuse prefix clashes."""
    for m in _XMLNS_RE.finditer(data):
        prefix = m.group(1).decode("utf-8", "replace") if m.group(1) else None
        raw = m.group(2) if m.group(2) is not None else m.group(3)
        uri = raw.decode("utf-8", "replace").lower()
        if not reader.version:
            if prefix is None and uri == "http://my.netscape.com/rdf/simple/0.9/":
                reader.version = "rss090"
            elif uri == "http://purl.org/rss/1.0/":
                reader.version = "rss10"
            elif uri == "http://www.w3.org/2005/atom":
                reader.version = "atom10"
        if "backend.userland.com/rss" in uri or uri in NAMESPACES:
            continue
        if prefix is None:
            reader.unknown_default.add(uri)
        elif prefix.lower() in HANDLER_PREFIXES or prefix.lower() in NAMESPACES.values():
            raise Decline


def _result(reader: ElementReader) -> RawFeed:
    feed_language = reader.feed_language or reader.feed_title_lang
    entries = []
    for e in reader.entries:
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
            enclosures=tuple(e.enclosures), duration=e.duration,
        ))
    return RawFeed(title=reader.feed_title or "", link=reader.feed_link,
                   language=feed_language, entries=entries, fast=True)


def _as_html(value: str, ctype: str) -> str:
    """parse.py's _as_html for a detail of this type."""
    if ctype in ("text/plain", "text"):
        return "<p>" + _html.escape(value).replace("\n\n", "</p><p>") + "</p>"
    return value
