"""Links in the article body: numbered, listed at its end, opened by number (as newsboat)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import Library, make_app, screen_text, settle, wait_until

from toaster_tui.app.app import ToasterApp
from toaster_tui.app.widgets.body import ArticleBody
from toaster_tui.app.widgets.reader import LINK_PAUSE, ReaderPane

TALL = (140, 120)
HABITS = "https://quiet.example.test/habits/"
DESK = "https://quiet.example.test/img/desk.png"


async def open_rich_article(pilot: Pilot[Any]) -> None:
    """Open "The case for slow software" (two links: the habits page, an image)."""
    await settle(pilot)
    await pilot.press("j", "enter")
    await settle(pilot)


async def show_many_links(app: ToasterApp, count: int) -> None:
    """The rich article's row with a body of `count` links (and one repeated)."""
    reader = app.query_one(ReaderPane)
    assert reader.detail is not None
    text = "\n\n".join(f"See [page {n}](https://links.example.test/{n}) here."
                       for n in range(1, count + 1))
    text += "\n\nAnd [page one again](https://links.example.test/1)."
    detail = replace(reader.detail, text=text)
    reader.show_row(detail.row)
    await reader.show_detail(detail)


async def test_links_are_numbered_after_their_text_and_listed_at_the_end(
        library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=TALL) as pilot:
        await open_rich_article(pilot)
        body = app.query_one(ArticleBody)
        assert body.links == (HABITS, DESK)
        text = body.plain
        assert "image: A quiet desk with a single terminal window[2]" in text.replace("\n", " ")
        assert "habits archive[1]." in text.replace("\n", " ")
        lines = [line.strip() for line in text.splitlines()]
        links = lines.index("Links")
        assert lines[links + 1:links + 3] == [f"1: {HABITS}", f"2: {DESK}"]
        assert "Links" in screen_text(app)


async def test_a_digit_opens_that_link_from_the_list_or_the_reader(
        library: Library, browser: list[str]) -> None:
    app = make_app(library)
    async with app.run_test(size=TALL) as pilot:
        await open_rich_article(pilot)
        await pilot.press("2")  # the focus is still on the article list
        await wait_until(pilot, lambda: browser == [DESK], what="link 2")
        await pilot.press("tab")  # the reader
        assert app.query_one(ReaderPane).has_focus
        await pilot.press("1")
        await wait_until(pilot, lambda: browser == [DESK, HABITS], what="link 1")
        await pilot.press("3", "0")  # no such link: said so, nothing opens
        await pilot.pause(0.1)
        assert browser == [DESK, HABITS]


async def test_with_ten_links_or_more_digits_add_up_until_enter_or_a_pause(
        library: Library, browser: list[str]) -> None:
    app = make_app(library)
    async with app.run_test(size=TALL) as pilot:
        await open_rich_article(pilot)
        await show_many_links(app, 12)
        await settle(pilot)
        body = app.query_one(ArticleBody)
        assert len(body.links) == 12  # the repeated link keeps its number
        assert body.plain.count("[1]") == 2
        assert "12: https://links.example.test/12" in body.plain
        await pilot.press("1", "2", "enter")
        await wait_until(pilot, lambda: bool(browser), what="link 12")
        assert browser == ["https://links.example.test/12"]
        # Enter opened the link, not the highlighted article again.
        reader = app.query_one(ReaderPane)
        assert reader.body_article_id is not None
        await pilot.press("1")
        await pilot.pause(LINK_PAUSE / 2)
        assert len(browser) == 1  # 1 could still become 10, 11 or 12
        await wait_until(pilot, lambda: len(browser) == 2, what="link 1 after a pause")
        assert browser[1] == "https://links.example.test/1"
        await pilot.press("1", "escape")  # Esc drops the number typed
        await pilot.pause(LINK_PAUSE * 1.5)
        assert len(browser) == 2


async def test_digits_typed_in_the_search_box_stay_there(
        library: Library, browser: list[str]) -> None:
    app = make_app(library)
    async with app.run_test(size=TALL) as pilot:
        await open_rich_article(pilot)
        await pilot.press("slash", "2", "0", "2", "4")
        await pilot.pause(0.1)
        assert app.query_one(Input).value == "2024"
        assert browser == []
