"""The cache's side of a sync: server feeds and items, the outbox, the sync state.

The outbox is written by Store's read/star methods in their own transaction
(queue_changes); a sync pushes it, then drops exactly the rows it pushed.
Functions here take the connection of a Store and run inside its transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from toaster_tui.store.sub_outbox import held_feeds

__all__ = ["Change", "ServerFeed", "apply_server_state", "drop_changes", "known_items",
           "mark_server_items", "pending_changes", "queue_changes", "read_state",
           "server_feeds", "upsert_server_feeds", "write_state"]

_CHUNK = 500


@dataclass(frozen=True)
class Change:
    id: int
    server_id: str
    field: str
    """"read" or "starred"."""
    value: bool


@dataclass(frozen=True)
class ServerFeed:
    stream_id: str
    url: str
    title: str
    topic: str


def queue_changes(db: sqlite3.Connection, field: str, value: bool, where: str,
                  params: Sequence[object], now: int) -> None:
    """Queue `field` = `value` for the server articles matching `where` (on articles).

    Call before the UPDATE it goes with, in the same transaction: only articles
    whose state actually changes are queued. A cache without server feeds
    (no sync) pays one index probe.
    """
    if db.execute("SELECT 1 FROM feeds WHERE server_id IS NOT NULL LIMIT 1").fetchone() is None:
        return
    db.execute(
        f"""INSERT OR REPLACE INTO outbox (server_id, field, value, queued)
            SELECT server_id, ?, ?, ? FROM articles
            WHERE server_id IS NOT NULL AND {field} != ? AND ({where})""",
        (field, int(value), now, int(value), *params))


def pending_changes(db: sqlite3.Connection) -> list[Change]:
    return [Change(row[0], row[1], row[2], bool(row[3])) for row in db.execute(
        "SELECT id, server_id, field, value FROM outbox ORDER BY id")]


def drop_changes(db: sqlite3.Connection, ids: Iterable[int]) -> None:
    """Forget pushed changes; one replaced meanwhile has a new id and stays."""
    db.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in ids])


def upsert_server_feeds(db: sqlite3.Connection, feeds: Sequence[ServerFeed]) -> dict[str, int]:
    """Make the server feeds match the server's list; stream id -> feed id.

    A feed gone from the server is unsubscribed (its articles stay, as a local
    feed's do). A server feed whose URL a local feed already has gets the URL
    with a "#server" fragment, so both live side by side. A change made here
    and not yet sent (store/sub_outbox.py) is not undone: a feed added here
    stays, a feed moved here keeps its topic, a feed removed here stays removed
    (and its items are not stored).
    """
    held = held_feeds(db)
    db.execute("UPDATE feeds SET subscribed = 0 WHERE server_id IS NOT NULL AND id NOT IN"
               " (SELECT feed_id FROM sub_outbox WHERE action = 'subscribe')")
    ids: dict[str, int] = {}
    for feed in feeds:
        row = db.execute("SELECT id FROM feeds WHERE server_id = ?", (feed.stream_id,)).fetchone()
        if row is None:
            url = feed.url or feed.stream_id
            holder = db.execute("SELECT server_id FROM feeds WHERE url = ?", (url,)).fetchone()
            if holder is not None and holder[0] is None:  # a local feed's URL
                url = f"{url}#server"
            # A server feed unsubscribed earlier (under another id), or one added
            # here and now listed by the server, takes this stream id.
            row = db.execute(
                "INSERT INTO feeds (url, topic, title, server_id) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET server_id = excluded.server_id RETURNING id",
                (url, feed.topic, feed.title, feed.stream_id)).fetchone()
        feed_id = int(row[0])
        waiting = held.get(feed_id)
        if waiting == "unsubscribe":
            db.execute("UPDATE feeds SET title = ? WHERE id = ?", (feed.title, feed_id))
            continue
        if waiting is not None:  # a queued subscribe or move: the topic is this side's
            db.execute("UPDATE feeds SET title = ?, subscribed = 1 WHERE id = ?",
                       (feed.title, feed_id))
        else:
            db.execute("UPDATE feeds SET topic = ?, title = ?, subscribed = 1 WHERE id = ?",
                       (feed.topic, feed.title, feed_id))
        ids[feed.stream_id] = feed_id
    return ids


def server_feeds(db: sqlite3.Connection) -> dict[str, int]:
    return {sid: fid for sid, fid in db.execute(
        "SELECT server_id, id FROM feeds WHERE server_id IS NOT NULL AND subscribed = 1")}


def known_items(db: sqlite3.Connection) -> set[str]:
    return {sid for (sid,) in db.execute(
        "SELECT server_id FROM articles WHERE server_id IS NOT NULL")}


def mark_server_items(db: sqlite3.Connection, feed_id: int, keys: Iterable[str]) -> None:
    """Server items are stored under their item id as key: record it as their server id."""
    db.executemany("UPDATE articles SET server_id = key WHERE feed_id = ? AND key = ?",
                   [(feed_id, key) for key in keys])


def apply_server_state(db: sqlite3.Connection, unread: set[str], starred: set[str]) -> int:
    """Set read/starred of server articles from the server's lists; how many changed.

    An article with a change still in the outbox keeps its local state: that
    change was made after the push and goes out next time.
    """
    waiting = {(sid, field) for sid, field in db.execute("SELECT server_id, field FROM outbox")}
    changed = 0
    rows = db.execute("SELECT id, server_id, read, starred FROM articles"
                      " WHERE server_id IS NOT NULL").fetchall()
    updates: list[tuple[int, int, int]] = []
    for article_id, sid, read, star in rows:
        new_read = read if (sid, "read") in waiting else int(sid not in unread)
        new_star = star if (sid, "starred") in waiting else int(sid in starred)
        if (new_read, new_star) != (read, star):
            updates.append((new_read, new_star, article_id))
    for start in range(0, len(updates), _CHUNK):
        chunk = updates[start:start + _CHUNK]
        db.executemany("UPDATE articles SET read = ?, starred = ? WHERE id = ?", chunk)
        changed += len(chunk)
    return changed


def read_state(db: sqlite3.Connection) -> dict[str, str]:
    return dict(db.execute("SELECT key, value FROM sync_state").fetchall())


def write_state(db: sqlite3.Connection, values: dict[str, str]) -> None:
    db.executemany("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)",
                   list(values.items()))
