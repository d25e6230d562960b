"""Applying `[[filters]]`: to the articles a refresh just stored, and to the cache.

Compiled once per writer (a refresh's worker keeps its FilterSet for every
feed it stores). For a feed's new articles the feed, topic, age and regex
criteria are checked in Python on rows already at hand; only `text` asks the
search index, restricted to the rows just inserted. Regexes are RE2
(core/rules.py): linear time whatever the pattern or the title.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from toaster_tui.core.rules import FilterRule, compile_pattern
from toaster_tui.store.fts import fts_query
from toaster_tui.store.synced import queue_changes

__all__ = ["FilterSet", "matches"]

DAY = 86_400

# What each action sets, and the state of the rows it still has to change.
_SET = {"hide": "hidden = 1, read = 1", "mark_read": "read = 1", "star": "starred = 1"}
_TODO = {"hide": "a.hidden = 0", "mark_read": "a.read = 0", "star": "a.starred = 0"}
_QUEUED = {"hide": ("read", True), "mark_read": ("read", True), "star": ("starred", True)}


def matches(pattern: Any, text: str | None) -> bool:
    """Whether a compiled pattern occurs in `text`; never raises (no text: no match)."""
    if text is None:
        return False
    try:
        return pattern.search(text) is not None
    except Exception:  # a string RE2 cannot take (a lone surrogate): no match, no crash
        return False


@dataclass(frozen=True)
class _Compiled:
    rule: FilterRule
    title: Any
    author: Any
    match: str | None
    """The FTS5 query of `text`, built as `/` search builds it."""


class FilterSet:
    """The filters of one config, compiled."""

    def __init__(self, rules: Sequence[FilterRule]) -> None:
        self.rules = tuple(rules)
        self._compiled = [
            _Compiled(rule,
                      compile_pattern(rule.title) if rule.title else None,
                      compile_pattern(rule.author) if rule.author else None,
                      (fts_query(rule.text) or '""') if rule.text else None)
            for rule in self.rules
        ]
        self._globs: dict[tuple[str, str], bool] = {}

    def __bool__(self) -> bool:
        return bool(self.rules)

    # --- at refresh time ----------------------------------------------------------

    def on_new(self, db: sqlite3.Connection, feed_id: int, after_id: int, now: int) -> int:
        """Act on the feed's articles inserted after `after_id` (in the caller's
        transaction, after they were indexed); returns how many were hidden."""
        rows = db.execute("SELECT id, title, author, sort_time FROM articles"
                          " WHERE feed_id = ? AND id > ?", (feed_id, after_id)).fetchall()
        if not rows:
            return 0
        url, topic = db.execute("SELECT url, topic FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        acted: dict[str, set[int]] = {action: set() for action in _SET}
        scratch = False
        for c in self._compiled:
            rule = c.rule
            if rule.topic is not None and rule.topic != topic:
                continue
            if rule.feed is not None and not self._glob(db, url, rule.feed):
                continue
            chosen = [r[0] for r in rows if _row_matches(c, r[1], r[2], r[3], now)]
            if chosen and c.match is not None:
                if not scratch:
                    _fill_scratch(db, feed_id, after_id)
                    scratch = True
                chosen = _searched(db, c.match, chosen)
            acted[rule.action].update(chosen)
        for action, ids in acted.items():
            if ids:
                _act(db, action, ids)
        return len(acted["hide"])

    def _glob(self, db: sqlite3.Connection, url: str, pattern: str) -> bool:
        """SQLite's GLOB, as views and `filters apply` use it in SQL."""
        key = (url, pattern)
        if key not in self._globs:
            self._globs[key] = bool(db.execute("SELECT ? GLOB ?", (url, pattern)).fetchone()[0])
        return self._globs[key]

    # --- on what is cached --------------------------------------------------------

    def apply_cached(self, db: sqlite3.Connection, now: int) -> list[int]:
        """Each filter on every cached article of a subscribed feed (in the caller's
        transaction); how many articles each one changed, in config order."""
        changed: list[int] = []
        for c in self._compiled:
            ids = self._cached_matches(db, c, _TODO[c.rule.action], now)
            if ids:
                _act(db, c.rule.action, ids)
            changed.append(len(ids))
        return changed

    def unhide_cached(self, db: sqlite3.Connection, now: int) -> tuple[int, int]:
        """Bring back the hidden articles no hide filter matches now (in the
        caller's transaction): a filter changed or gone stops hiding what it
        hid. They stay read, as hiding left them. (brought back, still hidden)."""
        hidden = {r[0] for r in db.execute("SELECT id FROM articles WHERE hidden = 1")}
        kept: set[int] = set()
        for c in self._compiled:
            if c.rule.action == "hide":
                kept.update(self._cached_matches(db, c, "a.hidden = 1", now, subscribed=False))
        back = sorted(hidden - kept)
        if back:
            db.execute("UPDATE articles SET hidden = 0 WHERE id IN"
                       " (SELECT value FROM json_each(?))", (json.dumps(back),))
        return len(back), len(hidden) - len(back)

    def _cached_matches(self, db: sqlite3.Connection, c: _Compiled, state: str, now: int,
                        *, subscribed: bool = True) -> list[int]:
        """The cached articles in `state` (an SQL condition on `a`) the filter matches."""
        rule = c.rule
        clauses = [state] + (["f.subscribed = 1"] if subscribed else [])
        params: list[object] = []
        if rule.feed is not None:
            clauses.append("f.url GLOB ?")
            params.append(rule.feed)
        if rule.topic is not None:
            clauses.append("f.topic = ?")
            params.append(rule.topic)
        if rule.older_than_days is not None:
            clauses.append("a.sort_time < ?")
            params.append(now - rule.older_than_days * DAY)
        if c.match is not None:
            clauses.append("a.id IN (SELECT rowid FROM articles_fts"
                           " WHERE articles_fts MATCH ?)")
            params.append(c.match)
        sql = (f"SELECT a.id, a.title, a.author FROM articles a"
               f" JOIN feeds f ON f.id = a.feed_id WHERE {' AND '.join(clauses)}")
        return [r[0] for r in _rows(db, sql, params)
                if (c.title is None or matches(c.title, r[1]))
                and (c.author is None or matches(c.author, r[2]))]


