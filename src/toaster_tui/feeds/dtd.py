"""DOCTYPEs defused: a document's internal subset rebuilt from scratch.

Only general entities whose value is one character reference
(`<!ENTITY nbsp "&#160;">`) are kept. So no entity can expand to more than one
character: no billion laughs, no quadratic blow-up, no external entity or
external DTD (no file is ever read, no URL fetched), no parameter entity.
"""

from __future__ import annotations

import re

from feedparser.sanitizer import replace_doctype

from toaster_tui.core.errors import FeedError

__all__ = ["MAX_DTD_ENTITIES", "XML_DECL_RE", "XML_PREDEFINED_ENTITIES", "defuse_dtd",
           "is_xml_char"]

MAX_DTD_ENTITIES = 256
XML_DECL_RE = re.compile(rb"<\?xml[^>]*?>")
"""The XML declaration."""
XML_PREDEFINED_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_MARKER = re.compile(rb"<!(?i:doctype|entity)")
_DOCTYPE_NAME = re.compile(rb"<!DOCTYPE\s+([A-Za-z_][A-Za-z0-9_.:-]{0,63})", re.I)
_SAFE_ENTITY = re.compile(
    rb"<!ENTITY\s+([A-Za-z_][A-Za-z0-9_]{0,31})\s+([\"'])&#(x[0-9A-Fa-f]{1,6}|[0-9]{1,7});\2\s*>"
)
# Where the doctype scanner must look: quotes, comments, PIs, brackets, ends.
_DTD_TOKEN = re.compile(rb"[\"'\[\]>]|<!--|<\?")
_SPACE = b" \t\r\n"


def _skip_space(data: bytes, i: int) -> int:
    n = len(data)
    while i < n and data[i] in _SPACE:
        i += 1
    return i


def _scan_doctype(data: bytes, start: int) -> tuple[int, int, int]:
    """(end, subset_start, subset_end) of the DOCTYPE at `start`; end is -1 if unterminated.

    subset_start == subset_end == -1 when there is no internal subset.
    """
    i = start + len(b"<!DOCTYPE")
    subset = (-1, -1)
    in_subset = False
    while True:
        m = _DTD_TOKEN.search(data, i)
        if m is None:
            return -1, -1, -1
        tok, i = m.group(), m.end()
        if tok in (b'"', b"'"):
            close = data.find(tok, i)
            if close < 0:
                return -1, -1, -1
            i = close + 1
        elif tok == b"<!--":
            close = data.find(b"-->", i)
            if close < 0:
                return -1, -1, -1
            i = close + 3
        elif tok == b"<?":
            close = data.find(b"?>", i)
            if close < 0:
                return -1, -1, -1
            i = close + 2
        elif tok == b"[":
            if not in_subset and subset[0] < 0:
                in_subset = True
                subset = (i, -1)
        elif tok == b"]":
            if in_subset:
                in_subset = False
                subset = (subset[0], i - 1)
        elif tok == b">" and not in_subset:
            return i, subset[0], subset[1]


def _safe_entities(subset: bytes) -> list[bytes]:
    """`<!ENTITY name "&#N;">` declarations for one allowed character each."""
    kept: list[bytes] = []
    seen: set[bytes] = set()
    for m in _SAFE_ENTITY.finditer(subset):
        name, ref = m.group(1), m.group(3)
        code = int(ref[1:], 16) if ref[:1] in (b"x", b"X") else int(ref)
        if (not is_xml_char(code) or code < 0x20 or name in seen
                or name in XML_PREDEFINED_ENTITIES):
            continue
        seen.add(name)
        kept.append(b'<!ENTITY %s "&#%d;">' % (name, code))
        if len(kept) >= MAX_DTD_ENTITIES:
            break
    return kept


def is_xml_char(code: int) -> bool:
    """Whether XML 1.0 allows this character at all (even as a reference)."""
    return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def defuse_dtd(data: bytes) -> tuple[bytes, frozenset[bytes]]:
    """The document with any DOCTYPE rebuilt safely; also the entity names kept."""
    if _MARKER.search(data) is None:
        return data, frozenset()
    decl = XML_DECL_RE.match(data)
    i = decl.end() if decl else 0
    doctype_at: tuple[int, int, int, int] | None = None
    while True:  # the prolog: blanks, comments, PIs and DOCTYPEs
        i = _skip_space(data, i)
        if data.startswith(b"<?", i):
            close = data.find(b"?>", i + 2)
            if close < 0:
                break
            i = close + 2
        elif data.startswith(b"<!--", i):
            close = data.find(b"-->", i + 4)
            if close < 0:
                break
            i = close + 3
        elif data[i:i + 9].upper() == b"<!DOCTYPE":
            end, sub_start, sub_end = _scan_doctype(data, i)
            if end < 0:
                break
            if doctype_at is None:
                doctype_at = (i, end, sub_start, sub_end)
            i = end
        else:
            break
    kept: list[bytes] = []
    name = b""
    if doctype_at is not None:
        start, _end, sub_start, sub_end = doctype_at
        found = _DOCTYPE_NAME.match(data, start)
        name = found.group(1) if found else b""
        if sub_start >= 0 and name:
            kept = _safe_entities(data[sub_start:sub_end])
    head = bytearray(decl.group() if decl else b"")
    if kept:
        head += b"\n<!DOCTYPE " + name + b" [\n" + b"\n".join(kept) + b"\n]>"
    head += b"\n"
    rest = data[i:]
    # Whatever declarations remain before the first element (an unterminated
    # DOCTYPE, junk) are neutralised: no parser may ever read them as a DTD.
    # feedparser's idea of the head ends at the first "<\w"; expat's at the root.
    ends = [m.start() for m in (re.search(rb"<\w", rest), re.search(rb"<[A-Za-z_\x80-\xff]", rest))
            if m is not None]
    cut = max(ends) if ends else len(rest)
    lead = _MARKER.sub(lambda m: b"&lt;" + m.group()[1:], rest[:cut])
    out = bytes(head) + lead + rest[cut:]
    names = frozenset(_SAFE_ENTITY.match(k).group(1) for k in kept)  # type: ignore[union-attr]
    _verify(out, names)
    return out, names


def _verify(data: bytes, names: frozenset[bytes]) -> None:
    """Belt and braces: what feedparser will extract must be what was kept."""
    _version, _data, entities = replace_doctype(data)
    for key, value in entities.items():
        if key.encode() not in names or not re.fullmatch(r"&#[0-9]{1,7};", value):
            raise FeedError("the feed declares XML entities that cannot be made safe; refused")

