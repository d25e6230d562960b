"""The app and the feed server: `S`, the background sync, the status line and the
sidebar's server feeds, against the real Miniflux (its REST API as the witness)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Label
from witness import serve, server_entries, subscribe

from faultproxy import FaultProxy
from feedserver import FeedServer
from miniflux_server import Account
from pilot_helpers import screen_text, wait_until
from toaster_tui.app.app import ToasterApp
from toaster_tui.app.screens.help import HelpScreen
from toaster_tui.store.database import Store
from toaster_tui.store.sub_outbox import queue_subscribe
from toaster_tui.store.synced import write_state
from toaster_tui.sync.credentials import PASSWORD_ENV

SIZE = (140, 44)
LOGIN = "/accounts/ClientLogin"


def sync_config(tmp_path: Path, url: str | None, user: str = "reader", *,
                refresh_minutes: int = 0, feeds: str = "", more: str = "") -> tuple[Path, Path]:
    config = tmp_path / "config.toml"
    text = f"[settings]\nrefresh_minutes = {refresh_minutes}\n\n"
    if url is not None:
        text += f'[sync]\nurl = "{url}"\nusername = "{user}"\n{more}\n'
    config.write_text(text + feeds, encoding="utf-8")
    return config, tmp_path / "toaster.db"


def local_feed(url: str, topic: str) -> str:
    return f'[[feeds]]\nurl = "{url}"\ntopic = "{topic}"\n'


def app_for(config: Path, db: Path, **kwargs: Any) -> ToasterApp:
    Store(db).close()  # as `toaster` does before the screen takes over
    return ToasterApp(config, db, now=lambda: datetime.now(UTC), **kwargs)


def status(app: ToasterApp) -> str:
    return str(app.main.query_one("#status-text", Label).content)


def told(app: ToasterApp) -> str:
    return " ".join(str(n.message) for n in app._notifications)


def dead_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def synced(pilot: Pilot[Any], app: ToasterApp) -> None:
    await wait_until(pilot, lambda: "synced just now" in status(app) and not app.syncer.running,
                     timeout=60, what="the sync to end well")


async def sync_now(pilot: Pilot[Any], app: ToasterApp) -> None:
    await wait_until(pilot, lambda: app.config.sync is not None and app.main.sidebar_data
                     is not None, what="config.toml and the counts")
    await pilot.press("S")
    await synced(pilot, app)


@pytest.fixture
def password(account: Account, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(PASSWORD_ENV, account.greader[1])
    return account.greader[1]


async def test_s_brings_the_server_feeds_into_the_sidebar_marked(
        tmp_path: Path, account: Account, password: str, server: FeedServer) -> None:
    mine = serve(server, "/mine", 2, "Mine")
    with account.api() as api:
        subscribe(api, serve(server, "/garden", 5, "Garden Notes"), "Hobbies")
    config, db = sync_config(tmp_path, account.url, account.greader[0],
                             feeds=local_feed(mine, "Local"))
    app = app_for(config, db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: status(app) == " 0 unread · 1 feed · not synced yet")
        await pilot.press("S")
        await synced(pilot, app)
        assert status(app) == " 5 unread · 2 feeds · synced just now"
        assert app.main.status.refresh_text == "Synced: 5 new "
        sidebar = app.main.sidebar
        await wait_until(pilot, lambda: sidebar.find(("topic", "Hobbies")) is not None)
        for topic in ("Hobbies", "Local"):
            node = sidebar.find(("topic", topic))
            assert node is not None
            node.expand()
        await pilot.pause()
        lines = screen_text(app).splitlines()
        topics = [line.split("│")[1] for line in lines if line.startswith("│")]
        garden = next(line for line in topics if "Garden Notes" in line)
        local = next(line for line in topics if "/mine" in line)  # never fetched: its address
        assert garden.split() == ["└", "Garden", "Notes", "↕", "5"]
        assert "↕" not in local
        assert any("Garden story 0" in line for line in lines)  # the list shows them too

        # `r` on the server's topic fetches nothing here: the server feeds come with S.
        sidebar.select_key(("topic", "Hobbies"))
        await pilot.pause()
        await pilot.press("r")
        assert "press S" in told(app) and not app.refreshing


async def test_a_change_made_offline_waits_then_reaches_the_server(
        tmp_path: Path, account: Account, password: str, server: FeedServer) -> None:
    with account.api() as api:
        subscribe(api, serve(server, "/walk", 3, "Walks"), "Outdoors")
        config, db = sync_config(tmp_path, account.url, account.greader[0])
        online = config.read_text("utf-8")
        app = app_for(config, db, config_check_seconds=0.1)
        async with app.run_test(size=SIZE) as pilot:
            await sync_now(pilot, app)
            # Offline: the server's address leads nowhere now.
            port = dead_port()
            config.write_text(online.replace(account.url, f"http://127.0.0.1:{port}"), "utf-8")
            await wait_until(pilot, lambda: app.config.sync is not None
                             and str(port) in app.config.sync.url, what="the new config")
            await wait_until(pilot, lambda: bool(app.main.articles.rows))
            await pilot.press("enter")  # reads the first article (marks it read)
            await wait_until(pilot, lambda: app.main.reader.row is not None)
            read = app.main.reader.row
            assert read is not None
            await wait_until(pilot, lambda: "1 change waiting" in status(app),
                             what="the change counted")
            assert status(app) == " 2 unread · 1 feed · synced just now · 1 change waiting"

            await pilot.press("S")
            await wait_until(pilot, lambda: "sync failed" in status(app), timeout=60)
            assert status(app).startswith(
                " 2 unread · 1 feed · 1 change waiting · sync failed: sync server 127.0.0.1: "
                "cannot connect")
            assert app.main.status.refresh_text == "Sync failed "
            assert "Sync failed: sync server" in told(app)
            assert server_entries(api)[read.title]["status"] == "unread"

            # Back online: S sends the change.
            config.write_text(online, "utf-8")
            await wait_until(pilot, lambda: app.config.sync is not None
                             and app.config.sync.url == account.url, what="the config back")
            await pilot.press("S")
            await synced(pilot, app)
            await wait_until(pilot, lambda: "waiting" not in status(app))
            assert status(app) == " 2 unread · 1 feed · synced just now"
        witness = server_entries(api)
    assert {t for t, e in witness.items() if e["status"] == "read"} == {read.title}


async def test_a_failing_server_is_one_line_and_the_app_keeps_working(
        tmp_path: Path, account: Account, password: str, server: FeedServer) -> None:
    with account.api() as api, FaultProxy(account.url) as proxy:
        subscribe(api, serve(server, "/flaky", 4, "Flaky"), "News")
        config, db = sync_config(tmp_path, proxy.url, account.greader[0])
        app = app_for(config, db)
        async with app.run_test(size=SIZE) as pilot:
            await sync_now(pilot, app)
            await wait_until(pilot, lambda: bool(app.main.articles.rows))
            proxy.fail = 502
            await pilot.press("s")  # star the first article
            await wait_until(pilot, lambda: "1 change waiting" in status(app))
            await pilot.press("S")
            await wait_until(pilot, lambda: "sync failed" in status(app), timeout=60)
            assert status(app).startswith(
                " 4 unread · 1 feed · 1 change waiting · sync failed: sync server 127.0.0.1: "
                "server error 502")

            # The app carries on: n opens an article (read: one more change waiting).
            await pilot.press("n")
            await wait_until(pilot, lambda: app.main.reader.row is not None)
            await wait_until(pilot, lambda: "2 changes waiting" in status(app))
            opened = app.main.reader.row
            assert opened is not None and opened.title in screen_text(app)
            starred = app.main.articles.rows[0].title

            proxy.fail = None
            await pilot.press("S")
            await synced(pilot, app)
            assert status(app) == " 3 unread · 1 feed · synced just now"
        witness = server_entries(api)
    assert {t for t, e in witness.items() if e["starred"]} == {starred}
    assert {t for t, e in witness.items() if e["status"] == "read"} == {opened.title}


class HoldingProxy(FaultProxy):
    """Holds the subscription list until `release` is set: a sync stays in flight."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.release = threading.Event()
        self.holding = threading.Event()

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        if "/subscription/list" in req.path:
            self.holding.set()
            self.release.wait(60)
        super()._handle(req)


