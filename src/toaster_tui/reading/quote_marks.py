"""The marks the HTML converter leaves in text for `quotes.key_quotes` to find.

Private-use characters around <blockquote> and <q> text; clean_text keeps
them, and the converter strips them from the input, so they always mean what
the walk put there. Quotation marks inside code are hidden as other
private-use stand-ins (a string literal is not something an article quotes)
and put back in what key_quotes returns.
"""

from __future__ import annotations

__all__ = [
    "BLOCKQUOTE_CLOSE", "BLOCKQUOTE_OPEN", "HIDE_CODE_QUOTES", "NOT_QUOTING_ELEMENTS", "Q_CLOSE",
    "Q_OPEN", "REMOVE_MARKS", "SHOW_CODE_QUOTES",
]

BLOCKQUOTE_OPEN, BLOCKQUOTE_CLOSE, Q_OPEN, Q_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
REMOVE_MARKS = {ord(c): None for c in (BLOCKQUOTE_OPEN, BLOCKQUOTE_CLOSE, Q_OPEN, Q_CLOSE)}
"""str.translate table deleting the four marks."""

_QUOTE_CHARS = '"“”«»„'
HIDE_CODE_QUOTES = {ord(c): chr(0xE010 + i) for i, c in enumerate(_QUOTE_CHARS)}
"""str.translate table: quotation marks to their private-use stand-ins."""
SHOW_CODE_QUOTES = {0xE010 + i: c for i, c in enumerate(_QUOTE_CHARS)}
"""str.translate table: the stand-ins back to quotation marks."""

NOT_QUOTING_ELEMENTS = frozenset({"code", "kbd", "samp", "tt", "figcaption", "caption", "table",
                                  "li"})
"""Quotation marks in these are a string literal, a caption, a cell or a list
item (product names, titles), not the article quoting someone: hidden too."""
