"""A web page's bytes as text: which character encoding it is in.

In the order browsers use: a byte-order mark, the HTTP header's charset, a
`<meta>` near the top, then a guess (UTF-8 when the bytes are valid UTF-8,
else charset_normalizer's detection). Labels are read as the WHATWG Encoding
standard reads them where it matters: "iso-8859-1" and "ascii" mean
windows-1252, and a `<meta>` saying UTF-16 means UTF-8 (the bytes it was
found in were ASCII-compatible).
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

__all__ = ["decode_page", "page_encoding"]

META_SCAN = 4096
"""Bytes at the top of a page searched for a <meta> charset (browsers: 1024)."""
DETECT_SAMPLE = 64 * 1024
"""Bytes charset_normalizer looks at: enough to tell, bounded in time."""

_HEADER_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:+-]{1,40})""", re.I)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9._:+-]{1,40})""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
# WHATWG: these labels are decoded as windows-1252 by every browser.
_AS_WINDOWS_1252 = frozenset({"latin_1", "ascii", "iso8859-1", "windows-1252", "cp1252"})


def decode_page(body: bytes, content_type: str | None) -> str:
    """The page as text; never raises (undecodable bytes become U+FFFD)."""
    encoding, skip = page_encoding(body, content_type)
    return body[skip:].decode(encoding, errors="replace")


def page_encoding(body: bytes, content_type: str | None) -> tuple[str, int]:
    """(Python codec name, bytes of byte-order mark to skip)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, len(bom)
    declared = _HEADER_CHARSET.search((content_type or "").encode("latin-1", "replace"))
    found = _codec(declared.group(1)) if declared else None
    if found:
        return found, 0
    meta = _META_CHARSET.search(body[:META_SCAN])
    found = _codec(meta.group(1)) if meta else None
    if found:
        return ("utf-8" if found.startswith("utf-16") else found), 0
    return _detect(body), 0


def _codec(label: bytes) -> str | None:
    """The codec a charset label names, or None when Python knows no such codec."""
    try:
        name = codecs.lookup(label.decode("ascii").strip()).name
    except (LookupError, UnicodeDecodeError):
        return None
    if name in _AS_WINDOWS_1252:
        return "cp1252"
    # A label that maps to a non-text codec (rot13, base64...) is not a charset.
    return name if codecs.lookup(name)._is_text_encoding else None


def _detect(body: bytes) -> str:
    sample = body[:DETECT_SAMPLE]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if len(body) > len(sample) and exc.start >= len(sample) - 3:
            # A character cut in two by the sample's end: UTF-8 all the same.
            return "utf-8"
    matches = charset_normalizer.from_bytes(sample)
    best = matches.best()
    if best is None:
        return "cp1252"
    # Single-byte Latin encodings often read a Western page equally well; among
    # the equally good, windows-1252 is the one the web uses (and browsers guess).
    if any(m.encoding == "cp1252" and m.chaos <= best.chaos for m in matches):
        return "cp1252"
    return _codec(best.encoding.encode("ascii")) or "cp1252"
