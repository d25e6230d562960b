"""Blocking access to the cache for thread workers: one connection per thread.

Every method here blocks on SQLite, so it is only ever called from a
`@work(thread=True)` worker, never from the event loop. Workers run on the
loop's default thread pool; each pool thread lazily opens its own Store (whose
connection also serves the reads) and keeps it for the app's lifetime.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from toaster_tui import queries
from toaster_tui.models import ArticleDetail, ArticleRow, FeedRow, FeedSpec, UnreadCounts
from toaster_tui.queries import ArticleFilter, Cursor
from toaster_tui.store import Store

__all__ = ["DataSource", "SidebarData"]


@dataclass(frozen=True)
class SidebarData:
    """What the topic sidebar shows: feeds with their status, and unread counts."""

    feeds: tuple[FeedRow, ...]
    counts: UnreadCounts


class DataSource:
    """Reads and writes of the app, each on the calling thread's own connection."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._local = threading.local()
        self._stores: list[Store] = []
        self._lock = threading.Lock()
        self._closed = False

    def _store(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.db_path)
            with self._lock:
                if self._closed:
                    store.close()
                    raise RuntimeError("the data source is closed")
                self._stores.append(store)
            self._local.store = store
        return store

    def close(self) -> None:
        """Close every thread's connection (at exit, when no worker runs)."""
        with self._lock:
            self._closed = True
            stores, self._stores = self._stores, []
        for store in stores:
            # A connection still busy in a dying thread: nothing more to do.
            with contextlib.suppress(Exception):
                store.close()

    # --- reads ----------------------------------------------------------------

    def page(
        self, flt: ArticleFilter, *, after: Cursor | None = None, limit: int = 200
    ) -> list[ArticleRow]:
        return queries.list_articles(self._store().db, flt, limit=limit, after=after)

    def count(self, flt: ArticleFilter) -> int:
        return queries.count_articles(self._store().db, flt)

    def sidebar(self) -> SidebarData:
        db = self._store().db
        return SidebarData(tuple(queries.list_feeds(db)), queries.unread_counts(db))

    def detail(self, article_id: int) -> ArticleDetail | None:
        return queries.article_detail(self._store().db, article_id)

    def article(self, article_id: int) -> ArticleRow | None:
        return queries.get_article(self._store().db, article_id)

    def next_unread(self, flt: ArticleFilter, after: Cursor | None) -> ArticleRow | None:
        """The first unread article below `after` in the listing `flt`."""
        unread = ArticleFilter(
            topic=flt.topic, feed_id=flt.feed_id, feed_url=flt.feed_url, unread_only=True,
            starred_only=flt.starred_only, search=flt.search,
        )
        rows = queries.list_articles(self._store().db, unread, limit=1, after=after)
        return rows[0] if rows else None

    def rows_until(
        self, flt: ArticleFilter, after: Cursor | None, target: ArticleRow, page: int = 500
    ) -> list[ArticleRow]:
        """Rows below `after` down to and including `target` (keyset pages)."""
        out: list[ArticleRow] = []
        stop = (target.when, target.id)
        while True:
            rows = queries.list_articles(self._store().db, flt, limit=page, after=after)
            for row in rows:
                out.append(row)
                if (row.when, row.id) <= stop:
                    return out
            if len(rows) < page:
                return out
            after = queries.cursor_of(rows[-1])

    def last_fetched(self) -> float | None:
        """When the most recently refreshed feed was fetched (epoch seconds)."""
        times = [f.last_fetched for f in queries.list_feeds(self._store().db) if f.last_fetched]
        return max(t.timestamp() for t in times) if times else None

    # --- writes ---------------------------------------------------------------

    def sync_feeds(self, feeds: Sequence[FeedSpec]) -> dict[str, int]:
        return self._store().sync_feeds(feeds)

    def set_read(self, article_ids: Sequence[int], read: bool) -> None:
        self._store().set_read(article_ids, read)

    def set_starred(self, article_id: int, starred: bool) -> None:
        self._store().set_starred(article_id, starred)

    def mark_all_read(self, flt: ArticleFilter) -> int:
        """Mark every article of the listing read; only articles already seen."""
        store = self._store()
        upto = int(time.time())
        if flt.search is None and not flt.starred_only and flt.feed_url is None:
            return store.mark_all_read(topic=flt.topic, feed_id=flt.feed_id, upto_time=upto)
        # Search results and Starred: by id, page by page.
        unread = ArticleFilter(
            topic=flt.topic, feed_id=flt.feed_id, feed_url=flt.feed_url, unread_only=True,
            starred_only=flt.starred_only, search=flt.search,
        )
        ids: list[int] = []
        after: Cursor | None = None
        while True:
            rows = queries.list_articles(store.db, unread, limit=1000, after=after)
            ids.extend(r.id for r in rows)
            if len(rows) < 1000:
                break
            after = queries.cursor_of(rows[-1])
        store.set_read(ids, True)
        return len(ids)
