"""`toaster add/move/remove` on feeds of the sync server, against a real Miniflux.

Each change shows here at once and waits in the subscription outbox; the next
`toaster sync` sends it. Miniflux's REST API is the witness of what the server
has; it fetches the feeds from the tests' loopback servers.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from witness import on_server, serve, subscribe

from clirunner import Cli
from faultproxy import FaultProxy
from feedsamples import make_items, rss2
from feedserver import FeedServer
from miniflux_server import Account
from toaster_tui.config.load import load_config
from toaster_tui.store.database import Store
from toaster_tui.store.sub_outbox import refusals
from toaster_tui.sync.credentials import PASSWORD_ENV
from toaster_tui.sync.engine import run_sync
from toaster_tui.sync.subscriptions import find_server_feed, move_server_feed, remove_server_feed

SYNC = '[settings]\nrefresh_minutes = 0\n\n[sync]\nurl = "{url}"\nusername = "{user}"\n'


def synced_cli(cli: Cli, url: str, account: Account, monkeypatch: pytest.MonkeyPatch) -> Cli:
    cli.config.write_text(SYNC.format(url=url, user=account.greader[0]), encoding="utf-8")
    monkeypatch.setenv(PASSWORD_ENV, account.greader[1])
    return cli


@pytest.fixture
def toaster(cli: Cli, account: Account, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return synced_cli(cli, account.url, account, monkeypatch)


def listed(cli: Cli) -> dict[str, tuple[str, str, int]]:
    """What `toaster feeds` shows: url -> (title, topic, articles)."""
    result = cli("feeds", "--json")
    assert result.code == 0, result.err
    return {f["url"]: (f["title"], f["topic"], f["articles"])
            for f in result.json()}  # type: ignore[union-attr]


def waiting(db: Path) -> list[tuple[str, str]]:
    store = Store(db)
    try:
        return store.db.execute("SELECT action, url FROM sub_outbox ORDER BY id").fetchall()
    finally:
        store.close()


class LateSite:
    """A site on a port where nothing answers until start(): this machine "offline"."""

    def __init__(self, routes: dict[str, tuple[str, bytes]]) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.routes = routes
        self._httpd: ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                kind, body = routes.get(self.path, ("text/plain", b""))
                self.send_response(200 if self.path in routes else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()


def test_add_goes_to_the_server_and_a_sync_subscribes_it(
        toaster: Cli, account: Account, feeds: FeedServer) -> None:
    url = serve(feeds, "/garden", 3, "Garden Notes")
    before = toaster.config.read_text("utf-8")
    added = toaster("add", url, "--topic", "Hobbies")  # [sync] is set: the server by default
    assert added.code == 0, added.err
    assert added.out.startswith(f"added Garden Notes ({url}) to Hobbies on the feed server")
    # Shown here at once, waiting for the sync; config.toml untouched; not yet on the server.
    assert listed(toaster) == {url: ("Garden Notes", "Hobbies", 0)}
    assert waiting(toaster.db) == [("subscribe", url)]
    assert toaster.config.read_text("utf-8") == before
    assert on_server(account) == {}

    result = toaster("sync")
    assert result.code == 0, result.err
    assert result.out.startswith("synced: 1 server feeds, 3 new articles, 1 changes sent")
    assert on_server(account) == {url: "Hobbies"}
    assert listed(toaster) == {url: ("Garden Notes", "Hobbies", 3)}
    assert waiting(toaster.db) == []
    assert toaster.config.read_text("utf-8") == before

    again = toaster("add", url)
    assert again.code == 1 and "already subscribed (from the feed server)" in again.err


def test_local_keeps_it_in_config_toml(toaster: Cli, account: Account,
                                       feeds: FeedServer) -> None:
    url = serve(feeds, "/mine", 2, "Mine")
    added = toaster("add", url, "--local", "--topic", "Local")
    assert added.code == 0 and added.out == f"added Mine ({url}) to Local: 2 articles\n"
    assert url in toaster.config.read_text("utf-8")
    assert toaster("sync").code == 0
    assert on_server(account) == {}
    assert listed(toaster) == {url: ("Mine", "Local", 2)}


def test_server_needs_a_sync_table(cli: Cli, feeds: FeedServer) -> None:
    result = cli("add", serve(feeds, "/x", 1, "X"), "--server")
    assert result.code == 2 and "--server: there is no [sync] table in" in result.err
    with pytest.raises(SystemExit) as exited:
        cli("add", "https://a.example/", "--server", "--local")
    assert exited.value.code == 2


def test_changes_wait_while_the_server_is_unreachable(
        cli: Cli, account: Account, feeds: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    kitchen, old = serve(feeds, "/kitchen", 2, "Kitchen"), serve(feeds, "/old", 1, "Old")
    garden = serve(feeds, "/garden", 2, "Garden")
    with FaultProxy(account.url) as proxy, account.api() as api:
        toaster = synced_cli(cli, proxy.url, account, monkeypatch)
        subscribe(api, kitchen, "Food")
        subscribe(api, old, "News")
        assert toaster("sync").code == 0

        proxy.fail = "drop"  # the server goes away
        assert toaster("add", garden, "--topic", "Hobbies").code == 0
        moved = toaster("move", kitchen, "Cooking")
        assert moved.code == 0 and "the next 'toaster sync' moves it" in moved.out
        removed = toaster("remove", old)
        assert removed.code == 0 and "unsubscribes it on the feed server" in removed.out
        shown = {"Garden": "Hobbies", "Kitchen": "Cooking"}
        assert {t: topic for t, topic, _ in listed(toaster).values()} == shown

        failed = toaster("sync")
        assert failed.code == 1 and failed.err.count("\n") == 1, failed.err
        assert [a for a, _ in waiting(toaster.db)] == ["subscribe", "move", "unsubscribe"]
        assert {t: topic for t, topic, _ in listed(toaster).values()} == shown  # not undone
        assert on_server(account) == {kitchen: "Food", old: "News"}

        proxy.fail = None
        result = toaster("sync")
        assert result.code == 0, result.err
        assert "3 changes sent" in result.out
    assert on_server(account) == {kitchen: "Cooking", garden: "Hobbies"}
    assert listed(toaster) == {kitchen: ("Kitchen", "Cooking", 2), garden: ("Garden", "Hobbies", 2)}
    assert waiting(toaster.db) == []


def test_an_address_added_offline_is_queued_and_found_by_the_server(
        toaster: Cli, account: Account) -> None:
    site = LateSite({})
    page, feed = site.url("/blog/"), site.url("/blog/feed.xml")
    added = toaster("add", page, "--topic", "Books")
    assert added.code == 0, added.err
    assert added.out == (f"queued {page} for the feed server, in Books: it will be added on "
                         "the next sync\n")
    assert "could not check it from here" in added.err and "cannot connect" in added.err
    assert listed(toaster) == {page: (page, "Books", 0)}

    site.routes.update({
        "/blog/": ("text/html", f'<html><head><link rel="alternate" type="application/rss+xml"'
                                f' href="{feed}"></head><body>hi</body></html>'.encode()),
        "/blog/feed.xml": ("application/rss+xml", rss2(make_items("late", 2), title="Late Blog")),
    })
    site.start()
    try:
        result = toaster("sync")
    finally:
        site.stop()
    assert result.code == 0, result.err
    assert on_server(account) == {feed: "Books"}  # the server found the feed on the page
    assert listed(toaster) == {page: ("Late Blog", "Books", 2)}
    assert waiting(toaster.db) == []


def test_a_refused_subscribe_is_reported_and_leaves_the_queue(
        toaster: Cli, account: Account, feeds: FeedServer) -> None:
    checked = serve(feeds, "/soon-gone", 2, "Soon Gone")
    assert toaster("add", checked, "--topic", "News").code == 0
    feeds.route("/soon-gone", status=404)  # gone before the server could fetch it
    nowhere = LateSite({}).url("/feed")  # nothing ever answers there
    assert toaster("add", nowhere).code == 0
    assert len(listed(toaster)) == 2

    result = toaster("sync")
    assert result.code == 1
    lines = result.err.splitlines()
    assert len(lines) == 2, result.err
    assert lines[0].startswith(f"toaster: the server refused to subscribe to {checked}: ")
    assert "404" in lines[0]
    assert lines[1].startswith(f"toaster: the server refused to subscribe to {nowhere}: ")
    assert waiting(toaster.db) == []
    assert listed(toaster) == {} and on_server(account) == {}
    store = Store(toaster.db)
    kept = [r["message"] for r in refusals(store.db)]
    store.close()
    assert [line.removeprefix("toaster: ") for line in lines] == kept

    again = toaster("sync")
    assert again.code == 0 and again.err == ""


def test_move_and_remove_of_unknown_feeds_are_clear_errors(toaster: Cli) -> None:
    result = toaster("move", "https://nowhere.example/feed", "News")
    assert result.code == 1 and "https://nowhere.example/feed" in result.err
    result = toaster("remove", "https://nowhere.example/feed")
    assert result.code == 1 and "https://nowhere.example/feed" in result.err


def test_a_change_made_during_a_sync_survives_its_pull(
        toaster: Cli, account: Account, feeds: FeedServer) -> None:
    kitchen, old = serve(feeds, "/kitchen", 2, "Kitchen"), serve(feeds, "/old", 1, "Old")
    with account.api() as api:
        subscribe(api, kitchen, "Food")
        subscribe(api, old, "News")
    assert toaster("sync").code == 0
    store = Store(toaster.db)
    store.set_read([store.db.execute("SELECT min(id) FROM articles").fetchone()[0]])
    store.close()
    spec = load_config(toaster.config).sync
    assert spec is not None
    made: list[str] = []

    def meanwhile(step: str) -> None:
        # Between the push and the pull, as `t` and `d` in the app may be pressed.
        if step.startswith("pushed") and not made:
            for url, change in ((kitchen, "move"), (old, "remove")):
                feed = find_server_feed(toaster.db, url)
                assert feed is not None
                if change == "move":
                    move_server_feed(toaster.db, feed.id, "Cooking")
                else:
                    remove_server_feed(toaster.db, feed.id)
                made.append(change)

    run_sync(toaster.db, spec, account.greader[1], progress=meanwhile)
    assert made == ["move", "remove"]
    assert listed(toaster) == {kitchen: ("Kitchen", "Cooking", 2)}  # the pull undid nothing
    assert on_server(account) == {kitchen: "Food", old: "News"}
    assert toaster("sync").code == 0
    assert on_server(account) == {kitchen: "Cooking"}
    assert listed(toaster) == {kitchen: ("Kitchen", "Cooking", 2)}


def test_a_server_fault_while_sending_keeps_the_change(
        cli: Cli, account: Account, feeds: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    garden = serve(feeds, "/garden", 2, "Garden")
    with FaultProxy(account.url) as proxy:
        toaster = synced_cli(cli, proxy.url, account, monkeypatch)
        assert toaster("add", garden, "--topic", "Hobbies").code == 0
        proxy.fail, proxy.only = 503, "/subscription/edit"  # login and the list pass
        failed = toaster("sync")
        assert failed.code == 1 and "server error 503" in failed.err
        assert "refused" not in failed.err
        assert waiting(toaster.db) == [("subscribe", garden)]
        assert listed(toaster) == {garden: ("Garden", "Hobbies", 0)}
        proxy.fail = None
        assert toaster("sync").code == 0
    assert on_server(account) == {garden: "Hobbies"}
    assert listed(toaster) == {garden: ("Garden", "Hobbies", 2)}


def test_sending_again_what_the_server_has_already_is_harmless(
        toaster: Cli, account: Account, feeds: FeedServer) -> None:
    """An answer lost on the way: the server subscribed, this side never heard."""
    garden = serve(feeds, "/garden", 2, "Garden")
    assert toaster("add", garden, "--topic", "Hobbies").code == 0
    with account.api() as api:
        subscribe(api, garden, "Inbox")
    result = toaster("sync")
    assert result.code == 0 and result.err == ""
    assert on_server(account) == {garden: "Hobbies"}  # put in the folder asked for
    assert listed(toaster) == {garden: ("Garden", "Hobbies", 2)}  # one feed, not two
