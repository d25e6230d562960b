"""Full articles in the app: `f` fetches the page of the article on screen and
toggles between its text and the feed's; a full_text feed's pages come with
the background refresh. Against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from tui_helpers import make_app, screen_text, settle, wait_until, write_library

from feedserver import FeedServer
from pagesamples import COMMENT_WORDS, QUOTE, article_page, excerpt_feed
from toaster_tui.app.app import ToasterApp
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.reader import ReaderPane
from toaster_tui.app.widgets.status import StatusBar

SIZE = (140, 44)


def _library(tmp_path: Path, server: FeedServer, settings: str = "") -> Any:
    server.route("/story", body=article_page().encode(), content_type="text/html")
    server.route("/feed.xml", body=excerpt_feed([server.url("/story")]))
    return write_library(tmp_path / "lib", ((server.url("/feed.xml"), "News", None),),
                         settings=settings)


async def _refresh_and_open(pilot: Pilot[Any], app: ToasterApp) -> ReaderPane:
    await settle(pilot)
    await pilot.press("R")
    await wait_until(pilot, lambda: app.refresh_count == 1, what="the refresh")
    await settle(pilot)
    app.query_one(ArticleList).focus()
    await pilot.press("enter")
    reader = app.query_one(ReaderPane)
    await wait_until(pilot, lambda: reader.detail is not None, what="the article")
    await settle(pilot)
    return reader


def _source_line(app: ToasterApp) -> str:
    return str(app.query_one("#reader-source").render())


async def test_f_fetches_the_page_then_toggles(tmp_path: Path, server: FeedServer) -> None:
    app = make_app(_library(tmp_path, server))
    async with app.run_test(size=SIZE) as pilot:
        reader = await _refresh_and_open(pilot, app)
        assert reader.detail is not None and reader.detail.text_source == "feed"
        assert server.hits_for("/story") == []  # full_text is off: nothing fetched
        assert "1 min read" in screen_text(app)
        assert not app.query_one("#reader-source").display

        server.routes["/story"].delay = 0.5  # a slow site: keys answer meanwhile
        await pilot.press("f")
        # The key returns at once; the status line says what is going on.
        assert "Fetching the full article" in app.query_one(StatusBar).refresh_text
        await pilot.press("j")
        assert "Fetching the full article" in app.query_one(StatusBar).refresh_text
        await wait_until(pilot, lambda: reader.detail is not None
                         and reader.detail.text_source == "page", what="the full article")
        await settle(pilot)
        text = screen_text(app)
        assert _source_line(app) == "Full article, from its web page · f: the feed's text"
        assert "Full article, from its web page" in text
        assert "2 min read" in text
        assert "Key quotes" in text and QUOTE[:40] in text
        assert "Full article fetched" in app.query_one(StatusBar).refresh_text
        assert "silted up so badly" in reader.detail.text
        assert COMMENT_WORDS not in reader.detail.text

        await pilot.press("f")  # back to the feed's text, nothing fetched again
        await wait_until(pilot, lambda: reader.detail is not None
                         and reader.detail.text_source == "feed", what="the feed's text")
        await settle(pilot)
        assert _source_line(app) == ("The feed's text (the full article is cached)"
                                     " · f: the full article")
        assert "The feed's text (the full article is cached)" in screen_text(app)
        assert "Read more" in reader.detail.text

        await pilot.press("f")
        await wait_until(pilot, lambda: reader.detail is not None
                         and reader.detail.text_source == "page", what="the page again")
        assert len(server.hits_for("/story")) == 1


async def test_f_on_a_missing_page_keeps_the_feed_text(tmp_path: Path,
                                                       server: FeedServer) -> None:
    app = make_app(_library(tmp_path, server))
    async with app.run_test(size=SIZE) as pilot:
        reader = await _refresh_and_open(pilot, app)
        del server.routes["/story"]  # now a 404
        await pilot.press("f")
        await wait_until(pilot, lambda: "not fetched" in app.query_one(StatusBar).refresh_text,
                         what="the failure")
        await settle(pilot)
        assert reader.detail is not None and reader.detail.text_source == "feed"
        assert "Read more" in reader.detail.text
        assert _source_line(app) == ("Full article not available: HTTP 404 Not Found"
                                     " · f: try again")
        assert "Full article not available: HTTP 404" in screen_text(app)


async def test_a_full_text_feed_brings_its_pages_with_the_refresh(
        tmp_path: Path, server: FeedServer) -> None:
    app = make_app(_library(tmp_path, server, settings="full_text = true"))
    async with app.run_test(size=SIZE) as pilot:
        reader = await _refresh_and_open(pilot, app)
        await wait_until(pilot, lambda: reader.detail is not None
                         and reader.detail.text_source == "page", what="the page")
        await settle(pilot)
        assert len(server.hits_for("/story")) == 1
        assert "Full article, from its web page" in screen_text(app)
        assert "2 min read" in screen_text(app)
