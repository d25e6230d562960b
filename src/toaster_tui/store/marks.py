"""Read and starred marks, each run inside the caller's transaction.

A change to a server article is queued for the sync in the same transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from toaster_tui.store.synced import queue_changes


def set_read(db: sqlite3.Connection, article_ids: Sequence[int], read: bool, now: int) -> None:
    for start in range(0, len(article_ids), 500):
        chunk = list(article_ids[start:start + 500])
        queue_changes(db, "read", read, f"id IN ({','.join('?' * len(chunk))})", chunk, now)
    db.executemany(
        "UPDATE articles SET read = ? WHERE id = ? AND read != ?",
        [(int(read), aid, int(read)) for aid in article_ids],
    )


def set_starred(db: sqlite3.Connection, article_id: int, starred: bool, now: int) -> None:
    queue_changes(db, "starred", starred, "id = ?", (article_id,), now)
    db.execute("UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id))


def mark_all_read(
    db: sqlite3.Connection, now: int, *, topic: str | None, feed_id: int | None,
    upto_time: int | None, all_topics: bool,
) -> int:
    """Mark every subscribed article of a topic / feed (or all) read; how many changed."""
    clauses = ["a.read = 0", "f.subscribed = 1"]
    params: list[object] = []
    if topic is not None:
        clauses.append("f.topic = ?")
        params.append(topic)
    if feed_id is not None:
        clauses.append("a.feed_id = ?")
        params.append(feed_id)
    if upto_time is not None:
        clauses.append("a.first_seen <= ?")
        params.append(upto_time)
    if all_topics:
        clauses.append("f.hidden_from_all = 0")
    chosen = f"""SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id
                 WHERE {' AND '.join(clauses)}"""
    queue_changes(db, "read", True, f"id IN ({chosen})", params, now)
    return db.execute(f"UPDATE articles SET read = 1 WHERE id IN ({chosen})", params).rowcount
