"""Escaping that keeps text literal in the light Markdown Textual renders."""

from __future__ import annotations

import re

__all__ = ["code_span", "escape_inline", "escape_line_start"]

# Markdown that a text node could accidentally form.
_INLINE_ESC_RE = re.compile(r"[\\`*\[\]<|]|~(?=~)|(?<=~)~|&(?=#?\w+;)|(?<![^\W_])_|_(?![^\W_])")
_LINE_START_RE = re.compile(r"^(?:([#>+=-])|(\d{1,9})([.)]))")


def escape_inline(s: str) -> str:
    """`s` with every character that could start inline Markdown backslashed."""
    return _INLINE_ESC_RE.sub(lambda m: "\\" + m.group(0), s)


def escape_line_start(s: str) -> str:
    """`s` made unable to open a heading, quote, list or rule at a line start."""
    m = _LINE_START_RE.match(s)
    if m is None:
        return s
    if m.group(1):
        return "\\" + s
    return f"{m.group(2)}\\{s[m.end(2):]}"


def code_span(s: str) -> str:
    """`s` as a code span, fenced by more backticks than any run inside."""
    run = max((len(r) for r in re.findall(r"`+", s)), default=0)
    fence = "`" * (run + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"
