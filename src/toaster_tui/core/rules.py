"""The reader's own rules from config.toml: filters and saved views.

Plain data, shared by the validator (config/), the store that applies them
(store/filters.py, store/views.py) and the app. Regular expressions are
compiled here, by both the validator and the matcher, with RE2: it runs in
time linear in the text whatever the pattern, so no title can make a refresh
hang on a pattern like `(a+)+$` (Python's `re` backtracks for ever on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import re2

__all__ = ["ACTIONS", "FilterRule", "PatternError", "ViewRule", "compile_pattern"]

Action = Literal["hide", "mark_read", "star"]
ACTIONS: tuple[Action, ...] = ("hide", "mark_read", "star")

PATTERN_MEMORY = 8 << 20
"""RE2's memory budget per pattern (its default): a pattern needing more is refused."""


class PatternError(ValueError):
    """A pattern RE2 cannot compile; the message says why."""


def compile_pattern(pattern: str) -> Any:
    """`pattern` as a case-insensitive RE2 regex, or PatternError.

    RE2 takes Perl syntax without backreferences and look-around (those are
    what make matching slow)."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False  # RE2 would print to stderr, over the TUI
    options.max_mem = PATTERN_MEMORY
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        why = exc.args[0] if exc.args else exc
        raise PatternError(why.decode("utf-8", "replace") if isinstance(why, bytes)
                           else str(why)) from None
    except (TypeError, ValueError, UnicodeError) as exc:  # e.g. a lone surrogate
        raise PatternError(str(exc)) from None


@dataclass(frozen=True)
class FilterRule:
    """One `[[filters]]` table: every criterion given must match (at least one is)."""

    action: Action
    feed: str | None = None
    """The feed's subscribed URL, or a glob over it (`*`, `?`, `[...]`, as SQLite's GLOB)."""
    topic: str | None = None
    title: str | None = None
    """A regex searched in the title (anywhere, case-insensitive)."""
    author: str | None = None
    """A regex searched in the author; an article without an author never matches."""
    text: str | None = None
    """Words as typed in `/` search, matched against the title and body."""
    older_than_days: int | None = None
    """Articles dated more than this many days ago."""
    line: int = 0
    """Where the table starts in config.toml (for `toaster filters apply`)."""


@dataclass(frozen=True)
class ViewRule:
    """One `[[views]]` table: a saved listing; every criterion given narrows it."""

    name: str
    search: str | None = None
    topic: str | None = None
    feed: str | None = None
    """A feed URL or a glob over feed URLs, as in filters."""
    unread: bool = False
    starred: bool = False
    since_days: int | None = None
    """Only articles dated in the last this many days."""
