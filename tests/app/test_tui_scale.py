"""A cache of 100,000 articles: the list opens at once and pages as you go."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tui_helpers import Library, add_generated_articles, make_app, settle, wait_until, write_library

from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.article_pages import PAGE
from toaster_tui.app.widgets.reader import ReaderPane

BIG = 100_000


@pytest.fixture(scope="module")
def big_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    lib = write_library(tmp_path_factory.mktemp("big"))
    add_generated_articles(lib, BIG)
    return lib


async def test_opens_fast_and_loads_one_page(big_library: Library, tmp_path: Path) -> None:
    started = time.perf_counter()
    app = make_app(big_library)
    async with app.run_test(size=(140, 44)) as pilot:
        articles = app.query_one(ArticleList)
        await wait_until(pilot, lambda: bool(articles.rows), what="the first rows")
        elapsed = time.perf_counter() - started
        assert elapsed < 3.0, f"first rows after {elapsed:.2f} s"
        assert len(articles.rows) == PAGE and articles.has_more
        await settle(pilot)
        assert app.main.sidebar._counts[("all", None)] == BIG + 7


async def test_paging_follows_the_cursor_and_never_loads_everything(
        big_library: Library) -> None:
    app = make_app(big_library)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        articles = app.query_one(ArticleList)
        for _ in range(30):
            await pilot.press("pagedown")
        await settle(pilot)
        assert articles.cursor > PAGE  # moved past the first page...
        assert PAGE < len(articles.rows) <= articles.cursor + 3 * PAGE  # ...pages on demand
        rows = articles.rows
        whens = [(r.when, r.id) for r in rows]
        assert whens == sorted(whens, reverse=True)
        assert len({r.id for r in rows}) == len(rows)  # no page twice
        chosen = articles.current
        assert chosen is not None
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one(ReaderPane).row == chosen or (
            app.query_one(ReaderPane).article_id == chosen.id)
        # A reload (as a refresh does) keeps the selection where it is.
        articles.reload()
        await settle(pilot)
        assert articles.current is not None and articles.current.id == chosen.id


async def test_mouse_wheel_pages_in_more_rows(big_library: Library) -> None:
    from tui_helpers import wheel

    app = make_app(big_library)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        articles = app.query_one(ArticleList)
        await wheel(pilot, ArticleList, (5, 5), times=150)
        await settle(pilot)
        assert articles.scroll_y > 0
        assert len(articles.rows) > PAGE


async def test_search_in_a_big_cache(big_library: Library) -> None:
    app = make_app(big_library)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"number 99999", "enter")
        await settle(pilot)
        titles = [r.title for r in app.query_one(ArticleList).rows]
        assert titles[0] == "Generated article number 99999"
