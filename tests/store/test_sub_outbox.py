"""Subscription changes to server feeds: made in the cache at once, queued for the
server in the same transaction, and never undone by a pull that comes before
they are sent. (The push itself is tested against Miniflux in tests/sync.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from toaster_tui.core.errors import SubscriptionError, SyncAuthError, SyncError
from toaster_tui.core.models import FeedSpec
from toaster_tui.store import listing
from toaster_tui.store.database import Store
from toaster_tui.store.sub_outbox import (
    QUEUED,
    REFUSALS_KEPT,
    pending_ops,
    queue_move,
    queue_subscribe,
    queue_unsubscribe,
    record_refusal,
    refusals,
)
from toaster_tui.store.synced import ServerFeed, upsert_server_feeds
from toaster_tui.sync.sub_push import is_transient

NOW = 1_800_000_000
GARDEN = "https://garden.example/feed.xml"
KITCHEN = "https://kitchen.example/rss"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "t.db")


def feeds(store: Store) -> dict[str, str]:
    """What `toaster feeds` and the sidebar list: url -> topic."""
    return {f.url: f.topic for f in listing.list_feeds(store.db)}


def ops(store: Store) -> list[tuple[str, str, str | None]]:
    return [(op.action, op.url, op.topic) for op in pending_ops(store.db)]


def pulled(store: Store, *listed: ServerFeed) -> dict[str, int]:
    with store.transaction():
        return upsert_server_feeds(store.db, list(listed))


def test_an_added_feed_shows_at_once_and_its_subscribe_waits(store: Store) -> None:
    with store.transaction():
        feed_id = queue_subscribe(store.db, GARDEN, "Hobbies", "My garden", True, NOW)
    assert feeds(store) == {GARDEN: "Hobbies"}
    assert ops(store) == [("subscribe", GARDEN, "Hobbies")]
    (op,) = pending_ops(store.db)
    assert op.feed_id == feed_id and op.checked and op.title == "My garden"
    assert op.server_id == QUEUED + GARDEN
    # A refresh never fetches it, and config.toml (sync_feeds) never touches it.
    assert store.fetch_states([feed_id]) == []
    store.sync_feeds([])
    assert feeds(store) == {GARDEN: "Hobbies"}


def test_later_changes_replace_the_queued_one(store: Store) -> None:
    with store.transaction():
        feed_id = queue_subscribe(store.db, GARDEN, "Hobbies", None, False, NOW)
        queue_move(store.db, feed_id, "Outdoors", NOW)
    # Still one subscribe, now into the new folder, unchecked as it was.
    assert ops(store) == [("subscribe", GARDEN, "Outdoors")]
    assert not pending_ops(store.db)[0].checked
    assert feeds(store) == {GARDEN: "Outdoors"}
    first = pending_ops(store.db)[0].id
    with store.transaction():
        queue_unsubscribe(store.db, feed_id, NOW)
    assert feeds(store) == {}
    (op,) = pending_ops(store.db)
    assert (op.action, op.url) == ("unsubscribe", GARDEN) and op.id != first


def test_readding_a_feed_whose_unsubscribe_waits_keeps_it_on_the_server(store: Store) -> None:
    ids = pulled(store, ServerFeed("feed/7", KITCHEN, "Kitchen", "Food"))
    with store.transaction():
        queue_unsubscribe(store.db, ids["feed/7"], NOW)
    assert feeds(store) == {}
    with store.transaction():
        again = queue_subscribe(store.db, KITCHEN, "Cooking", None, True, NOW)
    assert again == ids["feed/7"]
    assert ops(store) == [("move", KITCHEN, "Cooking")]  # no unsubscribe, no new subscribe
    assert feeds(store) == {KITCHEN: "Cooking"}
    assert pending_ops(store.db)[0].server_id == "feed/7"


def test_a_pull_before_the_push_undoes_nothing(store: Store) -> None:
    """Changes made here while a sync runs (after its push) survive its pull."""
    ids = pulled(store, ServerFeed("feed/1", KITCHEN, "Kitchen", "Food"),
                 ServerFeed("feed/2", "https://gone.example/x", "Gone", "News"))
    with store.transaction():
        queue_move(store.db, ids["feed/1"], "Cooking", NOW)
        queue_unsubscribe(store.db, ids["feed/2"], NOW)
        queue_subscribe(store.db, GARDEN, "Hobbies", None, True, NOW)
    again = pulled(store, ServerFeed("feed/1", KITCHEN, "Kitchen (renamed)", "Food"),
                   ServerFeed("feed/2", "https://gone.example/x", "Gone", "News"))
    assert feeds(store) == {KITCHEN: "Cooking", GARDEN: "Hobbies"}
    assert "feed/2" not in again  # its items are not stored either
    titles = {f.url: f.title for f in listing.list_feeds(store.db)}
    assert titles[KITCHEN] == "Kitchen (renamed)"  # the server's title still comes


def test_a_pull_links_an_added_feed_once_the_server_lists_it(store: Store) -> None:
    with store.transaction():
        feed_id = queue_subscribe(store.db, GARDEN, "Hobbies", None, True, NOW)
        store.db.execute("DELETE FROM sub_outbox")  # as a push does once the server said OK
    ids = pulled(store, ServerFeed("feed/9", GARDEN, "Garden", "Hobbies"))
    assert ids == {"feed/9": feed_id}
    assert feeds(store) == {GARDEN: "Hobbies"}
    # Sent but the server does not list it (it took another URL): gone here too.
    with store.transaction():
        queue_subscribe(store.db, KITCHEN, "Food", None, True, NOW)
        store.db.execute("DELETE FROM sub_outbox")
    pulled(store, ServerFeed("feed/9", GARDEN, "Garden", "Hobbies"))
    assert feeds(store) == {GARDEN: "Hobbies"}


def test_a_local_feeds_url_gets_a_server_twin(store: Store) -> None:
    store.sync_feeds([FeedSpec(GARDEN, "Local")])
    with store.transaction():
        queue_subscribe(store.db, GARDEN, "Hobbies", None, True, NOW)
    assert feeds(store) == {GARDEN: "Local", GARDEN + "#server": "Hobbies"}
    assert ops(store) == [("subscribe", GARDEN, "Hobbies")]  # the server gets the real URL
    with store.transaction():  # and the server's listing finds the twin
        store.db.execute("DELETE FROM sub_outbox")
    assert pulled(store, ServerFeed("feed/3", GARDEN, "Garden", "Hobbies")) == {
        "feed/3": next(f.id for f in listing.list_feeds(store.db) if f.url.endswith("#server"))}


def test_only_server_feeds_can_be_queued(store: Store) -> None:
    ids = store.sync_feeds([FeedSpec(GARDEN, "Local")])
    with pytest.raises(SubscriptionError, match="not a subscribed feed of the sync server"), \
            store.transaction():
        queue_move(store.db, ids[GARDEN], "Other", NOW)
    assert feeds(store) == {GARDEN: "Local"} and ops(store) == []


def test_refusals_are_kept_newest_last_and_capped(store: Store) -> None:
    with store.transaction():
        for n in range(REFUSALS_KEPT + 5):
            record_refusal(store.db, f"refused {n}", NOW + n)
    kept = refusals(store.db)
    assert len(kept) == REFUSALS_KEPT
    assert kept[-1] == {"time": NOW + REFUSALS_KEPT + 4, "message": f"refused {REFUSALS_KEPT + 4}"}


@pytest.mark.parametrize(("error", "transient"), [
    ("sync server h: cannot connect", True),
    ("sync server h: timed out", True),
    ("sync server h: server error 502 for /reader/api/0/subscription/edit", True),
    ("sync server h: server error 503 for /reader/api/0/subscription/edit (busy)", True),
    ("sync server h: request refused 429 for /reader/api/0/subscription/edit", True),
    ("sync server h: server error 500 for /reader/api/0/subscription/quickadd "
     "(fetcher: resource not found (404))", False),
    ("sync server h: request refused 400 for /reader/api/0/subscription/edit (no)", False),
    ("sync server h did not accept the change to /reader/api/0/subscription/edit (Nope)", False),
])
def test_what_counts_as_try_again_later(error: str, transient: bool) -> None:
    assert is_transient(SyncError(error)) is transient
    assert is_transient(SyncAuthError(error))
