"""Key quotes of an article: blockquotes, <q> and quoted phrases, in order."""

from __future__ import annotations

import re

from toaster_tui.core.sanitize import clean_line
from toaster_tui.reading.html_convert import html_to_marked_text
from toaster_tui.reading.quote_marks import (
    BLOCKQUOTE_CLOSE,
    BLOCKQUOTE_OPEN,
    Q_CLOSE,
    Q_OPEN,
    REMOVE_MARKS,
    SHOW_CODE_QUOTES,
)
from toaster_tui.reading.sentences import match_key, truncate

__all__ = ["key_quotes"]

# A quote's body never holds its own opening mark, so each attempt stops at the
# next one: linear even on a line of ten thousand unmatched "“".
_QUOTE_RE = re.compile(
    f"{BLOCKQUOTE_OPEN}([^{BLOCKQUOTE_OPEN}{BLOCKQUOTE_CLOSE}]*){BLOCKQUOTE_CLOSE}"
    f"|{Q_OPEN}([^{Q_OPEN}{Q_CLOSE}]*){Q_CLOSE}"
    '|"([^"\\n]+)"|“([^“”\\n]+)”|«([^«»\\n]+)»|„([^„“”\\n]+)[“”]'
)
_MIN_WORDS = (1, 3, 6, 6, 6, 6)  # per _QUOTE_RE group: blockquote, q, marks...
_OPEN_MARKS, _CLOSE_MARKS = "\"“„«‘'", "\"”“»’'"


def key_quotes(html: str, limit: int = 4) -> list[str]:
    """Up to `limit` quotes in document order: blockquotes, <q>, quoted phrases."""
    try:
        text = html_to_marked_text(html)
        out: list[str] = []
        keys: list[str] = []
        for m in _QUOTE_RE.finditer(text):
            if len(out) >= limit:
                break
            group = next(i for i, g in enumerate(m.groups()) if g is not None)
            q = m.group(group + 1).translate(REMOVE_MARKS).translate(SHOW_CODE_QUOTES)
            q = clean_line(q)
            if len(q) > 1 and q[0] in _OPEN_MARKS and q[-1] in _CLOSE_MARKS:
                q = q[1:-1].strip()
            q = q.rstrip(" ,;:")
            if len(q.split()) < _MIN_WORDS[group]:
                continue
            key = match_key(q)
            if not key or any(key in k for k in keys):
                continue
            keys.append(key)
            out.append(truncate(q, 400))
        return out
    except Exception:
        return []
