"""Blocking access to the cache for thread workers: one connection per thread.

Every method here blocks on SQLite, so it is only ever called from a
`@work(thread=True)` worker, never from the event loop. Workers run on the
loop's default thread pool; each pool thread lazily opens its own Store (whose
connection also serves the reads) and keeps it for the app's lifetime.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from toaster_tui.core.models import (
    ArticleDetail,
    ArticleRow,
    Config,
    FeedRow,
    FeedSpec,
    UnreadCounts,
)
from toaster_tui.core.rules import ViewRule
from toaster_tui.refresh.due import due_feed_ids
from toaster_tui.refresh.notify import summary_for
from toaster_tui.refresh.outcomes import FeedOutcome
from toaster_tui.store import detail, listing, retention
from toaster_tui.store.database import Store
from toaster_tui.store.listing import ArticleFilter, Cursor
from toaster_tui.store.synced import read_state
from toaster_tui.store.views import view_counts

__all__ = ["DataSource", "MarkSums", "OwnWrites", "SidebarData", "SyncState", "add_sums"]

MarkSums = tuple[int, int, int, int]
"""Unread articles (how many, the sum of their ids), starred ones (the same): what
the cache watch compares to notice read and star marks (app/cache_watch.py)."""
NO_CHANGE: MarkSums = (0, 0, 0, 0)


@dataclass(frozen=True)
class SyncState:
    """Where the sync with the feed server stands, for the status line."""

    last_sync: float | None = None
    """When the last sync ended well (epoch seconds); None: never."""
    last_error: str = ""
    """Why the last sync failed; empty when it ended well."""
    waiting: int = 0
    """Read/star changes in the outbox, not yet on the server."""


@dataclass(frozen=True)
class SidebarData:
    """What the topic sidebar shows: feeds with their status, and unread counts."""

    feeds: tuple[FeedRow, ...]
    counts: UnreadCounts
    views: dict[str, int] = field(default_factory=dict)
    """Unread articles in each saved view, by name."""
    sync: SyncState = field(default_factory=SyncState)
    """Read with the counts: every read or star mark reloads them (the outbox grows)."""


class OwnWrites:
    """How the app's own read and star marks moved the `MarkSums`, for the cache
    watch: another process's marks move `PRAGMA data_version` just as these do,
    and only theirs call for a re-query. Thread-safe; the lock is held for a few
    additions, never while SQLite works."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started = 0
        self._active = 0
        self._moved: MarkSums = NO_CHANGE

    @contextlib.contextmanager
    def writing(self) -> Iterator[Callable[[MarkSums], None]]:
        """Around one write; call the function given with what it moved once it
        committed (a failed write moved nothing)."""
        with self._lock:
            self._started += 1
            self._active += 1

        def moved(delta: MarkSums) -> None:
            with self._lock:
                self._moved = add_sums(self._moved, delta)

        try:
            yield moved
        finally:
            with self._lock:
                self._active -= 1

    def before_look(self) -> int | None:
        """Called before the watch reads the sums: a ticket for `after_look`, or
        None while a write is under way (its commit and its note may straddle
        the look: look again later)."""
        with self._lock:
            return None if self._active else self._started

    def after_look(self, ticket: int) -> MarkSums | None:
        """What the writes noted since the last look, all committed before this
        one; None (and nothing taken) when one started meanwhile."""
        with self._lock:
            if self._active or self._started != ticket:
                return None
            moved, self._moved = self._moved, NO_CHANGE
            return moved


def add_sums(a: MarkSums, b: MarkSums) -> MarkSums:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3])


def _sync_state(db: sqlite3.Connection) -> SyncState:
    state = read_state(db)
    (waiting,) = db.execute("SELECT count(*) FROM outbox").fetchone()
    last = state.get("last_sync", "")
    return SyncState(float(last) if last.isdigit() else None, state.get("last_error", ""),
                     int(waiting))


def _sums(db: sqlite3.Connection, sql: str, params: Sequence[object]) -> tuple[int, int]:
    n, total = db.execute(sql, params).fetchone()
    return int(n), int(total or 0)


