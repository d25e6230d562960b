"""Key quotes of an article: blockquotes, <q> and quoted phrases, in order.

Only quotations of prose count. Real feeds put quotation marks around much
else: titles of books and articles, formulas, captions, product names in
lists and tables. So a candidate must be prose (enough words, mostly letters,
not Title Cased), outside captions, tables, lists and code (html_convert hides
the marks there), and shaped like a quoted sentence: it starts with a capital
and ends with . ! ? … (inside the marks or right after them), or ends with a
comma before an attribution ("…,” she said). A quoted span introduced as
speech (after a colon, "said that", "wrote,") may be a fragment. A feed's or
a site's stock line is never a quote, nor is a title quoted in one ("Continue
reading “X” at Y", "The post “X” appeared first on Y").
"""

from __future__ import annotations

import re

from toaster_tui.core.sanitize import clean_line
from toaster_tui.reading.boilerplate import is_boilerplate
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
_BLOCKQUOTE = 0
_MIN_WORDS = (5, 4, 6, 6, 6, 6)  # per _QUOTE_RE group: blockquote, q, marks...
_OPEN_MARKS, _CLOSE_MARKS = "\"“„«‘'", "\"”“»’'"
_MIN_LETTERS = 0.7  # of the non-space characters: prose, not formulas or specs
_ENDS = ".!?…"
_TRAILING = "\"'”’»)]"  # closers that may follow a sentence's end
# Speech that introduces a quotation, just before its opening mark.
_INTRO_RE = re.compile(
    r"(?:[:,]|\b(?:that|said|says|say|wrote|writes|write|told|tells|asked|asks|added|adds"
    r"|argued|argues|explained|explains|replied|replies|answered|recalled|warned|insisted"
    r"|noted|put it|goes|dit|a dit|écrit|sagte|sagt|schrieb|dijo|disse))\s*$",
    re.I,
)
# An attribution after a quote that ends with a comma: `,” the mayor said`.
_ATTRIBUTION_RE = re.compile(
    r"\s*(?:\w+\s+){0,3}?(?:said|says|wrote|writes|told|asked|added|explained|replied"
    r"|answered|recalled|warned|insisted|noted|according|argued|dit|écrit|sagte|sagt"
    r"|schrieb|dijo|disse)\b",
    re.I,
)

_SENTENCE_START_RE = re.compile(r"\n|[.!?…]\s")
_SENTENCE_END_RE = re.compile(r"\n|(?<=[.!?…])\s")


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
            marked = len(q) > 1 and q[0] in _OPEN_MARKS and q[-1] in _CLOSE_MARKS
            if marked:
                q = q[1:-1].strip()
            before = text[max(0, m.start() - 40):m.start()]
            after = text[m.end():m.end() + 60]
            if not _is_quotation(q, group, before, after, marked):
                continue
            if is_boilerplate(q) or is_boilerplate(_sentence_around(q, before, after)):
                continue
            q = q.rstrip(" ,;:")
            key = match_key(q)
            if not key or any(key in k for k in keys):
                continue
            keys.append(key)
            out.append(truncate(q, 400))
        return out
    except Exception:
        return []


def _sentence_around(q: str, before: str, after: str) -> str:
    """The sentence that quotes `q`, as far as `before` and `after` show it."""
    head = _SENTENCE_START_RE.split(before)[-1]
    tail = _SENTENCE_END_RE.split(after, maxsplit=1)[0]
    return f"{head}“{q}”{tail}"


def _is_quotation(q: str, group: int, before: str, after: str, marked: bool) -> bool:
    """Whether quoted text `q` (between `before` and `after`) quotes prose;
    `marked`: it stood in quotation marks of its own (a blockquote's)."""
    words = q.split()
    if len(words) < _MIN_WORDS[group] or not _is_prose(q, words):
        return False
    if group == _BLOCKQUOTE:  # a quotation mark may open it ("jq is…")
        return (marked or _starts_sentence(q)) and _ends_sentence(q)
    if _INTRO_RE.search(before):  # introduced as speech: a fragment will do
        return True
    if not _starts_sentence(q):
        return False
    if _ends_sentence(q) or after[:1] in _ENDS:
        return True
    return q.endswith(",") and _ATTRIBUTION_RE.match(after) is not None


def _is_prose(q: str, words: list[str]) -> bool:
    """Mostly letters, and not a Title Cased name of a work or a product."""
    chars = sum(len(w) for w in words)
    if sum(c.isalpha() for c in q) < _MIN_LETTERS * chars:
        return False
    # Title Case: every longer word after the first is capitalised (German nouns
    # are too, but its sentences have lowercase verbs and adjectives).
    long_words = [w.strip(_OPEN_MARKS + _CLOSE_MARKS + _ENDS + ",;:()") for w in words[1:]]
    long_words = [w for w in long_words if len(w) >= 4 and w[:1].isalpha()]
    return len(long_words) < 2 or not all(w[0].isupper() for w in long_words)


def _starts_sentence(q: str) -> bool:
    first = q.lstrip(_OPEN_MARKS + "([…. ")[:1]
    return first.isupper() or first.isdigit() or q.startswith(("…", "..."))


def _ends_sentence(q: str) -> bool:
    return q.rstrip(_TRAILING + " ")[-1:] in _ENDS
