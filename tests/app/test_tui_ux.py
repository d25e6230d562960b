"""Rough edges a user trips on: text shown as it is, keys that answer, messages
that say what happened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.containers import VerticalScroll
from textual.widgets._toast import Toast
from tui_helpers import GRID, Library, make_app, screen_text, settle, wait_until, write_library

from toaster_tui.app.run import welcome
from toaster_tui.app.screens.feed_errors import FeedErrorsDialog
from toaster_tui.app.screens.help import HelpScreen
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.demo.session import DemoRefresher, seed_demo

SIZE = (140, 44)
MARKUP_TITLE = "[Podcast] Weekly [/b] show"


def library_with_title(tmp_path: Path, url: str, title: str) -> Library:
    lib = write_library(tmp_path / "lib")
    text = lib.config_path.read_text(encoding="utf-8")
    text = text.replace(f'url = "{url}"', f'url = "{url}"\ntitle = "{title}"')
    lib.config_path.write_text(text, encoding="utf-8")
    return lib


def toasts(app: Any) -> list[str]:
    """The toasts on screen, as they render."""
    return [toast.render().plain for toast in app.screen.query(Toast)]


async def test_a_feed_title_that_looks_like_markup_is_shown_as_is(tmp_path: Path) -> None:
    # "[/b]" in a toast used to raise a MarkupError that ended the app, and
    # "[Podcast]" vanished from the toast and from the list's title.
    app = make_app(library_with_title(tmp_path, GRID, MARKUP_TITLE))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("shift+tab", "j", "j", "l", "j", "enter")  # Design › the feed
        await settle(pilot)
        assert f"─ {MARKUP_TITLE} · 2 unread ─" in screen_text(app)
        await pilot.press("A")  # few unread: marked at once, and a toast names the feed
        await settle(pilot)
        assert all(r.read for r in app.query_one(ArticleList).rows)
        await wait_until(pilot, lambda: bool(toasts(app)), what="the toast")
        assert toasts(app) == [f"Marked 2 article(s) read in {MARKUP_TITLE}."]
        assert app.is_running


async def test_s_without_a_sync_table_names_the_table(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await wait_until(pilot, lambda: bool(toasts(app)), what="the toast")
        assert toasts(app)[0].startswith("No feed server set up: add a [sync] table (url,")


async def test_an_empty_list_says_its_whole_message(tmp_path: Path) -> None:
    # At 120 columns the list is 44 wide: the message was cut to "Press r to r…".
    lib = write_library(tmp_path / "lib", feeds=((GRID, "Design", None),))
    app = make_app(lib)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "…" not in shown
        lines = [line.split("││")[1].strip(" │") for line in shown.splitlines()[3:6]]
        assert " ".join(lines).strip() == "No articles in All Topics yet. Press r to refresh."


async def test_j_k_space_g_scroll_the_help_on_a_small_terminal(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        scroll = app.screen.query_one("#help-scroll", VerticalScroll)
        await pilot.press("j", "j")
        await pilot.pause()
        assert scroll.scroll_y == 2
        await pilot.press("k")
        await pilot.pause()
        assert scroll.scroll_y == 1
        await pilot.press("G")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y > 10
        assert "q                  quit" in screen_text(app)
        await pilot.press("g")
        await pilot.pause()
        assert scroll.scroll_y == 0
        await pilot.press("space")
        await pilot.pause()
        assert scroll.scroll_y > 5


async def test_a_feed_never_fetched_is_named_once_among_the_failed(
        tmp_path: Path) -> None:
    dead = "http://127.0.0.1:9/dead.xml"
    lib = write_library(tmp_path / "lib", feeds=((dead, "News", None),))
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.refresh_count == 1, what="the refresh")
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, FeedErrorsDialog), what="!")
        shown = screen_text(app)
        assert shown.count(dead) == 1
        assert "cannot connect: connection refused" in shown


async def test_the_first_run_says_where_the_subscriptions_are(library: Library) -> None:
    # `toaster` on a first run printed where it put config.toml on stderr, under
    # the app's screen: the user never saw it.
    app = make_app(library)
    welcome(app)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: bool(toasts(app)), what="the welcome")
        shown = " ".join(toasts(app))
        assert shown.startswith("First run\nWelcome! Your subscriptions are in ")
        assert str(library.config_path) in shown


async def test_f_in_the_demo_says_it_is_offline(tmp_path: Path) -> None:
    config_path, db_path = seed_demo(tmp_path / "demo")
    app = make_app(Library(config_path, db_path), demo=True, refresher=DemoRefresher)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f")
        await wait_until(pilot, lambda: bool(toasts(app)), what="the toast")
        assert toasts(app) == ["The demo is offline: its articles have no web pages to fetch."]
        assert "Fetching" not in screen_text(app)


async def test_the_search_box_says_its_keys_whole_at_120_columns(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert "Search…  Enter: the results · Esc: back" in screen_text(app)


async def test_the_add_dialog_shows_its_error_and_buttons_in_80_by_24(library: Library) -> None:
    # Its tall fields took 31 rows: at 24 the error line and the buttons were cut off.
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await wait_until(pilot, lambda: app.screen.id != "main", what="the dialog")
        await pilot.press(*"not a url", "enter")
        await wait_until(pilot, lambda: "not a web address" in screen_text(app), what="error")
        shown = screen_text(app)
        assert "not a web address: 'not a url'" in shown
        assert any("Add" in line and "Cancel" in line for line in shown.splitlines())
