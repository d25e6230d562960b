"""Extractive summaries: the feed's own summary when it says something, else the lead."""

from __future__ import annotations

import re

from toaster_tui.core.sanitize import clean_line, clean_text
from toaster_tui.reading.sentences import match_key, split_sentences, truncate

__all__ = ["summarize"]

_TRAILERS_RE = re.compile(
    r"(?:\[?(?:…|\.\.\.)\]?|read more|continue reading|the post .*? appeared first on .*?)\W*$",
    re.I,
)


def _is_distinct(summary: str, body: str) -> bool:
    """The feed's summary says something the body's opening does not."""
    # Only the first 200 characters count: the trailer regex never sees more
    # than a bounded head (it is quadratic on "... ... ..." otherwise).
    s = match_key(_TRAILERS_RE.sub("", summary[:2000]))[:200]
    if not s:
        return False
    b = match_key(body)
    return not b or (s not in b and not s.startswith(b))


def _pick(sentences: list[str], n: int) -> list[str]:
    # Prefer real sentences: 4+ words, ending like one (headings do not).
    long_ = [s for s in sentences if len(s.split()) >= 4]
    full = [s for s in long_ if s.rstrip("\"'”’»)]").endswith((".", "!", "?", "…"))]
    return [truncate(clean_line(s), 400) for s in (full or long_ or sentences)[:n]]


def summarize(text: str, feed_summary: str = "", max_sentences: int = 3) -> list[str]:
    """Extractive: the feed's summary when distinct, else the lead sentences."""
    try:
        text, feed_summary = clean_text(text), clean_text(feed_summary)
        n = max(max_sentences, 0)
        body = split_sentences(text)
        if _is_distinct(feed_summary, text):
            own = split_sentences(feed_summary)
            if any(len(s.split()) >= 4 for s in own) or not body:
                return _pick(own, n)
        return _pick(body, n)
    except Exception:
        return []
