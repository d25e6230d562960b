"""Saved views (`[[views]]`): the listing each one stands for, and their unread counts."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace

from toaster_tui.core.rules import ViewRule
from toaster_tui.store.fts import fts_query
from toaster_tui.store.listing import ArticleFilter, article_ids, count_articles

__all__ = ["view_counts", "view_filter"]

FEW_MATCHES = 10_000
"""Up to this many search matches, each one's row is looked up (~2 us each)."""


def view_filter(view: ViewRule) -> ArticleFilter:
    """The listing of `view`: every criterion it gives narrows it."""
    return ArticleFilter(topic=view.topic, feed_glob=view.feed, unread_only=view.unread,
                         starred_only=view.starred, search=view.search,
                         since_days=view.since_days)


def view_counts(db: sqlite3.Connection, views: Sequence[ViewRule]) -> dict[str, int]:
    """Unread articles in each view, by name, in one read transaction.

    A view without a search is one count over the unread indexes (under a ms at
    100,000 articles). A search view takes the search index's matches: up to
    FEW_MATCHES are looked up by id; more are intersected with the unread
    articles in the view's scope, read once and shared by the views with the
    same scope (SQL checking the row of each of 50,000 matches costs 5-15x
    more; benchmarks/rules_bench.py)."""
    if not views:
        return {}
    own = not db.in_transaction
    if own:
        db.execute("BEGIN")
    try:
        unread: dict[ArticleFilter, set[int]] = {}
        counts: dict[str, int] = {}
        for view in views:
            flt = replace(view_filter(view), unread_only=True)
            if flt.search is None:
                counts[view.name] = count_articles(db, flt)
                continue
            scope = replace(flt, search=None)
            matches = _matches(db, flt.search)
            if len(matches) <= FEW_MATCHES and scope not in unread:
                counts[view.name] = len(article_ids(db, scope, among=matches))
                continue
            if scope not in unread:
                unread[scope] = article_ids(db, scope)
            counts[view.name] = len(unread[scope].intersection(matches))
        return counts
    finally:
        if own:
            db.execute("COMMIT")


def _matches(db: sqlite3.Connection, search: str) -> list[int]:
    query = fts_query(search)
    if query is None:
        return []
    try:
        return [r[0] for r in db.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?", (query,))]
    except sqlite3.OperationalError:
        return []  # a query FTS5 cannot parse finds nothing, as in search
