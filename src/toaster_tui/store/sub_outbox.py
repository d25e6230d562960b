"""Subscription changes to server feeds, made here and waiting for the next sync.

Each queue_* function changes the feed in the cache and queues the change for
the server in the caller's transaction, so the app and `toaster feeds` show it
at once, offline. One queued change per feed: a newer one replaces the older
(moving a feed whose subscribe is still queued changes that subscribe's
folder; re-adding a feed whose unsubscribe is queued becomes a move). A sync
pushes them (sync/sub_push.py), dropping each once the server said OK, or
recording why the server refused it.

Functions here take the connection of a Store and run inside its transaction.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from toaster_tui.core.errors import SubscriptionError

__all__ = ["QUEUED", "REFUSALS_KEPT", "ServerFeedRef", "SubOp", "drop_op", "find_subscribed",
           "held_feeds", "is_queued", "link_feed", "pending_ops", "queue_move",
           "queue_subscribe", "queue_unsubscribe", "record_refusal", "refusals",
           "server_feed", "server_feed_by_url", "strip_server"]

QUEUED = "queued:"
"""server_id of a feed added here for the server and not yet listed by it."""
REFUSALS_KEPT = 20
"""The server's latest refusals kept in sync_state for the user to read."""
_SERVER_SUFFIX = "#server"


@dataclass(frozen=True)
class SubOp:
    """One queued change, with the feed's server id as it is now."""

    id: int
    feed_id: int
    action: str
    """"subscribe", "move" or "unsubscribe"."""
    url: str
    """subscribe: the address to subscribe to; else the feed's URL here."""
    topic: str | None
    title: str | None
    checked: bool
    server_id: str | None


@dataclass(frozen=True)
class ServerFeedRef:
    """A subscribed server feed, as the commands and keys that change it need it."""

    id: int
    url: str
    topic: str
    title: str
    server_id: str


def is_queued(server_id: str | None) -> bool:
    """Whether a server feed is still only here (its subscribe not yet listed by the server)."""
    return server_id is not None and server_id.startswith(QUEUED)


def strip_server(url: str) -> str:
    """The feed's own URL: a server feed that a local feed shares gets "#server" here."""
    return url[:-len(_SERVER_SUFFIX)] if url.endswith(_SERVER_SUFFIX) else url


def find_subscribed(db: sqlite3.Connection, url: str) -> tuple[int, str | None] | None:
    """A subscribed feed, local or server, at `url` (or its "#server" twin): (id, server_id)."""
    row = db.execute("SELECT id, server_id FROM feeds WHERE subscribed = 1 AND url IN (?, ?)"
                     " ORDER BY server_id IS NOT NULL LIMIT 1",
                     (url, url + _SERVER_SUFFIX)).fetchone()
    return None if row is None else (int(row[0]), row[1])


def server_feed(db: sqlite3.Connection, feed_id: int) -> ServerFeedRef | None:
    return _ref(db.execute(
        "SELECT id, url, topic, coalesce(title_override, title, url), server_id FROM feeds"
        " WHERE id = ? AND subscribed = 1 AND server_id IS NOT NULL", (feed_id,)).fetchone())


def server_feed_by_url(db: sqlite3.Connection, url: str) -> ServerFeedRef | None:
    """The subscribed server feed at `url`, else at its "#server" twin."""
    return _ref(db.execute(
        "SELECT id, url, topic, coalesce(title_override, title, url), server_id FROM feeds"
        " WHERE url IN (?, ?) AND subscribed = 1 AND server_id IS NOT NULL"
        " ORDER BY url = ? DESC LIMIT 1", (url, url + _SERVER_SUFFIX, url)).fetchone())


def _ref(row: tuple[int, str, str, str, str] | None) -> ServerFeedRef | None:
    return None if row is None else ServerFeedRef(int(row[0]), row[1], row[2], row[3], row[4])


def queue_subscribe(db: sqlite3.Connection, url: str, topic: str, title: str | None,
                    checked: bool, now: int) -> int:
    """Make `url` a server feed in `topic` here and queue its subscribe; the feed id.

    The caller has made sure no subscribed feed has the URL. A server feed of
    that URL removed earlier comes back (with its cached articles); a local
    feed's URL gets the "#server" twin, as a sync does.
    """
    key = url
    row = db.execute("SELECT id, server_id FROM feeds WHERE url = ?", (key,)).fetchone()
    if row is not None and row[1] is None:
        key = url + _SERVER_SUFFIX
        row = db.execute("SELECT id, server_id FROM feeds WHERE url = ?", (key,)).fetchone()
        if row is not None and row[1] is None:
            raise SubscriptionError(f"cannot add {url} for the server: config.toml has "
                                    f"{key} too")
    if row is not None:
        feed_id, server_id = int(row[0]), row[1]
        waiting = _op(db, feed_id)
        if waiting == "unsubscribe" and not is_queued(server_id):
            # Not yet gone from the server: it stays there, in the topic asked for now.
            db.execute("UPDATE feeds SET subscribed = 1, topic = ? WHERE id = ?",
                       (topic, feed_id))
            _put(db, feed_id, "move", key, topic, title, False, now)
            return feed_id
        db.execute("UPDATE feeds SET server_id = ?, topic = ?, title = coalesce(?, title),"
                   " subscribed = 1, gone = 0, last_error = NULL WHERE id = ?",
                   (QUEUED + key, topic, title, feed_id))
    else:
        feed_id = int(db.execute(
            "INSERT INTO feeds (url, topic, title, server_id) VALUES (?, ?, ?, ?) RETURNING id",
            (key, topic, title, QUEUED + key)).fetchone()[0])
    _put(db, feed_id, "subscribe", url, topic, title, checked, now)
    return feed_id


