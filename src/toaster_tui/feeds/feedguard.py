"""Hostile-input guards that run on a fetched document before any parser sees it.

XML (`guard_xml`), in order:

1. The bytes are decoded exactly as feedparser would decode them (its own
   `convert_to_utf8`: HTTP charset, BOM, XML declaration, fallbacks, UTF-7 and
   UTF-16 included), so what is checked here is what gets parsed, whatever
   encoding a server claims. An HTML page is recognised here and refused.
2. DTDs are defused (dtd.py): a DOCTYPE's internal subset is rebuilt keeping
   only entities that stand for one character.
3. Raw escape sequences (7- and 8-bit) are dropped whole, payload included,
   before a parser maps C1 characters to cp1252 and hides their ends; person
   fields (author, creator, name, email...) are cut to MAX_PERSON characters,
   as feedparser scans them with a regex quadratic in their length.
4. One expat pass (no DTD, no external anything) bounds the structure:
   nesting depth, elements, attributes, references; and it cuts the document
   after MAX_ENTRIES entries (closing what was open, so it stays well-formed).
5. A document expat rejects gets the usual repairs (stray `&`, HTML named
   entities, characters XML forbids). If it is still malformed it is left to
   feedparser's lenient parser only when small: that parser is linear but
   slow and memory-hungry on hostile input.

`guard_xml` is `prepare_xml` (steps 1-3) then `check_xml` (4-5). The fast
parse path skips step 4's expat pass: it reads the prepared text itself and
bounds the tree it built with `check_tree`, falling back to `check_xml`
wherever that cannot vouch for the document (parse.py).

JSON (`guard_json`): the number of objects and arrays is bounded before
`json.loads` builds them (deep nesting is json's own RecursionError).

Every refusal is a FeedError with a message in plain words.
"""

from __future__ import annotations

import html.entities
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any, NoReturn
from xml.parsers import expat

from feedparser.encodings import convert_to_utf8

from toaster_tui.core.errors import FeedError
from toaster_tui.feeds.dtd import (
    XML_DECL_RE,
    XML_PREDEFINED_ENTITIES,
    defuse_dtd,
    is_xml_char,
)

__all__ = [
    "MAX_ATTRIBUTES",
    "MAX_DEPTH",
    "MAX_ELEMENTS",
    "MAX_ENTRIES",
    "MAX_JSON_CONTAINERS",
    "MAX_LENIENT_BYTES",
    "MAX_REFERENCES",
    "MAX_TOTAL_ATTRIBUTES",
    "OverLimits",
    "Prepared",
    "check_tree",
    "check_xml",
    "guard_json",
    "guard_xml",
    "may_fit",
    "prepare_xml",
]

MAX_ENTRIES = 1000
"""Entries kept from one document (the first ones: feeds list newest first)."""
MAX_DEPTH = 512
"""Element nesting depth (inline XHTML content included)."""
MAX_ELEMENTS = 300_000
"""Elements in the part of the document that is kept."""
MAX_LENIENT_BYTES = 1024 * 1024
"""Largest malformed document handed to feedparser's lenient parser."""
MAX_JSON_CONTAINERS = 200_000
"""Objects plus arrays in a JSON Feed."""
MAX_ATTRIBUTES = 256
"""Attributes (namespace declarations included) on one element."""
MAX_TOTAL_ATTRIBUTES = 200_000
"""Attributes in the part of the document that is kept."""
MAX_REFERENCES = 1_000_000
"""Entity and character references ("&...;") in one document: each is a
separate piece of text to a parser, so they cost far more than their bytes."""
MAX_PERSON = 256
"""Characters kept of an author, creator, name, email... element's text:
feedparser looks for an email address in it with a regex quadratic in its
length (20 KB of "a" cost a second, 200 KB minutes)."""
MAX_REPAIR_GROWTH = 4 * 1024 * 1024
"""Bytes the repairs (stray "&" escaped) may add to a document."""
_CHUNK = 256 * 1024

