"""Saved views (`[[views]]`): the listing each one stands for, and their unread counts."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace

from toaster_tui.core.rules import ViewRule
from toaster_tui.store.listing import ArticleFilter, count_articles

__all__ = ["view_counts", "view_filter"]


def view_filter(view: ViewRule) -> ArticleFilter:
    """The listing of `view`: every criterion it gives narrows it."""
    return ArticleFilter(topic=view.topic, feed_glob=view.feed, unread_only=view.unread,
                         starred_only=view.starred, search=view.search,
                         since_days=view.since_days)


def view_counts(db: sqlite3.Connection, views: Sequence[ViewRule]) -> dict[str, int]:
    """Unread articles in each view, by name, in one read transaction (one count
    query each: an unread count keeps to the unread indexes, see store_bench)."""
    if not views:
        return {}
    own = not db.in_transaction
    if own:
        db.execute("BEGIN")
    try:
        return {v.name: count_articles(db, replace(view_filter(v), unread_only=True))
                for v in views}
    finally:
        if own:
            db.execute("COMMIT")