def _row_matches(c: _Compiled, title: str, author: str | None, sort_time: int,
                 now: int) -> bool:
    rule = c.rule
    if rule.older_than_days is not None and sort_time >= now - rule.older_than_days * DAY:
        return False
    if c.title is not None and not matches(c.title, title):
        return False
    return c.author is None or matches(c.author, author)


# The new rows of one feed, indexed alone with the search index's tokenizer: a
# word query over a handful of rows is microseconds there, while the big index
# reads the word's whole posting list (0.4 ms a query for a common word at
# 100,000 articles, times every text filter, times every feed).
_SCRATCH = ("CREATE VIRTUAL TABLE IF NOT EXISTS temp.filter_scratch USING fts5("
            "title, text, tokenize = 'unicode61 remove_diacritics 2')")


def _fill_scratch(db: sqlite3.Connection, feed_id: int, after_id: int) -> None:
    db.execute(_SCRATCH)
    db.execute("DELETE FROM temp.filter_scratch")
    db.execute("INSERT INTO temp.filter_scratch (rowid, title, text) SELECT id, title, text"
               " FROM articles WHERE feed_id = ? AND id > ?", (feed_id, after_id))


def _searched(db: sqlite3.Connection, match: str, ids: list[int]) -> list[int]:
    """The ids among `ids` (all in the scratch index) whose title or text has the words."""
    found = {r[0] for r in _rows(db, "SELECT rowid FROM temp.filter_scratch"
                                 " WHERE filter_scratch MATCH ?", (match,))}
    return [i for i in ids if i in found]


def _rows(db: sqlite3.Connection, sql: str, params: Sequence[object]) -> list[Any]:
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc).lower():
            return []  # a query FTS5 cannot parse matches nothing, as in search
        raise


def _act(db: sqlite3.Connection, action: str, ids: set[int] | list[int]) -> None:
    chosen = json.dumps(sorted(ids))
    # A server article's read or star goes to the server like one made by
    # hand; else the server's unread list would undo it at the next sync.
    if action in _QUEUED:
        field, value = _QUEUED[action]
        queue_changes(db, field, value, "id IN (SELECT value FROM json_each(?))", (chosen,),
                      int(time.time()))
    db.execute(f"UPDATE articles SET {_SET[action]} WHERE id IN"
               " (SELECT value FROM json_each(?))", (chosen,))
