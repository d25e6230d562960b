"""Subscribe, move and unsubscribe server feeds from here, offline-first.

What `toaster add --server`, `toaster move`, `toaster remove` and the app's
`a`, `t`, `d` call for feeds of the sync server (never written in
config.toml). Each changes the cache and queues the change for the server in
one transaction (store/sub_outbox.py): the feed shows at once, and the next
sync sends it (sync/sub_push.py).

An address for the server is checked here first, as a local add is (fetched,
a web page's feed discovered, parsed), so a typo is caught at once. When the
site gives no answer at all (this machine offline, say), it is queued
unchecked: the server then looks for the feed at that address itself, and a
refusal is reported by the sync.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from toaster_tui.core.errors import FeedUnreachable, SubscriptionError
from toaster_tui.core.models import Config, Settings
from toaster_tui.feeds.address import check_url
from toaster_tui.store.database import Store
from toaster_tui.store.sub_outbox import (
    ServerFeedRef,
    find_subscribed,
    queue_move,
    queue_subscribe,
    queue_unsubscribe,
    server_feed,
    server_feed_by_url,
)

__all__ = ["Candidate", "ServerFeedRef", "add_server_feed", "check_for_server",
           "find_server_feed", "move_server_feed", "refuse_duplicate", "remove_server_feed",
           "require_sync", "server_feed_of"]


@dataclass(frozen=True)
class Candidate:
    """An address to subscribe the server to, as far as it could be checked here."""

    url: str
    """The feed's URL (found and checked), else the address as typed (made http(s))."""
    title: str | None
    """The feed's own title, when it was fetched."""
    checked: bool
    unchecked_why: str | None = None
    """Why it could not be checked here (the site gave no answer)."""


def require_sync(config: Config, what: str) -> None:
    """SubscriptionError unless config.toml has a [sync] table."""
    if config.sync is None:
        raise SubscriptionError(f"{what}: there is no [sync] table in {config.path}")


async def check_for_server(text: str, settings: Settings) -> Candidate:
    """Fetch and parse (or discover) the feed at `text`, as a local add does.

    FeedError when the site answered and it is no feed; a Candidate marked
    unchecked when the site gave no answer at all.
    """
    url = check_url(text)
    # The fetcher and parser (httpx, feedparser) only when an address is
    # checked: moving or removing a server feed needs neither.
    from toaster_tui.feeds.subscribe import resolve_feed

    try:
        found = await resolve_feed(text, settings)
    except FeedUnreachable as exc:
        return Candidate(url, None, checked=False, unchecked_why=str(exc))
    return Candidate(found.url, found.data.title, checked=True)


def refuse_duplicate(db_path: Path, local_urls: Iterable[str], url: str) -> None:
    """SubscriptionError when a feed at `url` is subscribed already: in config.toml
    (`local_urls`), or as a feed of the server."""
    if url in set(local_urls):
        raise SubscriptionError(f"already subscribed in config.toml: {url}")
    store = Store(db_path)
    try:
        found = find_subscribed(store.db, url)
    finally:
        store.close()
    if found is not None:
        where = "from the feed server" if found[1] is not None else "here"
        raise SubscriptionError(f"already subscribed ({where}): {url}")


def add_server_feed(db_path: Path, candidate: Candidate, topic: str,
                    title: str | None) -> int:
    """Add the feed for the server, in `topic`; its feed id here."""
    store = Store(db_path)
    try:
        with store.transaction():
            if find_subscribed(store.db, candidate.url) is not None:
                raise SubscriptionError(f"already subscribed: {candidate.url}")
            return queue_subscribe(store.db, candidate.url, topic,
                                   title or candidate.title, candidate.checked,
                                   int(time.time()))
    finally:
        store.close()


def find_server_feed(db_path: Path, url: str) -> ServerFeedRef | None:
    """The subscribed server feed at `url` (or its "#server" twin), else None."""
    store = Store(db_path)
    try:
        return server_feed_by_url(store.db, url.strip())
    finally:
        store.close()


def server_feed_of(db_path: Path, feed_id: int) -> ServerFeedRef | None:
    store = Store(db_path)
    try:
        return server_feed(store.db, feed_id)
    finally:
        store.close()


def move_server_feed(db_path: Path, feed_id: int, topic: str) -> ServerFeedRef:
    """Move a server feed to `topic` here now, and on the server at the next sync."""
    store = Store(db_path)
    try:
        with store.transaction():
            return queue_move(store.db, feed_id, topic, int(time.time()))
    finally:
        store.close()


def remove_server_feed(db_path: Path, feed_id: int) -> ServerFeedRef:
    """Unsubscribe a server feed here now (its articles stay), on the server at the next sync."""
    store = Store(db_path)
    try:
        with store.transaction():
            return queue_unsubscribe(store.db, feed_id, int(time.time()))
    finally:
        store.close()
