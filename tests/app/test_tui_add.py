"""`a`: the add-feed dialog against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input
from tui_helpers import (
    Library,
    StaticServer,
    make_app,
    rss,
    screen_text,
    settle,
    wait_until,
    write_library,
)

from toaster_tui.app.screens.add_feed import AddFeedDialog
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.sidebar import Sidebar
from toaster_tui.config.load import load_config

SIZE = (140, 44)


def page(feed_href: str) -> str:
    return (f'<!doctype html><html><head><title>A blog</title>'
            f'<link rel="alternate" type="application/rss+xml" href="{feed_href}">'
            f"</head><body><p>Hello</p></body></html>")


async def open_dialog(pilot: object, app: object) -> AddFeedDialog:
    await pilot.press("a")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, AddFeedDialog),  # type: ignore
                     what="the dialog")
    await pilot.pause()  # type: ignore[attr-defined]
    return app.screen  # type: ignore[attr-defined, no-any-return]


async def type_into(pilot: object, dialog: AddFeedDialog, field: str, text: str) -> None:
    box = dialog.query_one(f"#{field}", Input)
    box.focus()
    box.value = ""
    await pilot.press(*text)  # type: ignore[attr-defined]


async def test_add_discovers_the_feed_from_a_web_page(library: Library,
                                                      feed_server: StaticServer) -> None:
    (feed_server.root / "blog").mkdir()
    feed_url = feed_server.put("blog/feed.xml", rss("Small Blog", [
        ("Hello from the small blog", "https://b.example.test/1", "24 Nov 2026 10:00:00 GMT"),
    ]))
    page_url = feed_server.put("blog/index.html", page("feed.xml"))
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_dialog(pilot, app)
        text = screen_text(app)
        assert "Add a feed" in text and "Topic" in text
        await type_into(pilot, dialog, "add-url", page_url)
        await type_into(pilot, dialog, "add-topic", "Books")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AddFeedDialog),
                         what="the dialog to close")
        await wait_until(pilot, lambda: app.refresh_count == 1, what="the first refresh")
        await settle(pilot)
        config = load_config(library.config_path)
        assert (feed_url, "Books") in {(f.url, f.topic) for f in config.feeds}
        assert "# written by the tests" in library.config_path.read_text()
        assert "Added Small Blog to Books." in " ".join(
            str(n.message) for n in app._notifications)
        topics = [n.data.title for n in app.query_one(Sidebar).root.children if n.data]
        assert "Books" in topics
        # The new feed is selected and its article listed.
        assert [r.title for r in app.query_one(ArticleList).rows] == [
            "Hello from the small blog"]
        assert "Small Blog" in screen_text(app)


async def test_add_validates_before_fetching(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_dialog(pilot, app)
        await pilot.press("enter")  # nothing typed: Enter moves on, then submits
        await pilot.press("enter")
        await pilot.pause()
        assert "Type the address of a feed or of a web page." in screen_text(app)
        await type_into(pilot, dialog, "add-url", "ftp://example.org/feed")
        await pilot.press("enter")
        await pilot.pause()
        assert "not a web address" in screen_text(app)
        await type_into(pilot, dialog, "add-url", "https://quiet.example.test/feed.xml")
        await pilot.press("enter")
        await pilot.pause()
        assert "Already subscribed: https://quiet.example.test/feed.xml" in screen_text(app)
        assert isinstance(app.screen, AddFeedDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AddFeedDialog)
        assert len(load_config(library.config_path).feeds) == 3


async def test_add_reports_a_fetch_failure_and_stays_open(
        library: Library, feed_server: StaticServer) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_dialog(pilot, app)
        await type_into(pilot, dialog, "add-url", feed_server.url("nothing-here.xml"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: "404" in screen_text(app), what="the failure")
        assert isinstance(app.screen, AddFeedDialog)
        assert not dialog.query_one("#add-url", Input).disabled  # ready for another try
        feed_server.put("page.html", "<html><head><title>x</title></head></html>")
        await type_into(pilot, dialog, "add-url", feed_server.url("page.html"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: "no feed found on this page" in screen_text(app),
                         what="the discovery failure")
        assert len(load_config(library.config_path).feeds) == 3


async def test_add_is_off_in_the_demo(tmp_path: Path) -> None:
    lib = write_library(tmp_path / "demo")
    app = make_app(lib, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, AddFeedDialog)
        assert "The demo is offline" in " ".join(str(n.message) for n in app._notifications)


async def test_with_sync_an_address_that_does_not_answer_is_queued_for_the_server(
        tmp_path: Path) -> None:
    import socket

    lib = write_library(tmp_path / "lib")
    config_text = lib.config_path.read_text("utf-8")
    lib.config_path.write_text(config_text + '\n[sync]\nurl = "https://rss.example.test"\n'
                               'username = "ada"\n', encoding="utf-8")
    with socket.socket() as sock:  # a port where nothing answers: this machine "offline"
        sock.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{sock.getsockname()[1]}/feed.xml"
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_dialog(pilot, app)
        assert "The feed server, rss.example.test" in screen_text(app)
        await type_into(pilot, dialog, "add-url", nowhere)
        await type_into(pilot, dialog, "add-topic", "Later")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AddFeedDialog),
                         what="the dialog to close")
        await settle(pilot)
        said = " ".join(str(n.message) for n in app._notifications)
        assert f"Queued {nowhere} in Later: it will be added on the next sync." in said
        assert "cannot connect" in said
        topics = [n.data.title for n in app.query_one(Sidebar).root.children if n.data]
        assert "Later" in topics  # shown at once
        assert lib.config_path.read_text("utf-8") == config_text + (
            '\n[sync]\nurl = "https://rss.example.test"\nusername = "ada"\n')
