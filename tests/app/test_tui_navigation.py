"""Where the cursor, the focus and the reader's scroll end up: the list on its
first refresh, `n` on a fresh start, `A` asking first, Tab's stops and `G`."""

from __future__ import annotations

import threading
from pathlib import Path

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

from toaster_tui.app.screens.confirm import ConfirmDialog
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.reader import ReaderPane
from toaster_tui.app.widgets.sidebar import Sidebar

SIZE = (140, 44)


def day(n: int) -> str:
    return f"{n:02d} Nov 2026 09:00:00 GMT"


def notes(app: object) -> str:
    return " ".join(str(n.message) for n in app._notifications)  # type: ignore[attr-defined]


# --- 1. the list on the first refresh -------------------------------------------------


async def test_the_list_stays_at_the_top_while_the_first_refresh_lands(
        tmp_path: Path, feed_server: StaticServer) -> None:
    # The older feed answers first; the newer one lands after the list showed it.
    feed_server.put("old.xml", rss("Old News", [
        (f"Old story {n}", f"https://o.example.test/{n}", day(n)) for n in range(1, 6)]))
    feed_server.put("new.xml", rss("New News", [
        (f"New story {n}", f"https://n.example.test/{n}", day(10 + n)) for n in range(1, 6)]))
    feed_server.slow("new.xml", 2.5)
    lib = write_library(tmp_path / "lib", ((feed_server.url("old.xml"), "News", None),
                                           (feed_server.url("new.xml"), "News", None)))
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("R")
        await wait_until(pilot, lambda: len(articles.rows) == 5, what="the first feed's rows")
        await wait_until(pilot, lambda: app.refresh_count > 0, what="the refresh")
        await wait_until(pilot, lambda: len(articles.rows) == 10, what="every row")
        await settle(pilot)
        # The user never moved: the newest article is selected, the list at its top.
        assert articles.cursor == 0
        assert articles.current is not None and articles.current.title == "New story 5"
        assert articles.scroll_y == 0
        list_lines = screen_text(app)
        assert list_lines.index("New story 5") < list_lines.index("Old story 5")


# --- 2. n on a fresh start --------------------------------------------------------------


async def test_n_opens_the_highlighted_unread_article_first(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reader = app.query_one(ReaderPane)
        await pilot.press("n")  # nothing open yet: the newest unread, on the cursor
        await settle(pilot)
        assert reader.row is not None and reader.row.title == "Counting starlings at dusk"
        await pilot.press("n")  # it is open now: the one after it
        await settle(pilot)
        assert reader.row.title == "The case for slow software"
        await pilot.press("m")  # read it again later: still open, so n moves on
        await pilot.press("n")
        await settle(pilot)
        assert reader.row.title == "Designing slow software interfaces"


# --- 3. A asks first --------------------------------------------------------------------


async def test_capital_a_asks_how_many_and_where_before_marking(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")  # Technology: 3 unread
        await settle(pilot)
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        assert "Mark 3 unread articles in Technology read?" in screen_text(app)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert not any(r.read for r in app.query_one(ArticleList).rows)
        assert app.query_one(Sidebar)._counts[("topic", "Technology")] == 3
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("y")
        await settle(pilot)
        assert all(r.read for r in app.query_one(ArticleList).rows)
        assert app.query_one(Sidebar)._counts[("topic", "Technology")] == 0
        assert app.query_one(Sidebar)._counts[("all", None)] == 4
        assert "Marked 3 article(s) read in Technology" in notes(app)


async def test_capital_a_in_all_topics_names_all_of_them(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        assert "Mark 7 unread articles in All Topics read?" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.query_one(Sidebar)._counts[("all", None)] == 7


async def test_capital_a_on_a_feed_with_few_unread_marks_at_once(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("shift+tab", "j", "j", "l", "j", "enter")  # Design › Grid & Gutter
        await settle(pilot)
        assert "Grid & Gutter · 2 unread" in screen_text(app)
        await pilot.press("A")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert all(r.read for r in app.query_one(ArticleList).rows)
        assert "Marked 2 article(s) read in Grid & Gutter" in notes(app)


async def test_capital_a_with_nothing_unread_says_so(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert "No unread articles in All Topics." in notes(app)


# --- 4. Tab's stops -----------------------------------------------------------------------


async def test_tab_has_three_stops_with_an_article_open(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=(140, 120)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        reader = app.query_one(ReaderPane)
        opened = reader.row
        assert opened is not None and reader.detail is not None and reader.detail.related
        assert "You might also want to read" in screen_text(app)
        for _ in range(2):  # twice round: list → reader → sidebar → list
            await pilot.press("tab")
            assert app.focused is reader
            await pilot.press("tab")
            assert isinstance(app.focused, Sidebar)
            await pilot.press("tab")
            assert isinstance(app.focused, ArticleList)
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is reader
        await pilot.press("enter")  # Enter in the reader opens no related article
        await settle(pilot)
        assert reader.row is not None and reader.row.id == opened.id
        # The related articles still open with the mouse.
        first = reader.detail.related[0]
        await pilot.click("#reader-related", offset=(2, 0))
        await settle(pilot)
        assert reader.row is not None and reader.row.id == first.id


# --- 5. G when the related list lands after it -------------------------------------------


async def test_capital_g_stays_at_the_end_when_the_related_list_arrives(
        library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        data = app.main.data
        ranked = data.related
        release = threading.Event()

        def slow_related(article_id: int) -> object:
            release.wait(10)  # ranking related articles in a busy cache
            return ranked(article_id)

        data.related = slow_related  # type: ignore[method-assign,assignment]
        reader = app.query_one(ReaderPane)
        snippet = app.query_one("#snippet-section")
        await pilot.press("j", "enter", "tab")
        await wait_until(pilot, lambda: snippet.display, what="the whole body")
        await pilot.pause()
        await pilot.press("G")
        await pilot.pause()
        short_end = reader.max_scroll_y
        assert reader.scroll_y == short_end
        release.set()
        await settle(pilot)
        assert app.query_one("#related-section").display
        assert reader.max_scroll_y > short_end  # the related list made it taller...
        assert reader.scroll_y == reader.max_scroll_y  # ...and G still means the end
        last = reader.detail.related[-1] if reader.detail else None
        assert last is not None and (last.title or "")[:30] in screen_text(app)

        # Scrolling up after G lets go: the next article's late list moves nothing.
        release.clear()
        await pilot.press("shift+tab", "j", "enter", "tab")  # the next row
        await wait_until(pilot, lambda: snippet.display and reader.body_article_id
                         == app.query_one(ArticleList).rows[2].id, what="the next body")
        await pilot.pause()
        await pilot.press("G", "k")
        await pilot.pause()
        where = reader.scroll_y
        release.set()
        await settle(pilot)
        assert reader.scroll_y == where
