"""HTML as the fast path reads it: the tag regex, and feedparser's sanitizer skipped
where it would keep a body exactly as it is."""

from __future__ import annotations

import html.entities
import re

from feedparser.sanitizer import _HTMLSanitizer, _sanitize_html
from feedparser.urls import _urljoin, resolve_relative_uris

__all__ = ["TAG_RE", "clean_markup", "join_url"]

# One start or end tag with well-formed attributes. Possessive quantifiers keep
# it linear on hostile input. Anything else that starts with "<" (comments,
# CDATA, a stray "<") makes the token count differ from the "<" count.
TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9]*+)"
    r"((?:\s++[^\s\"'<>/=]++(?:\s*+=\s*+(?:\"[^\"]*+\"|'[^']*+'|[^\s\"'=<>`]++))?+)*+)"
    r"\s*+(/?)>"
)

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
    tags = list(TAG_RE.finditer(value))
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


def clean_markup(value: str, base: str, ctype: str) -> str:
    """feedparser's resolve + sanitize, skipped when they would change nothing."""
    if ctype == "application/xhtml+xml":
        trimmed = _VOID_END_RE.sub("", value)
        if _is_clean_html(trimmed):
            return trimmed
    elif _is_clean_html(value):
        return value
    value = resolve_relative_uris(value, base, "utf-8", ctype)
    return str(_sanitize_html(value, "utf-8", ctype))


def join_url(base: str, uri: str) -> str:
    """feedparser's _urljoin; a plain absolute http(s) URL comes back unchanged."""
    if _PLAIN_URL_RE.fullmatch(uri) is not None:
        return uri
    return str(_urljoin(base, uri))