async def test_keys_are_handled_while_a_sync_is_in_flight(
        tmp_path: Path, account: Account, password: str, server: FeedServer) -> None:
    with account.api() as api, HoldingProxy(account.url) as proxy:
        subscribe(api, serve(server, "/slow", 3, "Slow"), "News")
        config, db = sync_config(tmp_path, proxy.url, account.greader[0])
        app = app_for(config, db)
        async with app.run_test(size=SIZE) as pilot:
            # config.toml is read in the background: S before it is loaded has no [sync].
            await wait_until(pilot, lambda: app.config.sync is not None
                             and app.main.sidebar_data is not None)
            try:
                await pilot.press("S")
                assert await asyncio.to_thread(proxy.holding.wait, 30), \
                    f"no sync reached it: {told(app)} {proxy.paths}"
                await wait_until(pilot, lambda: app.main.status.refresh_text == "Syncing… ")
                # The sync waits on the server; keys do not wait for it.
                started = time.monotonic()
                await pilot.press("question_mark")
                assert isinstance(app.screen, HelpScreen)
                await pilot.press("escape")
                await pilot.press("u")
                assert "Unread articles only." in told(app)
                assert time.monotonic() - started < 5
                # Never two syncs at once.
                await pilot.press("S")
                assert "A sync is already running." in told(app)
                assert app.start_sync(auto=False) is False
                assert app.syncer.running
            finally:
                proxy.release.set()
            await synced(pilot, app)
            assert status(app) == " 3 unread · 1 feed · synced just now"
        assert proxy.paths.count(LOGIN) == 1


