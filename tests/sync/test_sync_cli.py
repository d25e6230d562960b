"""`toaster sync` against a real Miniflux, its REST API as the witness.

Miniflux fetches the feeds from the tests' loopback server; toaster sees them
only through the Google Reader API. Local read/star changes are made with the
Store methods the app uses, so they go through the outbox.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from witness import serve, server_entries, subscribe

from clirunner import Cli
from faultproxy import FaultProxy
from feedserver import FeedServer
from miniflux_server import Account
from toaster_tui.store.database import Store
from toaster_tui.sync.credentials import PASSWORD_ENV


def synced_cli(cli: Cli, url: str, user: str, monkeypatch: pytest.MonkeyPatch,
               password: str, local: str = "") -> Cli:
    cli.config.write_text(f'[settings]\nrefresh_minutes = 0\n\n[sync]\nservice = "greader"\n'
                          f'url = "{url}"\nusername = "{user}"\n{local}', encoding="utf-8")
    monkeypatch.setenv(PASSWORD_ENV, password)
    return cli


@pytest.fixture
def toaster(cli: Cli, account: Account, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return synced_cli(cli, account.url, account.greader[0], monkeypatch, account.greader[1])


def articles(cli: Cli) -> dict[str, dict[str, Any]]:
    result = cli("articles", "--json", "--limit", "1000")
    assert result.code == 0, result.err
    return {a["title"]: a for a in result.json()}  # type: ignore[union-attr]


def outbox(db: Path) -> list[tuple[str, str, int]]:
    store = Store(db)
    try:
        return store.db.execute("SELECT server_id, field, value FROM outbox").fetchall()
    finally:
        store.close()


def test_first_sync_brings_feeds_topics_articles_and_state(
        toaster: Cli, account: Account, feeds: FeedServer) -> None:
    with account.api() as api:
        subscribe(api, serve(feeds, "/garden", 5, "Garden Notes"), "Hobbies")
        subscribe(api, serve(feeds, "/kitchen", 3, "Kitchen"), "Food")
        seen = server_entries(api)
        api.put("/entries", json={"entry_ids": [seen["Garden story 1"]["id"]],
                                  "status": "read"}).raise_for_status()
        api.put(f"/entries/{seen['Kitchen story 2']['id']}/bookmark").raise_for_status()

    result = toaster("sync")
    assert result.code == 0, result.err
    assert result.out.startswith("synced: 2 server feeds, 8 new articles, 0 changes sent")

    listed = toaster("feeds", "--json").json()
    assert sorted((f["title"], f["topic"], f["articles"], f["unread"]) for f in listed) == [
        ("Garden Notes", "Hobbies", 5, 4), ("Kitchen", "Food", 3, 3)]
    local = articles(toaster)
    assert len(local) == 8
    assert local["Garden story 1"]["read"] and not local["Garden story 0"]["read"]
    assert local["Kitchen story 2"]["starred"]
    assert sum(a["starred"] for a in local.values()) == 1
    # The same extraction as a fetched feed: text for search, a reading time.
    shown = toaster("show", str(local["Garden story 3"]["id"]))
    assert "compost number 3" in shown.out
    found = toaster("articles", "--search", "compost", "--json").json()
    assert len(found) == 8  # type: ignore[arg-type]

    again = toaster("sync")
    assert again.out.startswith("synced: 2 server feeds, 0 new articles, 0 changes sent, "
                                "0 read/star updates")


def test_local_changes_reach_the_server(toaster: Cli, account: Account,
                                        feeds: FeedServer) -> None:
    with account.api() as api:
        subscribe(api, serve(feeds, "/local", 4, "Local"), "News")
        assert toaster("sync").code == 0
        local = articles(toaster)
        store = Store(toaster.db)
        store.set_read([local["Local story 0"]["id"], local["Local story 1"]["id"]])
        store.set_starred(local["Local story 2"]["id"], True)
        store.set_read([local["Local story 1"]["id"]], False)  # the newer change replaces
        store.close()
        assert len(outbox(toaster.db)) == 3

        result = toaster("sync")
        assert result.code == 0, result.err
        assert "3 changes sent" in result.out
        assert outbox(toaster.db) == []
        witness = server_entries(api)
    assert {t for t, e in witness.items() if e["status"] == "read"} == {"Local story 0"}
    assert {t for t, e in witness.items() if e["starred"]} == {"Local story 2"}


def test_mark_all_read_goes_out_too(toaster: Cli, account: Account, feeds: FeedServer) -> None:
    with account.api() as api:
        subscribe(api, serve(feeds, "/all", 6, "All"), "News")
        assert toaster("sync").code == 0
        store = Store(toaster.db)
        assert store.mark_all_read(topic="News") == 6
        store.close()
        assert toaster("sync").code == 0
        assert all(e["status"] == "read" for e in server_entries(api).values())


def test_server_changes_reach_toaster(toaster: Cli, account: Account,
                                      feeds: FeedServer) -> None:
    with account.api() as api:
        feed_id = subscribe(api, serve(feeds, "/remote", 3, "Remote"), "News")
        assert toaster("sync").code == 0
        seen = server_entries(api)
        api.put("/entries", json={"entry_ids": [seen["Remote story 0"]["id"]],
                                  "status": "read"}).raise_for_status()
        api.put(f"/entries/{seen['Remote story 1']['id']}/bookmark").raise_for_status()
        # New items on the server: the feed grows and Miniflux refreshes it.
        serve(feeds, "/remote", 5, "Remote")
        api.put(f"/feeds/{feed_id}/refresh").raise_for_status()
        assert len(server_entries(api)) == 5

    result = toaster("sync")
    assert "2 new articles" in result.out and "2 read/star updates" in result.out
    local = articles(toaster)
    assert local["Remote story 0"]["read"] and local["Remote story 1"]["starred"]
    assert {t for t, a in local.items() if not a["read"]} == {
        "Remote story 1", "Remote story 2", "Remote story 3", "Remote story 4"}


def test_a_conflict_ends_as_changed_here(toaster: Cli, account: Account,
                                         feeds: FeedServer) -> None:
    """Changed on both sides since the last sync: the local change wins (it is
    pushed before the server's state is read); different fields both apply."""
    with account.api() as api:
        subscribe(api, serve(feeds, "/both", 2, "Both"), "News")
        assert toaster("sync").code == 0
        seen, local = server_entries(api), articles(toaster)
        # Story 0: read here; on the server read, then unread again.
        store = Store(toaster.db)
        store.set_read([local["Both story 0"]["id"]])
        store.set_starred(local["Both story 1"]["id"], True)
        store.close()
        zero, one = seen["Both story 0"]["id"], seen["Both story 1"]["id"]
        for ids, status in (([zero, one], "read"), ([zero], "unread")):
            api.put("/entries", json={"entry_ids": ids, "status": status}).raise_for_status()
        assert toaster("sync").code == 0
        witness = server_entries(api)
    local = articles(toaster)
    for title, read, starred in (("Both story 0", True, False), ("Both story 1", True, True)):
        assert (local[title]["read"], local[title]["starred"]) == (read, starred)
        assert (witness[title]["status"] == "read", witness[title]["starred"]) == (read, starred)


def test_server_and_local_feeds_live_side_by_side(
        toaster: Cli, account: Account, feeds: FeedServer) -> None:
    local_url = serve(feeds, "/mine", 2, "Mine")
    toaster.config.write_text(toaster.config.read_text("utf-8") + f'\n[[feeds]]\nurl = '
                              f'"{local_url}"\ntopic = "Local"\n', encoding="utf-8")
    with account.api() as api:
        gone = subscribe(api, serve(feeds, "/theirs", 2, "Theirs"), "News")
        subscribe(api, local_url, "News")  # the same URL, also on the server
        assert toaster("refresh").code == 0
        assert toaster("sync").code == 0
        titles = sorted((f["title"], f["topic"]) for f in toaster("feeds", "--json").json())
        assert titles == [("Mine", "Local"), ("Mine", "News"), ("Theirs", "News")]
        assert toaster("refresh").code == 0  # a refresh leaves the server feeds alone
        assert len(toaster("feeds", "--json").json()) == 3  # type: ignore[arg-type]

        api.delete(f"/feeds/{gone}").raise_for_status()
    assert toaster("sync").code == 0
    titles = sorted((f["title"], f["topic"]) for f in toaster("feeds", "--json").json())
    assert titles == [("Mine", "Local"), ("Mine", "News")]


def test_a_server_failing_mid_sync_loses_nothing(
        cli: Cli, account: Account, feeds: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with account.api() as api, FaultProxy(account.url) as proxy:
        toaster = synced_cli(cli, proxy.url, account.greader[0], monkeypatch, account.greader[1])
        subscribe(api, serve(feeds, "/flaky", 4, "Flaky"), "News")
        assert toaster("sync").code == 0
        local = articles(toaster)
        store = Store(toaster.db)
        store.set_read([local["Flaky story 0"]["id"]])
        store.set_starred(local["Flaky story 1"]["id"], True)
        store.close()

        # Login, token and the first push pass; the second push gets a 502.
        proxy.fail, proxy.after = 502, 3
        failed = toaster("sync")
        assert failed.code == 1
        assert failed.err.count("\n") == 1 and "server error 502" in failed.err
        assert len(outbox(toaster.db)) == 1  # what was sent is out, the rest waits
        after = articles(toaster)
        assert after["Flaky story 0"]["read"] and after["Flaky story 1"]["starred"]

        proxy.fail = None
        assert toaster("sync").code == 0
        assert outbox(toaster.db) == []
        witness = server_entries(api)
    assert witness["Flaky story 0"]["status"] == "read" and witness["Flaky story 1"]["starred"]


def test_sync_without_a_sync_table_or_a_password(cli: Cli,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    result = cli("sync")
    assert result.code == 2 and "no [sync] table in" in result.err
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    cli.config.write_text('[sync]\nurl = "http://127.0.0.1:9"\nusername = "u"\n', "utf-8")
    result = cli("sync")
    assert result.code == 1 and "no sync password" in result.err


def test_a_sync_killed_in_the_middle_loses_nothing(
        cli: Cli, account: Account, feeds: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with account.api() as api, FaultProxy(account.url) as proxy:
        toaster = synced_cli(cli, proxy.url, account.greader[0], monkeypatch, account.greader[1])
        feed_id = subscribe(api, serve(feeds, "/big", 10, "Big"), "News")
        assert toaster("sync").code == 0
        local = articles(toaster)
        store = Store(toaster.db)
        store.set_read([local["Big story 0"]["id"]])
        store.set_starred(local["Big story 1"]["id"], True)
        store.close()
        serve(feeds, "/big", 250, "Big")  # 240 new: three batches of contents
        api.put(f"/feeds/{feed_id}/refresh").raise_for_status()

        # The second batch of contents hangs; the sync is killed while it waits.
        proxy.fail, proxy.only, proxy.after = "hang", "/stream/items/contents", 1
        proc = subprocess.Popen(
            [sys.executable, "-m", "toaster_tui", "sync", "--config", str(toaster.config),
             "--db", str(toaster.db)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert proxy.hung.wait(60), "the sync never reached its second batch"
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        proxy.fail = None

        store = Store(toaster.db)
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = store.db.execute("SELECT count(*), count(server_id) FROM articles").fetchone()
        store.close()
        assert stored == (110, 110)  # the first batch is in, whole
        assert outbox(toaster.db) == []  # pushed before the kill
        local = articles(toaster)
        assert local["Big story 0"]["read"] and local["Big story 1"]["starred"]

        result = toaster("sync")
        assert result.code == 0, result.err
        assert "140 new articles" in result.out
        witness = server_entries(api)
    local = articles(toaster)
    assert len(local) == len(witness) == 250
    assert {t for t, a in local.items() if a["read"]} == {
        t for t, e in witness.items() if e["status"] == "read"} == {"Big story 0"}
    assert {t for t, a in local.items() if a["starred"]} == {"Big story 1"}