_UTF8_DECL = b"<?xml version='1.0' encoding='utf-8'?>"
_ENTRY_NAMES = frozenset({"item", "entry"})
# A (possibly prefixed) item/entry start tag, for documents expat cannot read.
_ENTRY_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]", re.I)
# XML 1.0 forbids these characters even escaped.
_BAD_CHARS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
# A raw escape sequence (ESC is one of those characters): dropped whole, payload
# included, as sanitize does, but never past a "<" so no markup is eaten.
# 8-bit forms too (C1 characters, legal in XML: UTF-8 \xc2\x80-\x9f): parsers map
# some C1 characters to cp1252, which would hide a sequence's end from sanitize.
_PAYLOAD = rb"(?:[^\x07\x1b<\xc2]++|\xc2(?!\x9c))*+"
_ST = rb"(?:\x07|\x1b\\|\xc2\x9c)?"
_ESCAPE_SEQ = re.compile(
    rb"\x1b(?:[\]P^_X]" + _PAYLOAD + _ST + rb"|\[[0-9;?]*+[ -/]*+[@-~]?|[ -/]*+[0-;=-~]?)"
    rb"|\xc2[\x90\x98\x9d\x9e\x9f]" + _PAYLOAD + _ST
    + rb"|\xc2\x9b[0-9;?]*+[ -/]*+[@-~]?"
)
# The 8-bit starts alone: a pattern that begins with one literal byte is
# searched for that byte first, ~30x faster than the alternation with ESC.
_C1_START = re.compile(rb"\xc2[\x90\x98\x9b\x9d-\x9f]")
_PERSON_TAGS = ("author|creator|managingEditor|webMaster|name|email|uri|contributor|publisher"
                "|owner")
# A person element's start tag (any prefix), an optional CDATA opening, then
# more text than MAX_PERSON before the next markup: the excess is cut.
_PERSON_FIELD = re.compile(
    rf"(<(?:[A-Za-z_][\w.-]*:)?(?i:{_PERSON_TAGS})(?=[\s/>])[^<>]*+>(?:\s*+<!\[CDATA\[)?)"
    rf"([^<\]]{{{MAX_PERSON}}})[^<\]]*+")
_PERSON_FIELD_BYTES = re.compile(_PERSON_FIELD.pattern.encode())
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html)[\s>]", re.I)
_FEED_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|rdf)[\s>/]", re.I)
_AMP = re.compile(rb"&(?:(#[0-9]{1,8}|#[xX][0-9A-Fa-f]{1,7}|[A-Za-z][A-Za-z0-9]{0,31});)?")


class _Stop(Exception):
    """Raised inside expat callbacks to end the pass early."""


# --- decoding ---------------------------------------------------------------------

def _to_utf8(data: bytes, url: str, content_type: str | None) -> bytes:
    """The document as feedparser will decode it, re-encoded as UTF-8."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    result: dict[str, Any] = {}
    try:
        out = convert_to_utf8(headers, data, result)
    except Exception:  # a codec that blows up on hostile bytes: decode leniently
        out = data
    if result.get("encoding"):
        return bytes(out)
    # No encoding worked: feedparser would read it as UTF-8 with replacements.
    text = bytes(out).decode("utf-8", "replace").encode("utf-8")
    if XML_DECL_RE.match(text):
        return XML_DECL_RE.sub(_UTF8_DECL, text, count=1)
    return _UTF8_DECL + b"\n" + text


def utf8_content_type(content_type: str | None) -> str | None:
    """The media type with its charset set to UTF-8 (what guard_xml returns)."""
    if not content_type:
        return None
    media = content_type.split(";", 1)[0].strip()
    return f"{media}; charset=utf-8" if media else None


# --- structure -----------------------------------------------------------------------

class _Structure:
    """Expat callbacks: depth, element count, and where entry MAX_ENTRIES + 1 starts."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.depth = 0
        self.elements = 0
        self.attributes = 0
        self.entries = 0
        self.stack: list[str] = []
        self.cut: int | None = None
        self.problem: str | None = None

    def start(self, name: str, attrs: Any) -> None:
        self.elements += 1
        if len(attrs) > 2 * MAX_ATTRIBUTES:  # [name, value, name, value, ...]
            self.problem = (f"the feed has an element with more than {MAX_ATTRIBUTES} "
                            "attributes; refused")
            raise _Stop
        self.attributes += len(attrs) // 2
        if self.attributes > MAX_TOTAL_ATTRIBUTES:
            self.problem = (f"the feed has more than {MAX_TOTAL_ATTRIBUTES:,} XML attributes; "
                            "refused")
            raise _Stop
        local = name.rpartition(":")[2].lower()
        if local in _ENTRY_NAMES:
            self.entries += 1
            if self.entries > MAX_ENTRIES:
                self.cut = int(self.parser.CurrentByteIndex)
                raise _Stop
        self.stack.append(name)
        if len(self.stack) > MAX_DEPTH:
            self.problem = f"the feed is nested more than {MAX_DEPTH} levels deep; refused"
            raise _Stop
        if self.elements > MAX_ELEMENTS:
            self.problem = f"the feed has more than {MAX_ELEMENTS:,} XML elements; refused"
            raise _Stop

    def end(self, _name: str) -> None:
        if self.stack:
            self.stack.pop()

    def refuse(self, *_args: object) -> NoReturn:
        self.problem = "the feed declares XML entities that cannot be made safe; refused"
        raise _Stop

    def entity(self, _name: str, is_parameter: int, value: str | None, *_rest: object) -> None:
        if is_parameter or value is None or len(value) > 1:
            self.refuse()


