"""The Google Reader API client against a real Miniflux.

Miniflux fetches its feeds from the tests' own loopback server; its REST API
(/v1) is the independent witness of what the client reads and changes.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from witness import serve

from faultproxy import FaultProxy
from feedserver import FeedServer
from miniflux_server import Account, enable_google_reader
from toaster_tui.core.errors import SyncAuthError, SyncError
from toaster_tui.sync.greader import READ, GReaderClient, item_key


def client(account: Account, url: str | None = None, **kwargs: Any) -> GReaderClient:
    return GReaderClient(url or account.url, *account.greader, **kwargs)


def category(api: httpx.Client, title: str) -> int:
    made = api.post("/categories", json={"title": title})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def add_feed(api: httpx.Client, url: str, category_id: int) -> int:
    made = api.post("/feeds", json={"feed_url": url, "category_id": category_id})
    assert made.status_code == 201, made.text
    return int(made.json()["feed_id"])


def entries(api: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    found = api.get("/entries", params={"limit": 0, **params})
    found.raise_for_status()
    return list(found.json()["entries"])


def test_subscriptions_with_their_folders(account: Account, feeds: FeedServer) -> None:
    with account.api() as api:
        tech = category(api, "Tech")
        feed_id = add_feed(api, serve(feeds, "/garden", 3, "Garden Notes"), tech)
    with client(account) as greader:
        subs = greader.subscriptions()
    assert [(s.stream_id, s.title, s.url, s.folders) for s in subs] == [
        (f"feed/{feed_id}", "Garden Notes", feeds.url("/garden"), ("Tech",))]


def test_item_ids_follow_continuations_and_match_the_witness(
        account: Account, feeds: FeedServer) -> None:
    with account.api() as api:
        add_feed(api, serve(feeds, "/many", 23, "Many"), category(api, "News"))
        witness = {str(e["id"]) for e in entries(api)}
    with client(account) as greader:
        ids = greader.item_ids(page=5)  # five pages: 5, 5, 5, 5, 3
        assert len(ids) == 23 and set(ids) == witness
        assert greader.item_ids(page=5, limit=7) == ids[:7]
        assert greader.unread_ids() == witness
        assert greader.starred_ids() == set()


def test_items_come_in_batches_with_their_content(account: Account, feeds: FeedServer) -> None:
    with account.api() as api:
        feed_id = add_feed(api, serve(feeds, "/batch", 9, "Batch"), category(api, "News"))
        witness = {str(e["id"]): e for e in entries(api)}
    with client(account) as greader:
        ids = greader.item_ids()
        items = list(greader.items(ids, batch=4))
    assert sorted(item.key for item in items) == sorted(witness)
    for item in items:
        expected = witness[item.key]
        assert item.title == expected["title"]
        assert item.url == expected["url"]
        assert item.stream_id == f"feed/{feed_id}"
        assert "compost number" in item.html
        assert item.published is not None
        assert not item.read and not item.starred


def test_read_and_star_reach_the_server(account: Account, feeds: FeedServer) -> None:
    with account.api() as api:
        add_feed(api, serve(feeds, "/state", 6, "State"), category(api, "News"))
        with client(account) as greader:
            ids = sorted(greader.item_ids())
            greader.edit_tag(ids[:4], add=READ, batch=3)  # two requests
            greader.star(ids[1:3])
            greader.mark_read(ids[:1], read=False)
        read = {str(e["id"]) for e in entries(api, status="read")}
        starred = {str(e["id"]) for e in entries(api, starred="true")}
    assert read == set(ids[1:4])
    assert starred == set(ids[1:3])


def test_changes_made_on_the_server_are_seen(account: Account, feeds: FeedServer) -> None:
    with account.api() as api:
        add_feed(api, serve(feeds, "/seen", 5, "Seen"), category(api, "News"))
        all_ids = [int(e["id"]) for e in entries(api)]
        api.put("/entries", json={"entry_ids": all_ids[:2], "status": "read"}).raise_for_status()
        api.put(f"/entries/{all_ids[4]}/bookmark").raise_for_status()
    with client(account) as greader:
        assert greader.unread_ids() == {str(i) for i in all_ids[2:]}
        assert greader.starred_ids() == {str(all_ids[4])}
        (item,) = greader.items([str(all_ids[4])])
        assert item.starred and not item.read


def test_subscribe_label_rename_and_unsubscribe(account: Account, feeds: FeedServer) -> None:
    with account.api() as api:
        category(api, "Inbox")
        category(api, "Reading")
        with client(account) as greader:
            greader.subscribe(serve(feeds, "/new", 2, "New Feed"), folder="Reading")
            (feed,) = api.get("/feeds").json()
            assert feed["feed_url"] == feeds.url("/new")
            assert feed["category"]["title"] == "Reading"

            stream = f"feed/{feed['id']}"
            greader.edit_subscription(stream, title="Renamed", folder="Inbox")
            feed = api.get(f"/feeds/{feed['id']}").json()
            assert (feed["title"], feed["category"]["title"]) == ("Renamed", "Inbox")

            added = greader.quickadd(serve(feeds, "/quick", 1, "Quick"))
            assert added is not None and added.startswith("feed/")
            assert {f["feed_url"] for f in api.get("/feeds").json()} == {
                feeds.url("/new"), feeds.url("/quick")}

            greader.unsubscribe(stream)
            assert [f["feed_url"] for f in api.get("/feeds").json()] == [feeds.url("/quick")]
            with pytest.raises(SyncError, match=r"500 .*\(fetcher: resource not found"):
                greader.quickadd(feeds.url("/nothing-here"))


def test_item_ids_in_every_spelling_are_one_key() -> None:
    assert item_key("tag:google.com,2005:reader/item/00000000148b9369") == str(0x148b9369)
    assert item_key("00000000148b9369") == str(0x148b9369)
    assert item_key("344691561") == "344691561"
    assert item_key("-1") == str(2**64 - 1)


def test_a_wrong_password_is_a_clear_error(account: Account) -> None:
    with GReaderClient(account.url, account.greader[0], "not-the-password") as greader, \
            pytest.raises(SyncAuthError, match="refused the username 'reader"):
        greader.subscriptions()


def test_a_stale_token_logs_in_again_once(account: Account, feeds: FeedServer) -> None:
    with account.api() as api:
        add_feed(api, serve(feeds, "/relog", 2, "Relog"), category(api, "News"))
    with FaultProxy(account.url) as proxy, client(account, proxy.url) as greader:
        assert len(greader.item_ids()) == 2
        # Saving the credentials again on the server makes a new token: the old one is refused.
        enable_google_reader(account)
        logins = proxy.paths.count("/accounts/ClientLogin")
        assert len(greader.item_ids()) == 2
        assert proxy.paths.count("/accounts/ClientLogin") == logins + 1


def test_a_password_changed_on_the_server_stops_with_an_auth_error(account: Account) -> None:
    with client(account) as greader:
        greader.subscriptions()
        enable_google_reader(account, password="a-new-password-2")
        with pytest.raises(SyncAuthError, match="refused"):
            greader.subscriptions()


@pytest.mark.parametrize(("fault", "message"), [
    (503, "server error 503 for /reader/api/0/subscription/list"),
    (502, "server error 502"),
    ("hang", "timed out|stopped answering"),
    ("drop", "sync server 127.0.0.1: "),
])
def test_server_faults_are_one_clear_sync_error(account: Account, fault: int | str,
                                                message: str) -> None:
    with FaultProxy(account.url) as proxy, client(account, proxy.url, timeout=1.0) as greader:
        greader.login()
        proxy.fail = fault
        with pytest.raises(SyncError, match=message) as caught:
            greader.subscriptions()
        assert not isinstance(caught.value, SyncAuthError)
        assert "\n" not in str(caught.value)
        proxy.fail = None
        assert greader.subscriptions() == []  # the same client works again


def test_failing_in_the_middle_of_paging(account: Account, feeds: FeedServer) -> None:
    with account.api() as api:
        add_feed(api, serve(feeds, "/mid", 12, "Mid"), category(api, "News"))
    with FaultProxy(account.url) as proxy, client(account, proxy.url) as greader:
        greader.login()
        proxy.fail, proxy.after = 500, 2  # two pages pass, the third fails
        with pytest.raises(SyncError, match="server error 500"):
            greader.item_ids(page=4)
        proxy.fail = None
        assert len(greader.item_ids(page=4)) == 12


def test_an_unreachable_server(unused_port: int) -> None:
    with GReaderClient(f"http://127.0.0.1:{unused_port}", "u", "p") as greader, \
            pytest.raises(SyncError, match="cannot connect"):
        greader.login()


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
