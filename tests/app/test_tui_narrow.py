"""Narrow terminals (under NARROW columns): one pane at a time, as in newsboat.

The article list takes the whole width, Enter opens the reader over it and Esc
goes back; `T` (or Tab) shows the topics beside the list. Resizing across the
threshold switches layouts live, keeping the selection and the open article.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tui_helpers import (
    FEEDS,
    Library,
    make_app,
    rss,
    screen_text,
    settle,
    wait_until,
    write_library,
)

from toaster_tui.app.app import ToasterApp
from toaster_tui.app.screens.help import HelpScreen
from toaster_tui.app.screens.main import NARROW
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.reader import ReaderPane
from toaster_tui.app.widgets.sidebar import Sidebar

SIZE = (80, 24)
WIDE = (160, 40)
LONG = "Hodl Hodl closes its funding round to build a calmer exchange"
LONG_URL = "https://long.example.test/feed.xml"


@pytest.fixture
def long_library(tmp_path: Path) -> Library:
    """The usual library plus the newest article, whose title is long."""
    feed = tmp_path / "long.xml"
    feed.write_text(rss("Long Titles", [(LONG, "https://long.example.test/1",
                                         "Wed, 25 Nov 2026 11:00:00 GMT")]), encoding="utf-8")
    # write_library reads DATA / name: an absolute name is the file itself.
    return write_library(tmp_path / "lib", (*FEEDS, (LONG_URL, "Technology", str(feed))))


def shown(app: ToasterApp, selector: str) -> bool:
    return app.main.query_one(selector).display


def panes(app: ToasterApp) -> tuple[bool, bool, bool]:
    """Which of sidebar, list and reader are on screen."""
    return shown(app, "#sidebar-pane"), shown(app, "#list-pane"), shown(app, "#reader")


async def opened(pilot: Any, app: ToasterApp, *keys: str) -> ReaderPane:
    await pilot.press(*keys)
    await settle(pilot)
    return app.main.reader


def test_the_threshold_keeps_the_snapshot_sizes_three_panes() -> None:
    # The snapshots at 120 columns and more show three panes.
    assert 80 < NARROW <= 120


async def test_the_list_takes_the_whole_width(long_library: Library) -> None:
    app = make_app(long_library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert panes(app) == (False, True, False)
        text = screen_text(app)
        assert LONG in text  # 62 columns of title, not "Hodl Hodl closes its fu…"
        assert "╭─ Topics" not in text and "No algorithm. No ads." not in text.split("\n", 1)[1]
        row = next(line for line in text.splitlines() if LONG in line)
        assert row.startswith("│") and row.rstrip().endswith("│") and len(row.rstrip()) == 80
        assert app.main.articles.has_focus


async def test_enter_opens_the_reader_over_the_list_and_esc_returns(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.main.articles
        reader = await opened(pilot, app, "j", "j", "enter")
        row = articles.rows[2]
        assert reader.row is not None and reader.row.id == row.id
        assert panes(app) == (False, False, True)
        assert reader.has_focus
        text = screen_text(app)
        assert row.title in text and "Esc" in text  # the reader says how to go back
        assert articles.rows[1].title not in text  # the list is hidden under it
        # Opening marked it read, in the list and in the cache.
        assert articles.rows[2].read
        sidebar = app.main.sidebar
        await wait_until(pilot, lambda: sidebar._counts[("all", None)] == 6, what="the counts")
        await pilot.press("escape")
        await settle(pilot)
        assert panes(app) == (False, True, False)
        assert articles.has_focus and articles.cursor == 2
        assert reader.row is not None and reader.row.id == row.id  # still open behind


async def test_the_article_keys_work_in_the_reader(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.main.articles
        reader = await opened(pilot, app, "enter")
        first = articles.rows[0]
        assert reader.row is not None and reader.row.id == first.id
        await pilot.press("s")  # star the article being read
        await settle(pilot)
        assert articles.rows[0].starred and reader.row.starred
        await pilot.press("m")  # and mark it unread again
        await settle(pilot)
        assert not articles.rows[0].read
        await pilot.press("n")  # the next unread opens in the reader, still full width
        await settle(pilot)
        assert reader.row.id == articles.rows[1].id and articles.cursor == 1
        assert panes(app) == (False, False, True) and reader.has_focus
        assert articles.rows[1].read
        await pilot.press("p")  # back to the first, unread again
        await settle(pilot)
        assert reader.row.id == first.id and articles.cursor == 0
        await pilot.press("escape")
        await settle(pilot)
        assert articles.cursor == 0 and panes(app) == (False, True, False)


async def test_space_on_the_list_shows_the_open_article_where_it_was(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 12)) as pilot:
        await settle(pilot)
        reader = await opened(pilot, app, "j", "enter", "space")
        scrolled = reader.scroll_y
        assert scrolled > 0
        await pilot.press("escape", "space")  # back to the list, and into the reader again
        await settle(pilot)
        assert panes(app) == (False, False, True)
        assert reader.scroll_y == scrolled


async def test_the_sidebar_key_shows_the_topics_beside_the_list(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = app.main.sidebar
        await pilot.press("T")
        await settle(pilot)
        assert panes(app) == (True, True, False)
        assert sidebar.has_focus and "Topics" in screen_text(app)
        await pilot.press("T")  # hides it again
        await settle(pilot)
        assert panes(app) == (False, True, False) and app.main.articles.has_focus
        await pilot.press("tab")  # Tab reaches it too
        await settle(pilot)
        assert panes(app) == (True, True, False) and sidebar.has_focus
        # Choosing a topic shows it, and the list takes the width back.
        line = next(n for n in sidebar.root.children if n.data and n.data.title == "Design").line
        while sidebar.cursor_line < line:
            await pilot.press("j")
        await pilot.press("enter")
        await settle(pilot)
        assert panes(app) == (False, True, False) and app.main.articles.has_focus
        assert {r.topic for r in app.query_one(ArticleList).rows} == {"Design"}
        assert "Design · 2 unread" in screen_text(app)
        await pilot.press("T", "escape")  # Esc hides it too
        await settle(pilot)
        assert panes(app) == (False, True, False) and app.main.articles.has_focus


async def test_the_sidebar_key_is_shown_only_when_narrow(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "T Topics" in screen_text(app).splitlines()[-1]
        await pilot.resize_terminal(*WIDE)
        await settle(pilot)
        assert "T Topics" not in screen_text(app).splitlines()[-1]


async def test_resizing_switches_layouts_and_keeps_the_selection(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.main.articles
        await pilot.press("j", "j", "j")
        await pilot.resize_terminal(*WIDE)
        await settle(pilot)
        assert panes(app) == (True, True, True)
        assert articles.cursor == 3 and articles.has_focus
        text = screen_text(app)
        assert "Topics" in text and "No algorithm. No ads." in text
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert panes(app) == (False, True, False) and articles.cursor == 3


async def test_resizing_keeps_the_article_being_read(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.main.articles
        reader = await opened(pilot, app, "j", "enter")
        row = articles.rows[1]
        await pilot.resize_terminal(*WIDE)
        await settle(pilot)
        assert panes(app) == (True, True, True)
        assert reader.row is not None and reader.row.id == row.id and articles.cursor == 1
        assert row.title in screen_text(app)
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert panes(app) == (False, False, True) and reader.has_focus
        assert reader.row.id == row.id and row.title in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert articles.cursor == 1


async def test_going_narrow_while_reading_in_three_panes_shows_the_reader(
        library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        reader = await opened(pilot, app, "j", "enter")  # the list keeps the focus
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert panes(app) == (False, False, True) and reader.has_focus
        # Having moved on in the list, the list is what shows.
        await pilot.press("escape", "j")
        await pilot.resize_terminal(*WIDE)
        await settle(pilot)
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert panes(app) == (False, True, False) and app.main.articles.cursor == 2


async def test_search_from_the_reader_goes_back_to_the_list(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await opened(pilot, app, "enter", "slash")
        assert panes(app) == (False, True, False)
        assert app.main.query_one("#search").has_focus


async def test_topic_keys_from_the_reader_show_the_new_list(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await opened(pilot, app, "enter", "right_square_bracket")
        assert panes(app) == (False, True, False)
        assert app.main.entry.title == "Technology"
        assert "Technology" in screen_text(app)
        assert isinstance(app.main.sidebar, Sidebar)


async def test_every_key_of_the_help_can_be_reached_at_80_by_24(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help")
        await pilot.pause()
        assert "Esc closes this help." in screen_text(app)
        await pilot.press("end")  # the list of keys scrolls to its last line
        await pilot.pause()
        text = screen_text(app)
        assert "command palette" in text and "Esc closes this help." in text
