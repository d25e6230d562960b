"""The app's `a`, `t` and `d` with a [sync] table, against a real Miniflux.

`a` asks where a new feed goes; a feed for the server, a move and a removal of
a server feed show at once and reach the server with the next sync (run here
by `toaster sync`). Miniflux's REST API is the witness.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioButton
from witness import on_server, serve

from clirunner import Cli
from feedserver import FeedServer
from miniflux_server import Account
from pilot_helpers import screen_text, wait_until
from toaster_tui.app.app import ToasterApp
from toaster_tui.app.screens.add_feed import AddFeedDialog
from toaster_tui.app.widgets.sidebar import Sidebar
from toaster_tui.config.load import load_config
from toaster_tui.sync.credentials import PASSWORD_ENV

SIZE = (140, 44)


async def settle(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, ToasterApp)
    for _ in range(200):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.config_read and not any(w.is_running for w in app.workers) \
                and not app.main.articles.waiting:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the app did not settle")


def topics(app: ToasterApp) -> list[str]:
    return [n.data.title for n in app.query_one(Sidebar).root.children if n.data]


def notices(app: ToasterApp) -> str:
    return " ".join(str(n.message) for n in app._notifications)


async def add(pilot: Pilot[Any], app: ToasterApp, url: str, topic: str,
              where: str | None) -> AddFeedDialog:
    await pilot.press("a")
    await wait_until(pilot, lambda: isinstance(app.screen, AddFeedDialog), what="the dialog")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, AddFeedDialog)
    dialog.query_one("#add-url", Input).value = url
    dialog.query_one("#add-topic", Input).value = topic
    if where is not None:
        await pilot.click(f"#add-{where}")
    return dialog


@pytest.fixture
def toaster(cli: Cli, account: Account, monkeypatch: pytest.MonkeyPatch) -> Cli:
    cli.config.write_text(f'# mine\n[settings]\nrefresh_minutes = 0\n\n[sync]\n'
                          f'url = "{account.url}"\nusername = "{account.greader[0]}"\n',
                          encoding="utf-8")
    monkeypatch.setenv(PASSWORD_ENV, account.greader[1])
    return cli


async def test_a_asks_where_and_d_removes_a_server_feed_on_the_server(
        toaster: Cli, account: Account, feeds: FeedServer) -> None:
    kitchen = serve(feeds, "/kitchen", 2, "Kitchen")
    garden, mine = serve(feeds, "/garden", 3, "Garden"), serve(feeds, "/mine", 1, "Mine")
    with account.api() as api:
        food = api.post("/categories", json={"title": "Food"}).json()["id"]
        api.post("/feeds", json={"feed_url": kitchen, "category_id": food}).raise_for_status()
    assert toaster("sync").code == 0

    app = ToasterApp(toaster.config, toaster.db, now=lambda: datetime(2026, 11, 25, tzinfo=UTC))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert topics(app) == ["All Topics", "Food", "Starred"]

        # `a` asks where: the feed server (its host named) is chosen unless you pick here.
        dialog = await add(pilot, app, garden, "Hobbies", None)
        text = screen_text(app)
        assert "The feed server, 127.0.0.1" in text
        assert "This machine only, in config.toml" in text
        assert dialog.query_one("#add-server", RadioButton).value
        await pilot.click("#add-ok")
        await wait_until(pilot, lambda: not isinstance(app.screen, AddFeedDialog),
                         what="the dialog to close")
        await settle(pilot)
        assert "Added Garden to Hobbies for the feed server" in notices(app)
        assert "Hobbies" in topics(app)  # shown at once, before any sync

        # The other choice writes config.toml, as without [sync].
        await add(pilot, app, mine, "Local", "local")
        await pilot.click("#add-ok")
        await wait_until(pilot, lambda: not isinstance(app.screen, AddFeedDialog),
                         what="the dialog to close")
        await wait_until(pilot, lambda: "Local" in topics(app), what="the local feed")
        await settle(pilot)

        # `t` on a Kitchen article moves it here at once (the server's folder at the sync).
        sidebar = app.query_one(Sidebar)
        assert sidebar.select_key(("topic", "Food"))
        await settle(pilot)
        app.main.articles.focus()
        await pilot.press("t")
        await wait_until(pilot, lambda: "Move to topic" in screen_text(app), what="the dialog")
        await pilot.press(*"Cooking", "enter")
        await wait_until(pilot, lambda: "Cooking" in topics(app), what="the move")
        assert "Food" not in topics(app)
        assert "the next sync moves it on the feed server" in notices(app)
        await settle(pilot)

        # `d` on it: the question says where, the feed goes at once.
        assert sidebar.select_key(("topic", "Cooking"))
        await settle(pilot)
        app.main.articles.focus()
        await pilot.press("d")
        await wait_until(pilot, lambda: "Unsubscribe from Kitchen on the feed server?"
                         in screen_text(app), what="the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: "Cooking" not in topics(app), what="the removal")
        assert "the next sync unsubscribes it on the feed server" in notices(app)
        await settle(pilot)

    config = load_config(toaster.config)
    assert [(f.url, f.topic) for f in config.feeds] == [(mine, "Local")]
    assert on_server(account) == {kitchen: "Food"}  # nothing sent yet
    result = toaster("sync")
    assert result.code == 0, result.err
    assert on_server(account) == {garden: "Hobbies"}
    listed = {f["url"]: (f["topic"], f["articles"])
              for f in toaster("feeds", "--json").json()}  # type: ignore[union-attr]
    assert listed == {garden: ("Hobbies", 3), mine: ("Local", 1)}
