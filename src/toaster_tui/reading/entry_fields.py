"""The small per-entry fields: a one-line title, a snippet, reading time, categories."""

from __future__ import annotations

from collections.abc import Iterable

from toaster_tui.core.sanitize import clean_line
from toaster_tui.reading.html_convert import html_to_text
from toaster_tui.reading.sentences import truncate

__all__ = ["clean_categories", "make_snippet", "plain_title", "read_minutes"]


def plain_title(s: str | None) -> str:
    """A title on one line: tags stripped, entities decoded, cleaned."""
    if not s:
        return ""
    if "<" not in s and "&" not in s:
        return clean_line(s)
    return clean_line(html_to_text(s))


def read_minutes(text: str) -> int:
    """Reading time at 230 words a minute, at least 1."""
    return max(1, round(len(text.split()) / 230)) if text else 1


def make_snippet(html: str, limit: int = 280) -> str:
    """The feed's description as one plain line, cut at a word with "…"."""
    return truncate(clean_line(html_to_text(html)), max(limit, 1))


def clean_categories(terms: Iterable[str | None]) -> tuple[str, ...]:
    """Cleaned, case-insensitively unique categories: at most 10, 60 chars each."""
    out: list[str] = []
    seen: set[str] = set()
    try:
        for term in terms:
            c = clean_line(term)[:60].rstrip()
            if c and c.casefold() not in seen:
                seen.add(c.casefold())
                out.append(c)
                if len(out) == 10:
                    break
    except Exception:  # a broken iterable keeps what was read
        pass
    return tuple(out)
