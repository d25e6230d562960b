"""Retention: delete old read articles, and give the space back.

`expire` deletes read, unstarred articles older than their feed's keep_days
(by the date the list shows: published, else updated, else first seen).
Starred and unread articles are never deleted. Each deleted article leaves a
tombstone (feed, key) in `forgotten`, so the feed still carrying it does not
bring it back as new (Store.save_feed skips those keys). Deletes go in
batches of BATCH, one short transaction each: a refresh or the app waiting to
write waits for one batch, and a kill loses at most the batch under way
(rolled back whole: an article and its tombstone go together).

`compact` is the rest of `toaster vacuum`: old tombstones out, the search
index merged (FTS5 keeps deleted rows' entries until a merge), VACUUM, and
the WAL truncated, so the file really shrinks.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from toaster_tui.core.models import Config

__all__ = ["BATCH", "FORGET_AFTER_DAYS", "Compacted", "compact", "disk_size", "expire",
           "keep_days_by_feed"]

BATCH = 2_000
"""Articles deleted per transaction."""
FORGET_AFTER_DAYS = 180
"""A tombstone whose entry no feed document has carried for this long is dropped:
an entry gone from its feed for half a year does not come back."""
DAY = 86_400


def expire(db: sqlite3.Connection, keep_days: Mapping[int, int], *,
           now: float | None = None) -> int:
    """Delete read, unstarred articles older than keep_days[feed_id] (0: keep).

    Returns how many were deleted. `db` must not be in a transaction."""
    now = time.time() if now is None else now
    removed = 0
    for feed_id, days in keep_days.items():
        if days <= 0:
            continue
        cutoff = int(now - days * DAY)
        while True:
            n = _expire_batch(db, feed_id, cutoff, int(now))
            removed += n
            if n < BATCH:
                break
    return removed


def _expire_batch(db: sqlite3.Connection, feed_id: int, cutoff: int, now: int) -> int:
    db.execute("BEGIN IMMEDIATE")
    try:
        # The feed-and-time index finds them; starred and unread never match.
        ids = [i for (i,) in db.execute(
            """SELECT id FROM articles WHERE feed_id = ? AND sort_time < ?
                   AND read = 1 AND starred = 0 LIMIT ?""", (feed_id, cutoff, BATCH))]
        if ids:
            marks = ",".join("?" * len(ids))
            db.execute(f"""INSERT INTO forgotten (feed_id, key, last_seen)
                           SELECT feed_id, key, ? FROM articles WHERE id IN ({marks})
                           ON CONFLICT (feed_id, key)
                               DO UPDATE SET last_seen = excluded.last_seen""",
                       (now, *ids))
            # The FTS delete trigger takes them out of the search index too.
            db.execute(f"DELETE FROM articles WHERE id IN ({marks})", ids)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return len(ids)


@dataclass(frozen=True)
class Compacted:
    forgotten_dropped: int
    size_before: int
    size_after: int


def disk_size(path: Path) -> int:
    """The database's bytes on disk: the file and its write-ahead log."""
    total = 0
    for part in (path, path.with_name(path.name + "-wal")):
        with contextlib.suppress(OSError):  # no WAL: nothing to add
            total += part.stat().st_size
    return total


def compact(db: sqlite3.Connection, path: Path, size_before: int, *,
            now: float | None = None, step: Callable[[str], None] | None = None) -> Compacted:
    """Drop old tombstones, merge the search index, VACUUM and truncate the WAL.

    Every step is atomic (VACUUM too: a kill leaves the database as it was)."""
    now = time.time() if now is None else now
    say = step or (lambda _: None)
    db.execute("BEGIN IMMEDIATE")
    try:
        dropped = db.execute("DELETE FROM forgotten WHERE last_seen < ?",
                             (int(now - FORGET_AFTER_DAYS * DAY),)).rowcount
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    say("merging the search index")
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
    say("compacting the database file")
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Compacted(dropped, size_before, disk_size(path))


def keep_days_by_feed(config: Config, ids: Mapping[str, int]) -> dict[int, int]:
    """Feed id -> keep_days (the feed's, else [settings]'), for the subscribed `ids`."""
    return {ids[f.url]: config.rules(f).keep_days for f in config.feeds if f.url in ids}