def _check(data: bytes) -> tuple[_Structure, str | None]:
    """One expat pass; (result, None) or (result, the well-formedness error)."""
    parser = expat.ParserCreate()
    seen = _Structure(parser)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.ordered_attributes = True  # a flat list: half the memory of a dict
    parser.EntityDeclHandler = seen.entity
    parser.UnparsedEntityDeclHandler = seen.refuse
    parser.ExternalEntityRefHandler = seen.refuse
    parser.StartElementHandler = seen.start
    parser.EndElementHandler = seen.end
    try:
        parser.Parse(data, True)
    except _Stop:
        pass
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code) or "malformed XML"
        return seen, f"line {exc.lineno}, column {exc.offset + 1}: {message}"
    if seen.problem:
        raise FeedError(seen.problem)
    return seen, None


def _repair(data: bytes, entities: frozenset[bytes]) -> bytes:
    """The common faults of real feeds, fixed outside CDATA sections: a stray
    "&" escaped, an HTML named entity made a character reference, a character
    XML forbids (raw or referenced) dropped.

    Works a chunk at a time (each cut right before a "<", which no reference
    spans), so the pieces re.sub keeps alive stay few whatever the input.
    """
    def amp(m: re.Match[bytes]) -> bytes:
        ref = m.group(1)
        if ref is None:
            return b"&amp;"
        if ref[:1] == b"#":
            code = int(ref[2:], 16) if ref[1:2] in (b"x", b"X") else int(ref[1:])
            return m.group() if is_xml_char(code) else b""
        if ref in XML_PREDEFINED_ENTITIES or ref in entities:
            return m.group()
        char = html.entities.html5.get(ref.decode("ascii") + ";")
        return char.encode("ascii", "xmlcharrefreplace") if char else b"&amp;" + ref + b";"

    def fix(text: bytes) -> bytes:
        if b"\x1b" in text:
            text = _ESCAPE_SEQ.sub(b"", text)
        return _AMP.sub(amp, _BAD_CHARS.sub(b"", text))

    out: list[bytes] = []
    i, n = 0, len(data)
    while i < n:
        start = data.find(b"<![CDATA[", i)
        end = n if start < 0 else start
        while i < end:  # markup and text, a chunk at a time
            cut = end if end - i <= _CHUNK else data.rfind(b"<", i + 1, i + _CHUNK)
            cut = cut if cut > i else min(end, i + _CHUNK)
            out.append(fix(data[i:cut]))
            i = cut
        if start < 0:
            break
        close = data.find(b"]]>", start)
        close = n if close < 0 else close + 3
        section = data[start:close]
        if b"\x1b" in section:
            section = _ESCAPE_SEQ.sub(b"", section)
        out.append(_BAD_CHARS.sub(b"", section))
        i = close
    return b"".join(out)


def _cut_entries(data: bytes, seen: _Structure) -> bytes:
    assert seen.cut is not None
    closing = b"".join(b"</" + name.encode("utf-8") + b">" for name in reversed(seen.stack))
    return data[:seen.cut] + closing


@dataclass(frozen=True, slots=True)
class Prepared:
    """A document after every guard step but the structure pass (steps 1-3)."""

    text: bytes
    content_type: str | None
    entities: frozenset[bytes]


def guard_xml(data: bytes, url: str, content_type: str | None) -> tuple[bytes, str | None]:
    """Make an XML document safe to hand to a parser: (UTF-8 bytes, content type).

    Raises FeedError when it cannot be made safe or is too costly to read.
    """
    if not data.strip():
        return data, content_type  # the parser says "empty response" itself
    return check_xml(prepare_xml(data, url, content_type))


