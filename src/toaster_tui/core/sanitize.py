"""Terminal safety: nothing from a feed may drive the terminal.

Every string that came from the network passes through `clean_text` (bodies)
or `clean_line` (titles, authors, categories) before it is stored or shown,
and every link through `safe_url` before it is opened. The functions are pure,
never raise, and take a fast path when the input is already clean.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["MAX_URL", "clean_line", "clean_text", "is_terminal_safe", "json_safe", "safe_url"]

# Introducers of "string" controls whose payload runs up to a terminator:
# OSC, DCS, SOS, PM, APC in their 7-bit (ESC x) and 8-bit (C1) forms.
_STRING_INTRO = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])"
# The payload stops at any terminator or introducer so that scanning stays
# linear even on input made of thousands of unterminated introducers.
_STRING_BODY = r"[^\x07\x1b\x9c\x90\x98\x9b\x9d\x9e\x9f]*+"
_STRING_END = r"(?:\x07|\x1b\\|\x9c)"

_ESCAPE_RE = re.compile(
    # A terminated string control with its whole payload (OSC 8/52, titles...).
    rf"{_STRING_INTRO}{_STRING_BODY}{_STRING_END}"
    # An unterminated one: drop the introducer and its numeric parameters;
    # the rest is inert text once the ESC is gone.
    rf"|{_STRING_INTRO}[0-9;]*+"
    # CSI (7-bit and 8-bit): parameters, intermediates, final byte.
    r"|(?:\x1b\[|\x9b)[0-?]*+[ -/]*+[@-~]?"
    # Any other ESC: intermediates plus one final character (ESC 7, ESC (B,
    # ESC #8, ESC c ...), or a lone ESC.
    r"|\x1b[ -/]*+[0-~]?"
)

# Characters clean_text deletes or replaces once sequences are gone.
_DELETE = (
    [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]
    + [c for c in range(0x80, 0xA0) if c != 0x85]
    # Bidi embeddings/overrides/isolates and marks: they reorder what is shown.
    + [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
    # Deprecated format controls, BOM, interlinear annotations.
    + [*range(0x206A, 0x2070), 0xFEFF, 0xFFF9, 0xFFFA, 0xFFFB]
    # Lone surrogates cannot be encoded for the terminal at all.
    + list(range(0xD800, 0xE000))
)
_NEWLINES = [0x0D, 0x85, 0x2028, 0x2029]

_TABLE: dict[int, str | None] = {c: None for c in _DELETE}
_TABLE.update({c: "\n" for c in _NEWLINES})


def _char_class(codes: list[int]) -> str:
    """A character class's body: each run of consecutive code points one
    range (2,000 single ones took ~9 ms to compile, at every start-up).
    Every code point is escaped so the class is valid whatever it contains."""
    runs: list[list[int]] = []
    for c in sorted(set(codes)):
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in runs)


# One class that matches every character clean_text would change.
_UNSAFE_RE = re.compile(f"[{_char_class(sorted({*_DELETE, *_NEWLINES, 0x1B}))}]")


def clean_text(s: str | None) -> str:
    """Strip escape sequences and unsafe controls; keep `\\n` and `\\t`.

    `\\r\\n`, `\\r`, NEL, U+2028 and U+2029 become `\\n`.
    """
    if not s:
        return ""
    if not isinstance(s, str):
        s = str(s)
    # ASCII (most feed text): safe when every line is printable, which str
    # checks ~10x faster than the regex scans. Tabs and other controls go on.
    if s.isascii() and (s.isprintable() or all(map(str.isprintable, s.split("\n")))):
        return s
    if _UNSAFE_RE.search(s) is None:
        return s
    s = _ESCAPE_RE.sub("", s)
    s = s.replace("\r\n", "\n")
    return s.translate(_TABLE)


def clean_line(s: str | None) -> str:
    """clean_text, then all whitespace (newlines too) collapsed to one space."""
    # str.split() splits on exactly what a regex's \s matches (str.isspace), so
    # this is re.sub(r"\s+", " ", ...).strip() without the regex engine.
    return " ".join(clean_text(s).split())


MAX_URL = 8192
"""Longer links are not links but payloads: dropped."""


def safe_url(s: str | None) -> str | None:
    """The URL if it is http(s) with a host and at most MAX_URL long, else None.

    Spaces become %20.
    """
    url = clean_line(s).replace(" ", "%20")
    if not url or len(url) > MAX_URL:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced IPv6 bracket or a bad port
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


def is_terminal_safe(s: str) -> bool:
    """True iff `clean_text(s) == s`: no escape, control or bidi character."""
    return _UNSAFE_RE.search(s) is None


def json_safe(text: str) -> str:
    """JSON text with every character clean_text would touch written as `\\uXXXX`.

    The document means exactly the same (JSON escapes are lossless) but can be
    printed to a terminal: json.dumps(ensure_ascii=False) leaves C1 controls,
    bidi overrides and lone surrogates raw. Only valid on JSON text, where
    such characters can only sit inside strings.
    """
    return _UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
