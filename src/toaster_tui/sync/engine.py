"""One sync with a Google Reader API server: push the outboxes, then pull.

Order matters for the conflict rule: local changes waiting in the outboxes are
pushed first (subscriptions: sync/sub_push.py, then read/star), so an article
changed on both sides since the last sync ends as it was changed here; then
the server's subscriptions, new items and unread and starred lists come down.
Each step is its own short transaction, so a failure or a kill in the middle
keeps what was done and loses nothing: pushed changes leave the outbox only
once the server said OK (pushing again is harmless), and items already stored
are not asked for again.

Blocking: run it in a thread (the CLI does; the app will from a worker).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from toaster_tui.core.errors import SyncError
from toaster_tui.core.models import FALLBACK_TOPIC, EntryData, FeedData, SyncSpec
from toaster_tui.core.rules import FilterRule
from toaster_tui.feeds.enclosures import clean_enclosures
from toaster_tui.feeds.parse import build_entry
from toaster_tui.reading.entry_fields import plain_text_title
from toaster_tui.store.database import Store
from toaster_tui.store.entries import write_feed
from toaster_tui.store.filters import FilterSet
from toaster_tui.store.schema import last_article_id
from toaster_tui.store.synced import (
    ServerFeed,
    apply_server_state,
    drop_changes,
    known_items,
    mark_server_items,
    pending_changes,
    upsert_server_feeds,
    write_state,
)
from toaster_tui.sync.greader import CONTENTS_BATCH, Item, Subscription
from toaster_tui.sync.service import SyncService, open_service
from toaster_tui.sync.sub_push import SubPush, push_subscriptions

__all__ = ["ITEM_LIMIT", "SyncReport", "run_sync"]

ITEM_LIMIT = 50_000
"""The newest items a sync looks at; older ones stay on the server. Memory
grows with it only by their ids: contents come CONTENTS_BATCH at a time."""

ProgressFn = Callable[[str], None]


@dataclass(frozen=True)
class SyncReport:
    feeds: int
    new_items: int
    pushed: int
    """Read/star changes sent to the server."""
    state_changes: int
    """Local articles whose read/starred state the server's lists changed."""
    seconds: float
    subscriptions_sent: int = 0
    """Subscribe, move and unsubscribe changes the server took."""
    refused: tuple[str, ...] = ()
    """One line per subscription change the server refused (dropped from the queue)."""


def run_sync(db_path: Path, spec: SyncSpec, password: str, *, timeout: float = 30.0,
             item_limit: int = ITEM_LIMIT, batch: int = CONTENTS_BATCH,
             filters: Sequence[FilterRule] = (),
             progress: ProgressFn | None = None) -> SyncReport:
    """Sync the cache at `db_path` with the account `spec` names; SyncError on failure.

    `filters` act on the new server items as on a refresh's new articles."""
    started = time.monotonic()
    say = progress or (lambda _text: None)
    store = Store(db_path)
    try:
        with open_service(spec, password, timeout=timeout) as client:
            try:
                report, subs = _sync(store, client, FilterSet(filters), item_limit, batch, say)
            except SyncError as exc:
                with store.transaction():
                    write_state(store.db, {"last_error": str(exc),
                                           "last_attempt": str(int(time.time()))})
                raise
        return SyncReport(*report, seconds=time.monotonic() - started,
                          subscriptions_sent=subs.sent, refused=subs.refused)
    finally:
        store.close()


def _sync(store: Store, client: SyncService, filters: FilterSet, item_limit: int,
          batch: int, say: ProgressFn) -> tuple[tuple[int, int, int, int], SubPush]:
    client.login()
    subs = push_subscriptions(store, client)
    if subs.sent or subs.refused:
        say(f"sent {subs.sent} subscription changes")
    pushed = _push(store, client)
    if pushed:
        say(f"pushed {pushed} changes")
    subscriptions = client.subscriptions()
    with store.transaction():
        feed_ids = upsert_server_feeds(store.db, [_server_feed(s) for s in subscriptions])
    ids = client.item_ids(limit=item_limit)
    known = known_items(store.db)
    missing = [key for key in ids if key not in known]
    by_stream = {s.stream_id: s for s in subscriptions}
    new = 0
    for start in range(0, len(missing), batch):
        items = list(client.items(missing[start:start + batch], batch=batch))
        new += _store_items(store, items, feed_ids, by_stream, filters)
        say(f"{new} new items")
    unread, starred = client.unread_ids(), client.starred_ids()
    with store.transaction():
        changed = apply_server_state(store.db, unread, starred)
        write_state(store.db, {"last_sync": str(int(time.time())), "last_error": ""})
    return (len(subscriptions), new, pushed, changed), subs


def _push(store: Store, client: SyncService) -> int:
    """Send the outbox, one kind of change at a time, dropping each kind once it is sent."""
    groups: dict[tuple[str, bool], list[tuple[int, str]]] = defaultdict(list)
    for change in pending_changes(store.db):
        groups[(change.field, change.value)].append((change.id, change.server_id))
    pushed = 0
    for (field, value), changes in sorted(groups.items()):
        server_ids = [sid for _, sid in changes]
        if field == "read":
            client.mark_read(server_ids, read=value)
        else:
            client.star(server_ids, starred=value)
        with store.transaction():
            drop_changes(store.db, [change_id for change_id, _ in changes])
        pushed += len(changes)
    return pushed


def _server_feed(sub: Subscription) -> ServerFeed:
    return ServerFeed(stream_id=sub.stream_id, url=sub.url, title=sub.title,
                      topic=sub.folders[0] if sub.folders else FALLBACK_TOPIC)


def _store_items(store: Store, items: list[Item], feed_ids: dict[str, int],
                 by_stream: dict[str, Subscription], filters: FilterSet) -> int:
    """Store a batch through the same cleaning and extraction as fetched entries."""
    per_feed: dict[str, list[EntryData]] = defaultdict(list)
    for item in items:
        if item.stream_id in feed_ids:  # else its feed went away meanwhile
            per_feed[item.stream_id].append(_entry(item))
    new, now = 0, int(time.time())
    # One transaction for the whole batch: items of hundreds of feeds arrive
    # interleaved, and a transaction per feed was half of a first sync's time.
    # Stored and marked with their server id together, so a kill leaves either
    # both or neither; filters run once the rows carry their server id, so that
    # what they mark read or star is queued for the server.
    with store.transaction():
        for stream_id, entries in per_feed.items():
            sub, feed_id = by_stream[stream_id], feed_ids[stream_id]
            data = FeedData(title=sub.title or None, site_url=sub.html_url or None,
                            language=None, entries=tuple(entries))
            after_id = last_article_id(store.db)
            counts = write_feed(store.db, feed_id, data, None, status=200, etag=None,
                                last_modified=None, fetch_url=None, now=now)
            mark_server_items(store.db, feed_id, (e.key for e in entries))
            if filters:
                filters.on_new(store.db, feed_id, after_id, now)
            new += counts.new
    return new


def _entry(item: Item) -> EntryData:
    entry = build_entry(
        raw_id=item.key, title=plain_text_title(item.title), link=item.url,
        author=item.author or "", published=item.published, updated=item.updated,
        content_html=item.html, summary_html="", categories=(), language=None,
        feed_language=None,
        enclosures=clean_enclosures((url, kind, length, None)
                                    for url, kind, length in item.enclosures))
    return entry