def prepare_xml(data: bytes, url: str, content_type: str | None) -> Prepared:
    """Steps 1-3: decoded as UTF-8, HTML refused, DTD defused, escapes and long
    person fields cut. `check_xml` does the rest; a parser that bounds the
    structure itself (`check_tree`) may read the prepared text directly."""
    text = _to_utf8(data, url, content_type)
    head = text[:4096]
    html_at = _HTML_START.search(head)
    feed_at = _FEED_START.search(head)
    if html_at and (feed_at is None or html_at.start() < feed_at.start()):
        raise FeedError("an HTML page, not a feed")
    text, entities = defuse_dtd(text)
    if b"\x1b" in text or _C1_START.search(text):
        text = _ESCAPE_SEQ.sub(b"", text)
    if _PERSON_FIELD_BYTES.search(text):  # cut on characters, not bytes
        text = _PERSON_FIELD.sub(r"\1\2", text.decode("utf-8", "replace")).encode("utf-8")
    return Prepared(text, utf8_content_type(content_type), entities)


def check_xml(prepared: Prepared) -> tuple[bytes, str | None]:
    """Steps 4-5 on a prepared document: what guard_xml returns."""
    text, entities, content_type = prepared.text, prepared.entities, prepared.content_type
    seen, error = _check(text)
    if error is not None:
        repaired = _repair(text, entities)
        if len(repaired) - len(text) > MAX_REPAIR_GROWTH:
            raise FeedError(f"malformed XML ({error}), with too many stray '&' to repair")
        seen2, error2 = _check(repaired)
        if error2 is None:
            text, seen, error = repaired, seen2, None
    if text.count(b"&") > MAX_REFERENCES:
        raise FeedError(f"the feed has more than {MAX_REFERENCES:,} entity or character "
                        "references; refused")
    if error is None:
        if seen.cut is not None:
            text = _cut_entries(text, seen)
        return text, content_type
    if len(text) > MAX_LENIENT_BYTES:
        raise FeedError(f"malformed XML ({error}), and too large "
                        f"({len(text) // 1024} KB) to read leniently")
    # Lenient parsing reads everything: cut after MAX_ENTRIES entries by hand.
    for count, m in enumerate(_ENTRY_TAG.finditer(text), 1):
        if count > MAX_ENTRIES:
            text = text[:m.start()]
            break
    return text, content_type


class OverLimits(Exception):
    """check_tree cannot vouch for a tree: run the structure pass (check_xml)."""


def may_fit(text: bytes) -> bool:
    """Whether a tree of `text` can be within the structure limits, from counts
    of bytes alone: a document that cannot is never built as a whole tree."""
    return (text.count(b"<") <= MAX_ELEMENTS and text.count(b"=") <= MAX_TOTAL_ATTRIBUTES
            and text.count(b"&") <= MAX_REFERENCES)


def check_tree(root: ET.Element, text: bytes) -> None:
    """Raise OverLimits unless the structure pass would pass `text` unchanged.

    For a parser that has built the whole tree of a prepared, well-formed
    document without a DTD (and only where `may_fit` holds): one walk instead
    of a second expat pass with a Python callback per element. Namespace
    declarations are not in the tree, so every element is counted as if it
    carried all of them (a bound: a document near a limit takes the exact pass).
    """
    declarations = text.count(b"xmlns")
    elements = attributes = entries = most = depth = 0
    level = [root]
    while level:
        depth += 1
        elements += len(level)
        below: list[ET.Element] = []
        for el in level:
            n = len(el.attrib)
            attributes += n
            if n > most:
                most = n
            tag = el.tag
            if tag[tag.rfind("}") + 1:].lower() in _ENTRY_NAMES:
                entries += 1
            if len(el):
                below.extend(el)
        level = below
    if (depth > MAX_DEPTH or elements > MAX_ELEMENTS or entries > MAX_ENTRIES
            or most + declarations > MAX_ATTRIBUTES
            or attributes + declarations > MAX_TOTAL_ATTRIBUTES):
        raise OverLimits


# --- JSON --------------------------------------------------------------------------------

_JSON_STRING_REST = re.compile(rb'(?:[^"\\]++|\\.)*+"', re.S)


def guard_json(data: bytes) -> None:
    """Refuse a JSON document with more objects and arrays than a feed needs.

    Brackets inside strings do not count; the scan is linear whatever the input.
    """
    if data.count(b"{") + data.count(b"[") <= MAX_JSON_CONTAINERS:
        return
    count, i, n = 0, 0, len(data)
    while i < n:
        quote = data.find(b'"', i)
        end = n if quote < 0 else quote
        count += data.count(b"{", i, end) + data.count(b"[", i, end)
        if quote < 0:
            break
        rest = _JSON_STRING_REST.match(data, quote + 1)
        if rest is None:  # an unterminated string runs to the end
            break
        i = rest.end()
    if count > MAX_JSON_CONTAINERS:
        raise FeedError(f"the JSON Feed has more than {MAX_JSON_CONTAINERS:,} objects and "
                        "arrays; refused")
