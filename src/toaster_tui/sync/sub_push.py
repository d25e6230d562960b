"""Send the queued subscription changes (store/sub_outbox.py) to the server.

A sync runs this first, before read/star changes and before it pulls the
server's subscriptions. Each change leaves the queue only once the server said
OK, in its own transaction. The server's answer decides what happens to a
change that fails:

- no answer, or an answer that says "later" (a timeout, no connection, 408,
  429, 502, 503, 504): a SyncError, as for every other step of a sync; the
  change stays queued and goes out next time;
- a refusal (4xx, or 500: Miniflux's answer to a feed it cannot fetch or
  parse): the server's list is read again first, since a change whose answer
  was lost on the way may be done already; if not, the change is dropped and
  the refusal recorded (sync_state `sub_refused`) and reported, so the user
  learns of it. The next pull then shows the server's state.

Sending again is harmless: a subscribe the server already has only sets the
folder, an unsubscribe of a feed the server no longer has is done.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from toaster_tui.core.errors import SyncAuthError, SyncError
from toaster_tui.store.database import Store
from toaster_tui.store.sub_outbox import (
    SubOp,
    drop_op,
    is_queued,
    link_feed,
    pending_ops,
    record_refusal,
    strip_server,
)
from toaster_tui.sync.greader import Subscription
from toaster_tui.sync.service import SyncService

__all__ = ["SubPush", "is_transient", "push_subscriptions"]

_ANSWERED = re.compile(r"\b(?:server error|request refused) (\d{3}) for ")
_DETAIL = re.compile(r" (?:for|to) \S+ \((.*)\)$")
_LATER = frozenset({408, 425, 429, 502, 503, 504})
"""Statuses that say "not now" rather than "no"."""


@dataclass(frozen=True)
class SubPush:
    sent: int
    """Changes the server took (or had already)."""
    refused: tuple[str, ...]
    """One line per change the server refused, dropped from the queue."""


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_transient(exc: SyncError) -> bool:
    """Whether a failed request may work later unchanged (else the server refused it)."""
    if isinstance(exc, SyncAuthError):
        return True
    text = str(exc)
    answered = _ANSWERED.search(text)
    if answered is not None:
        return int(answered.group(1)) in _LATER
    return "did not accept the change" not in text  # no answer at all, or not the API's


def push_subscriptions(store: Store, client: SyncService) -> SubPush:
    """Send every queued change, oldest first; SyncError stops at a transient fault."""
    server = _ServerList(client)
    sent = 0
    refused: list[str] = []
    for op in pending_ops(store.db):
        try:
            _send(store, client, server, op)
        except _Refused as no:
            line = _refusal_line(op, no.reason)
            with store.transaction():
                drop_op(store.db, op.id)
                if op.action == "subscribe":  # never on the server: gone from here too
                    store.db.execute("UPDATE feeds SET subscribed = 0 WHERE id = ?"
                                     " AND server_id LIKE 'queued:%'", (op.feed_id,))
                record_refusal(store.db, line, int(time.time()))
            refused.append(line)
            continue
        with store.transaction():
            drop_op(store.db, op.id)
        sent += 1
    return SubPush(sent, tuple(refused))


def _send(store: Store, client: SyncService, server: _ServerList, op: SubOp) -> None:
    """One change; _Refused when the server will not do it."""
    try:
        if op.action == "subscribe":
            _subscribe(store, client, server, op)
        elif op.action == "move":
            stream = _stream_of(store, server, op)
            if stream is None:
                raise _Refused("the server no longer has this feed")
            client.edit_subscription(stream, title=op.title, folder=op.topic)
        else:
            stream = _stream_of(store, server, op)
            if stream is not None:  # else the server does not have it: nothing to do
                client.unsubscribe(stream)
    except SyncError as exc:
        if is_transient(exc):
            raise
        # Answered but not done: maybe it was done by an earlier try whose answer
        # was lost. The list is asked for again; a fault there stops the sync.
        if not _holds(store, server.fresh(), op):
            raise _Refused(_detail(exc)) from None


def _subscribe(store: Store, client: SyncService, server: _ServerList, op: SubOp) -> None:
    found = server.find(op.url)
    if found is not None:  # subscribed already (a retry): put it in the folder asked for
        _link(store, op, found.stream_id)
        if op.topic and op.topic not in found.folders:
            client.edit_subscription(found.stream_id, folder=op.topic)
        return
    if op.checked:  # fetched and parsed here: subscribe to exactly this address
        client.subscribe(op.url, title=op.title, folder=op.topic)
        return
    # Not checked here (this machine was offline): the server looks for the feed.
    stream = client.quickadd(op.url)
    if stream is None:
        raise _Refused("the server found no feed at this address")
    _link(store, op, stream)
    client.edit_subscription(stream, title=op.title, folder=op.topic)


def _holds(store: Store, subs: list[Subscription], op: SubOp) -> bool:
    """Whether the server already is as `op` wants it."""
    found = next((s for s in subs if s.url == strip_server(op.url)), None)
    if not is_queued(op.server_id):
        found = next((s for s in subs if s.stream_id == op.server_id), found)
    if op.action == "unsubscribe":
        return found is None
    if found is None:
        return False
    if op.action == "subscribe":
        _link(store, op, found.stream_id)
    return not op.topic or op.topic in found.folders


def _stream_of(store: Store, server: _ServerList, op: SubOp) -> str | None:
    """The feed's stream id: known here, or (its subscribe sent but not yet pulled)
    found by URL in the server's list; None when the server does not have it."""
    if op.server_id is not None and not is_queued(op.server_id):
        return op.server_id
    found = server.find(op.url)
    if found is None:
        return None
    _link(store, op, found.stream_id)
    return found.stream_id


def _link(store: Store, op: SubOp, stream_id: str) -> None:
    if is_queued(op.server_id):
        with store.transaction():
            link_feed(store.db, op.feed_id, stream_id)


def _detail(exc: SyncError) -> str:
    """What the server said, else the whole error line."""
    said = _DETAIL.search(str(exc))
    return said.group(1) if said else str(exc)


def _refusal_line(op: SubOp, reason: str) -> str:
    url = strip_server(op.url)
    what = {"subscribe": f"subscribe to {url}",
            "move": f"move {url} to {op.topic}",
            "unsubscribe": f"unsubscribe from {url}"}[op.action]
    return f"the server refused to {what}: {reason}"


class _ServerList:
    """The server's subscriptions, asked for at most once a push unless asked afresh."""

    def __init__(self, client: SyncService) -> None:
        self._client = client
        self._subs: list[Subscription] | None = None

    def fresh(self) -> list[Subscription]:
        self._subs = self._client.subscriptions()
        return self._subs

    def find(self, url: str) -> Subscription | None:
        subs = self._subs if self._subs is not None else self.fresh()
        url = strip_server(url)
        return next((s for s in subs if s.url == url), None)
