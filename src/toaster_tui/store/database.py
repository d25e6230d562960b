"""The SQLite cache's writer: subscriptions sync, refresh results, marks.

Each feed's result is one short transaction, or a few feeds' results one
transaction (save_feeds), so a kill mid-refresh loses at most those. The
work itself lives in the sibling modules: connection (open, transactions),
entries (a fetched feed), marks (read/star).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from toaster_tui.core.errors import StorageError
from toaster_tui.core.models import FeedData, FeedSpec
from toaster_tui.store import entries, marks
from toaster_tui.store.connection import Transaction, connect, storage_error
from toaster_tui.store.entries import StoreCounts, content_hash
from toaster_tui.store.filters import FilterSet

# Callers import these from here, as before the split.
__all__ = ["FeedWrite", "FetchState", "Store", "StoreCounts", "connect", "content_hash"]


@dataclass(frozen=True)
class FetchState:
    """What the fetcher needs to know about a feed before fetching it."""

    id: int
    url: str
    fetch_url: str | None
    etag: str | None
    last_modified: str | None
    next_fetch: int | None
    error_count: int
    gone: bool
    last_status: int | None


@dataclass(frozen=True)
class FeedWrite:
    """A parsed feed to store and its fetch metadata (Store.save_feeds)."""

    feed_id: int
    data: FeedData
    status: int
    etag: str | None
    last_modified: str | None
    fetch_url: str | None


class Store:
    """Writes to the cache. Not thread-safe: one Store per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = connect(path)
        self.filters: FilterSet | None = None
        """[[filters]] to apply to the articles each save_feed inserts."""

    def close(self) -> None:
        self.db.close()

    # --- subscriptions ------------------------------------------------------

    def sync_feeds(self, feeds: Sequence[FeedSpec], *,
                   hidden_default: bool = False) -> dict[str, int]:
        """Make the local feeds match config.toml; returns url -> feed id.

        `hidden_default` is [settings] hidden_from_all, for feeds that do not set it.
        Server feeds (sync) are the sync's: neither touched nor returned here.
        """
        with self._transaction():
            before = {u for (u,) in self.db.execute(
                "SELECT url FROM feeds WHERE subscribed = 1 AND server_id IS NULL")}
            self.db.execute(
                "UPDATE feeds SET subscribed = 0 WHERE subscribed = 1 AND server_id IS NULL")
            self.db.executemany(
                """INSERT INTO feeds (url, topic, title_override, full_text, subscribed)
                   VALUES (?, ?, ?, ?, 1)
                   ON CONFLICT (url) DO UPDATE SET topic = excluded.topic,
                       title_override = excluded.title_override,
                       full_text = excluded.full_text, subscribed = 1""",
                [(f.url, f.topic, f.title, f.full_text) for f in feeds],
            )
            self.db.executemany(
                "UPDATE feeds SET hidden_from_all = ? WHERE url = ? AND hidden_from_all != ?",
                [(int(h), f.url, int(h)) for f in feeds
                 for h in [hidden_default if f.hidden_from_all is None else f.hidden_from_all]],
            )
            # A feed subscribed again starts afresh: not gone, no back-off.
            self.db.executemany(
                """UPDATE feeds SET gone = 0, next_fetch = NULL, error_count = 0
                   WHERE url = ? AND (gone = 1 OR next_fetch IS NOT NULL)""",
                [(f.url,) for f in feeds if f.url not in before],
            )
            rows = self.db.execute(
                "SELECT url, id FROM feeds WHERE subscribed = 1 AND server_id IS NULL").fetchall()
        return {url: fid for url, fid in rows}

    def fetch_states(self, feed_ids: Iterable[int]) -> list[FetchState]:
        """The local feeds among `feed_ids`: a server feed's articles come by sync,
        never by fetching its URL here."""
        ids = list(feed_ids)
        out: list[FetchState] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            out.extend(
                FetchState(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), r[8])
                for r in self.db.execute(
                    f"""SELECT id, url, fetch_url, etag, last_modified, next_fetch,
                               error_count, gone, last_status
                        FROM feeds WHERE id IN ({marks}) AND server_id IS NULL""",
                    chunk,
                )
            )
        order = {fid: i for i, fid in enumerate(ids)}
        out.sort(key=lambda s: order[s.id])
        return out

    # --- refresh results ----------------------------------------------------

    def save_feed(
        self,
        feed_id: int,
        data: FeedData,
        *,
        status: int,
        etag: str | None,
        last_modified: str | None,
        fetch_url: str | None,
        now: int | None = None,
    ) -> StoreCounts:
        """Store a parsed feed and its fetch metadata in one transaction."""
        now = int(time.time()) if now is None else now
        with self._transaction():
            return entries.write_feed(self.db, feed_id, data, self.filters, status=status,
                                      etag=etag, last_modified=last_modified,
                                      fetch_url=fetch_url, now=now)

    def save_feeds(self, writes: Sequence[FeedWrite],
                   now: int | None = None) -> list[StoreCounts | StorageError]:
        """Several parsed feeds in one transaction: one commit and one new
        search-index segment for all of them instead of one each, the largest
        part of storing a feed. Each feed has its own savepoint: one that
        cannot be stored is undone alone, its error in its place in the answer.
        StorageError when the whole transaction is lost (disk full, say)."""
        now = int(time.time()) if now is None else now
        results: list[StoreCounts | StorageError] = []
        with self._transaction():
            for w in writes:
                self.db.execute("SAVEPOINT feed")
                try:
                    counts = entries.write_feed(
                        self.db, w.feed_id, w.data, self.filters, status=w.status, etag=w.etag,
                        last_modified=w.last_modified, fetch_url=w.fetch_url, now=now)
                except (sqlite3.Error, UnicodeError, OverflowError) as exc:
                    if not self.db.in_transaction:
                        raise  # SQLite undid the whole transaction: nothing here was kept
                    self.db.execute("ROLLBACK TO feed")
                    self.db.execute("RELEASE feed")
                    results.append(storage_error(str(self.path), exc)
                                   or StorageError(str(exc)))
                    continue
                self.db.execute("RELEASE feed")
                results.append(counts)
        return results

    def save_not_modified(
        self, feed_id: int, *, fetch_url: str | None, now: int | None = None
    ) -> None:
        now = int(time.time()) if now is None else now
        with self._transaction():
            self.db.execute(
                """UPDATE feeds SET last_fetched = ?, last_status = 304, last_error = NULL,
                       next_fetch = NULL, error_count = 0,
                       fetch_url = coalesce(?, fetch_url)
                   WHERE id = ?""",
                (now, fetch_url, feed_id),
            )

    def save_failure(
        self,
        feed_id: int,
        *,
        status: int | None,
        error: str,
        next_fetch: int | None,
        gone: bool = False,
        now: int | None = None,
    ) -> None:
        now = int(time.time()) if now is None else now
        with self._transaction():
            self.db.execute(
                """UPDATE feeds SET last_fetched = ?, last_status = ?, last_error = ?,
                       next_fetch = ?, error_count = error_count + 1,
                       gone = max(gone, ?)
                   WHERE id = ?""",
                (now, status, error, next_fetch, int(gone), feed_id),
            )

    # --- read state -------------------------------------------------------

    def set_read(self, article_ids: Sequence[int], read: bool = True) -> None:
        with self._transaction():
            marks.set_read(self.db, article_ids, read, int(time.time()))

    def set_starred(self, article_id: int, starred: bool) -> None:
        with self._transaction():
            marks.set_starred(self.db, article_id, starred, int(time.time()))

    def apply_filters(self, filters: FilterSet, now: int | None = None) -> list[int]:
        """Every filter on the whole cache, in one transaction; changes per filter."""
        now = int(time.time()) if now is None else now
        with self._transaction():
            return filters.apply_cached(self.db, now)

    def unhide_unfiltered(self, filters: FilterSet, now: int | None = None) -> tuple[int, int]:
        """Unhide what no hide filter matches now, in one transaction: (back, still hidden)."""
        now = int(time.time()) if now is None else now
        with self._transaction():
            return filters.unhide_cached(self.db, now)

    def mark_all_read(
        self, *, topic: str | None = None, feed_id: int | None = None,
        upto_time: int | None = None, all_topics: bool = False,
    ) -> int:
        """Mark every subscribed article of a topic / feed (or all) read.

        `upto_time` protects articles that arrived after the user looked;
        `all_topics` leaves out the feeds hidden from All Topics.
        """
        with self._transaction():
            return marks.mark_all_read(self.db, int(time.time()), topic=topic, feed_id=feed_id,
                                       upto_time=upto_time, all_topics=all_topics)

    # --- plumbing ---------------------------------------------------------

    def _transaction(self) -> Transaction:
        return Transaction(self.db, str(self.path))

    def transaction(self) -> Transaction:
        """One write transaction, for writers kept in other modules (store/pages.py,
        store/synced.py)."""
        return self._transaction()