def queue_move(db: sqlite3.Connection, feed_id: int, topic: str, now: int) -> ServerFeedRef:
    """Move a server feed to `topic` here and queue the move (the server's folder)."""
    feed = _server_feed_or_fail(db, feed_id)
    db.execute("UPDATE feeds SET topic = ? WHERE id = ?", (topic, feed_id))
    waiting = _pending_op(db, feed_id)
    if waiting is not None and waiting.action == "subscribe":
        _put(db, feed_id, "subscribe", waiting.url, topic, waiting.title, waiting.checked, now)
    else:
        title = waiting.title if waiting is not None and waiting.action == "move" else None
        _put(db, feed_id, "move", feed.url, topic, title, False, now)
    return feed


def queue_unsubscribe(db: sqlite3.Connection, feed_id: int, now: int) -> ServerFeedRef:
    """Unsubscribe a server feed here (its articles stay) and queue it for the server.

    Queued even when its subscribe was never sent: the push then finds the
    feed missing from the server's list and has nothing to do.
    """
    feed = _server_feed_or_fail(db, feed_id)
    db.execute("UPDATE feeds SET subscribed = 0 WHERE id = ?", (feed_id,))
    waiting = _pending_op(db, feed_id)
    url = waiting.url if waiting is not None and waiting.action == "subscribe" else feed.url
    _put(db, feed_id, "unsubscribe", url, None, None, False, now)
    return feed


def _server_feed_or_fail(db: sqlite3.Connection, feed_id: int) -> ServerFeedRef:
    feed = server_feed(db, feed_id)
    if feed is None:
        raise SubscriptionError("not a subscribed feed of the sync server")
    return feed


def _put(db: sqlite3.Connection, feed_id: int, action: str, url: str, topic: str | None,
         title: str | None, checked: bool, now: int) -> None:
    db.execute("INSERT OR REPLACE INTO sub_outbox (feed_id, action, url, topic, title, checked,"
               " queued) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (feed_id, action, url, topic, title, int(checked), now))


def _op(db: sqlite3.Connection, feed_id: int) -> str | None:
    row = db.execute("SELECT action FROM sub_outbox WHERE feed_id = ?", (feed_id,)).fetchone()
    return None if row is None else str(row[0])


def _pending_op(db: sqlite3.Connection, feed_id: int) -> SubOp | None:
    found = pending_ops(db, feed_id)
    return found[0] if found else None


def pending_ops(db: sqlite3.Connection, feed_id: int | None = None) -> list[SubOp]:
    """The queued changes, oldest first (of one feed when `feed_id` is given)."""
    where, params = ("WHERE o.feed_id = ?", (feed_id,)) if feed_id is not None else ("", ())
    return [SubOp(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7]) for r in db.execute(
        "SELECT o.id, o.feed_id, o.action, o.url, o.topic, o.title, o.checked, f.server_id"
        f" FROM sub_outbox o JOIN feeds f ON f.id = o.feed_id {where} ORDER BY o.id", params)]


def held_feeds(db: sqlite3.Connection) -> dict[int, str]:
    """Feed id -> the change still queued for it: a pull must not undo those."""
    return {int(fid): str(action) for fid, action in db.execute(
        "SELECT feed_id, action FROM sub_outbox")}


def drop_op(db: sqlite3.Connection, op_id: int) -> None:
    """Forget a sent change; one replaced meanwhile has a new id and stays."""
    db.execute("DELETE FROM sub_outbox WHERE id = ?", (op_id,))


def link_feed(db: sqlite3.Connection, feed_id: int, stream_id: str) -> None:
    """The server has the feed as `stream_id`: record it (a pull would, by URL).

    When another row here already stands for that stream, it is the feed:
    the queued row steps aside (it has no articles of its own).
    """
    holder = db.execute("SELECT id FROM feeds WHERE server_id = ?", (stream_id,)).fetchone()
    if holder is None:
        db.execute("UPDATE feeds SET server_id = ? WHERE id = ?", (stream_id, feed_id))
    elif int(holder[0]) != feed_id:
        db.execute("UPDATE feeds SET subscribed = 0 WHERE id = ? AND server_id LIKE ?",
                   (feed_id, QUEUED + "%"))


def record_refusal(db: sqlite3.Connection, line: str, now: int) -> None:
    """Keep what the server refused, newest last, for `toaster sync` and the app to say."""
    kept = refusals(db)[-(REFUSALS_KEPT - 1):]
    kept.append({"time": now, "message": line})
    db.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('sub_refused', ?)",
               (json.dumps(kept),))


def refusals(db: sqlite3.Connection) -> list[dict[str, object]]:
    """The server's latest refusals of subscription changes: {"time", "message"}, oldest first."""
    row = db.execute("SELECT value FROM sync_state WHERE key = 'sub_refused'").fetchone()
    try:
        kept = json.loads(row[0]) if row is not None else []
    except ValueError:
        return []
    return [r for r in kept if isinstance(r, dict)] if isinstance(kept, list) else []