async def test_the_automatic_refresh_syncs_after_the_local_feeds(
        tmp_path: Path, account: Account, password: str, server: FeedServer) -> None:
    mine = serve(server, "/mine", 2, "Mine")
    with account.api() as api, FaultProxy(account.url) as proxy:
        feed_id = subscribe(api, serve(server, "/news", 2, "World News"), "World")
        config, db = sync_config(tmp_path, proxy.url, account.greader[0], refresh_minutes=30,
                                 feeds=local_feed(mine, "Local"))
        app = app_for(config, db)
        async with app.run_test(size=SIZE) as pilot:
            # At start: the local feed is due (never fetched), then the server's turn.
            await synced(pilot, app)
            assert app.refresh_count == 1
            assert status(app) == " 4 unread · 2 feeds · synced just now"
            logins = proxy.paths.count(LOGIN)

            # The timer's next tick: nothing due, neither the feed nor the sync.
            app.start_refresh(None, due_only=True, quiet=True)
            await wait_until(pilot, lambda: not app.refreshing and not app.syncer.running)
            await pilot.pause(0.3)
            assert proxy.paths.count(LOGIN) == logins

            # Half an hour on (as the cache remembers it), with news on the server.
            serve(server, "/news", 4, "World News")
            api.put(f"/feeds/{feed_id}/refresh").raise_for_status()
            store = Store(db)
            with store.transaction():
                write_state(store.db, {"last_sync": str(int(time.time()) - 31 * 60)})
            store.close()
            app.start_refresh(None, due_only=True, quiet=True)
            await wait_until(pilot, lambda: proxy.paths.count(LOGIN) > logins,
                             what="the tick's sync")
            await synced(pilot, app)
            await wait_until(pilot, lambda: "6 unread" in status(app))
            assert any("News story 3" in line for line in screen_text(app).splitlines())


async def test_s_without_a_sync_table_says_how_to_set_one_up(tmp_path: Path) -> None:
    config, db = sync_config(tmp_path, None)
    app = app_for(config, db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main.sidebar_data is not None and app.config_read)
        await pilot.press("S")
        await pilot.pause()
        notes = [str(n.message) for n in app._notifications]
        assert notes == ["No feed server set up: add a [sync] table (url, username, "
                         "password_command) to config.toml; the README's Sync section says how."]
        assert not app.syncer.running
        assert "sync" not in status(app)


async def test_a_failing_password_command_is_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    config, db = sync_config(tmp_path, f"http://127.0.0.1:{dead_port()}",
                             more='password_command = ["sh", "-c", "echo locked >&2; exit 3"]')
    app = app_for(config, db)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main.sidebar_data is not None and app.config_read)
        await pilot.press("S")
        await wait_until(pilot, lambda: "sync failed" in status(app))
        assert status(app) == (" 0 unread · 0 feeds · sync failed: password_command 'sh' "
                               "failed (exit 3): locked")
        assert "Sync failed: password_command 'sh' failed (exit 3): locked" in told(app)
        await pilot.press("u")  # still at the keys
        assert "Unread articles only." in told(app)


async def test_a_refused_subscribe_is_told_in_the_app(
        tmp_path: Path, account: Account, password: str, server: FeedServer) -> None:
    gone = serve(server, "/soon-gone", 2, "Soon Gone")
    config, db = sync_config(tmp_path, account.url, account.greader[0])
    store = Store(db)
    with store.transaction():
        queue_subscribe(store.db, gone, "News", None, True, int(time.time()))
    store.close()
    server.route("/soon-gone", status=404)  # gone before the server could fetch it
    app = app_for(config, db)
    async with app.run_test(size=SIZE) as pilot:
        await sync_now(pilot, app)
        await wait_until(pilot, lambda: "refused to subscribe" in told(app),
                         what="the refusal told")
        assert f"the server refused to subscribe to {gone}: " in told(app)
        assert "404" in told(app)
        assert status(app) == " 0 unread · 0 feeds · synced just now"