class DataSource:
    """Reads and writes of the app, each on the calling thread's own connection."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.own_writes = OwnWrites()
        """The read and star marks written here (the cache watch ignores them)."""
        self._local = threading.local()
        self._stores: list[Store] = []
        self._busy = 0
        self._idle = threading.Condition()
        self._closed = False

    @contextlib.contextmanager
    def _use(self) -> Iterator[Store]:
        """This thread's Store, counted as busy so `close` never pulls it away mid-query."""
        with self._idle:
            if self._closed:
                raise RuntimeError("the data source is closed")
            self._busy += 1
        try:
            store: Store | None = getattr(self._local, "store", None)
            if store is None:
                store = Store(self.db_path)
                self._local.store = store
                with self._idle:
                    self._stores.append(store)
            yield store
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def close(self, timeout: float = 2.0) -> None:
        """Close every thread's connection once no query runs (at most `timeout` s).

        Closing a connection another thread is using can crash SQLite, so a
        query still running after the timeout keeps its connection (the process
        is exiting; the OS reclaims it).
        """
        with self._idle:
            self._closed = True
            if not self._idle.wait_for(lambda: self._busy == 0, timeout):
                return
            stores, self._stores = self._stores, []
        for store in stores:
            with contextlib.suppress(Exception):
                store.close()

    # --- reads ----------------------------------------------------------------

    def page(
        self, flt: ArticleFilter, *, after: Cursor | None = None, limit: int = 200
    ) -> list[ArticleRow]:
        with self._use() as store:
            return listing.list_articles(store.db, flt, limit=limit, after=after)

    def count(self, flt: ArticleFilter) -> int:
        with self._use() as store:
            return listing.count_articles(store.db, flt)

    def sidebar(self, views: Sequence[ViewRule] = ()) -> SidebarData:
        with self._use() as store:
            db = store.db
            feeds, counts = listing.sidebar_counts(db)
            return SidebarData(tuple(feeds), counts, view_counts(db, views), _sync_state(db))

    def detail(self, article_id: int, source: str | None = None) -> ArticleDetail | None:
        """The reader pane's article without its related list (see `related`);
        `source` "feed" shows the feed's text even when the page's is cached."""
        with self._use() as store:
            return detail.article_detail(store.db, article_id, with_related=False,
                                         source=source)

    def related(self, article_id: int) -> tuple[ArticleRow, ...]:
        with self._use() as store:
            return tuple(detail.related_articles(store.db, article_id))

    def article(self, article_id: int) -> ArticleRow | None:
        with self._use() as store:
            return detail.get_article(store.db, article_id)

    def next_unread(self, flt: ArticleFilter, after: Cursor | None) -> ArticleRow | None:
        """The first unread article below `after` in the listing `flt`."""
        rows = self.page(replace(flt, unread_only=True), after=after, limit=1)
        return rows[0] if rows else None

    def rows_until(
        self, flt: ArticleFilter, after: Cursor | None, target: ArticleRow, page: int = 500
    ) -> list[ArticleRow]:
        """Rows below `after` down to and including `target` (keyset pages)."""
        out: list[ArticleRow] = []
        stop = (target.when, target.id)
        ranked = flt.search is not None  # by relevance: only the id tells
        while True:
            rows = self.page(flt, after=after, limit=page)
            for row in rows:
                out.append(row)
                if row.id == target.id or (not ranked and (row.when, row.id) <= stop):
                    return out
            if len(rows) < page:
                return out
            after = listing.cursor_of(rows[-1])

    def window(
        self, flt: ArticleFilter, tail: ArticleRow | None, minimum: int
    ) -> tuple[list[ArticleRow], bool]:
        """The listing from the top down to `tail` (at least `minimum` rows), and
        whether more follow."""
        rows: list[ArticleRow] = []
        if tail is not None:
            rows = self.rows_until(flt, None, tail)
        if len(rows) < minimum:
            after = listing.cursor_of(rows[-1]) if rows else None
            rows += self.page(flt, after=after, limit=minimum - len(rows))
        more = bool(rows) and bool(self.page(flt, after=listing.cursor_of(rows[-1]), limit=1))
        return rows, more

    def feed_ids(self) -> list[int]:
        """Every subscribed local feed, in subscription order (server feeds come
        with a sync, never with a refresh)."""
        with self._use() as store:
            return [f.id for f in listing.list_feeds(store.db) if f.server_id is None]

    def due_feed_ids(self, config: Config) -> list[int]:
        """The subscribed local feeds an automatic refresh fetches now (refresh/due.py)."""
        with self._use() as store:
            feeds = [f for f in listing.list_feeds(store.db) if f.server_id is None]
        return due_feed_ids(feeds, config, time.time(), automatic=True)

    def after_refresh(self, outcomes: Sequence[FeedOutcome],
                      config: Config) -> tuple[int, str | None]:
        """Retention once a refresh is done (articles deleted), and the notice of new
        articles from notify feeds (None: nothing to say)."""
        with self._use() as store:
            ids = {f.url: f.id for f in listing.list_feeds(store.db)}
            removed = retention.expire(store.db, retention.keep_days_by_feed(config, ids))
            return removed, summary_for(store.db, outcomes, config)

    def last_fetched(self) -> float | None:
        """When the most recently refreshed feed was fetched (epoch seconds)."""
        with self._use() as store:
            feeds = listing.list_feeds(store.db)
        times = [f.last_fetched for f in feeds if f.last_fetched]
        return max(t.timestamp() for t in times) if times else None

    # --- writes ---------------------------------------------------------------

    def sync_feeds(self, feeds: Sequence[FeedSpec], *,
                   hidden_default: bool = False) -> dict[str, int]:
        with self._use() as store:
            return store.sync_feeds(feeds, hidden_default=hidden_default)

    # Each mark first sums what it will change (rows not yet in that state), so
    # the cache watch can expect it. If another process marks the same row in
    # between, the row ends as the app shows it either way.

    def set_read(self, article_ids: Sequence[int], read: bool) -> None:
        with self._use() as store, self.own_writes.writing() as moved:
            n, total = _sums(store.db, """SELECT count(*), sum(id) FROM articles
                                        WHERE id IN (SELECT value FROM json_each(?))
                                        AND read != ?""",
                             (json.dumps(list(article_ids)), int(read)))
            store.set_read(article_ids, read)
            moved((-n, -total, 0, 0) if read else (n, total, 0, 0))

    def set_starred(self, article_id: int, starred: bool) -> None:
        with self._use() as store, self.own_writes.writing() as moved:
            n, total = _sums(store.db, """SELECT count(*), sum(id) FROM articles
                                        WHERE id = ? AND starred != ?""",
                             (article_id, int(starred)))
            store.set_starred(article_id, starred)
            moved((0, 0, n, total) if starred else (0, 0, -n, -total))

    def mark_all_read(self, flt: ArticleFilter, *, upto: int | None = None) -> int:
        """Mark every article of the listing read; only articles already seen
        (by `upto`, a Unix time: when the user asked; default now)."""
        upto = int(time.time()) if upto is None else upto
        if flt.search is None and not flt.starred_only and flt.feed_url is None:
            with self._use() as store, self.own_writes.writing() as moved:
                # The rows Store.mark_all_read marks, summed for the cache watch.
                sql = """SELECT count(*), sum(a.id) FROM articles a JOIN feeds f
                         ON f.id = a.feed_id WHERE a.read = 0 AND f.subscribed = 1
                         AND a.first_seen <= ?"""
                params: list[object] = [upto]
                if flt.topic is not None:
                    sql += " AND f.topic = ?"
                    params.append(flt.topic)
                if flt.feed_id is not None:
                    sql += " AND a.feed_id = ?"
                    params.append(flt.feed_id)
                if flt.all_topics:
                    sql += " AND f.hidden_from_all = 0"
                n, total = _sums(store.db, sql, params)
                marked = store.mark_all_read(topic=flt.topic, feed_id=flt.feed_id,
                                             upto_time=upto, all_topics=flt.all_topics)
                moved((-n, -total, 0, 0))
                return marked
        # Search results and Starred: by id, page by page.
        unread = replace(flt, unread_only=True)
        ids: list[int] = []
        after: Cursor | None = None
        while True:
            rows = self.page(unread, after=after, limit=1000)
            ids.extend(r.id for r in rows)
            if len(rows) < 1000:
                break
            after = listing.cursor_of(rows[-1])
        self.set_read(ids, True)
        return len(ids)
