"""What the user sees on start and when reading: the three panes and the reader."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import (
    FEEDS,
    Library,
    make_app,
    screen_text,
    settle,
    wait_until,
    wheel,
    write_library,
)

from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.reader import ReaderPane
from toaster_tui.app.widgets.sidebar import Sidebar

SIZE = (140, 44)


async def test_main_screen_shows_topics_articles_and_welcome(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        # Sidebar: All Topics with the total unread, topics in config order, Starred.
        assert "All Topics" in text and "Starred" in text
        lines = [line for line in text.splitlines() if "Technology" in line]
        assert lines and "3" in lines[0]
        assert text.index("Technology") < text.index("Design") < text.index("Science")
        sidebar = app.main.sidebar
        assert [n.data.title for n in sidebar.root.children if n.data] == [
            "All Topics", "Technology", "Design", "Science", "Starred"]
        assert sidebar._counts[("all", None)] == 7
        # Article list: newest first, title / feed / age / read time.
        titles = [r.title for r in app.main.articles.rows]
        assert titles[0] == "Counting starlings at dusk"
        assert titles[1] == "The case for slow software"
        assert "Lab Notes · 18h ago · 1 min read" in text
        assert "Quiet Circuits · 2d ago" in text
        # Reader: the welcome until something is opened.
        assert "No algorithm. No ads. Just feeds. Chronological." in text
        assert "All Topics · 7 unread" in text


async def test_enter_opens_a_rich_article_and_marks_it_read(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        reader = app.query_one(ReaderPane)
        assert reader.row is not None and reader.row.title == "The case for slow software"
        text = screen_text(app)
        assert "By Ines Varga · Quiet Circuits" in text
        assert "2d ago · 1 min read · en" in text
        for tag in ("Software", "Craft", "Attention"):
            assert tag in text
        assert "Summary" in text and "Fast software is easy to sell." in text
        assert "Key quotes" in text and "pulled" in text
        detail = reader.detail
        assert detail is not None and len(detail.quotes) >= 2
        assert f"· {len(detail.quotes)} pulled" in text
        assert "What slow means" in text  # a heading of the body (Markdown)
        # The row is read now: no unread dot, and the counts dropped (re-queried
        # once keys pause for COUNTS_AFTER).
        row = app.query_one(ArticleList).rows[1]
        assert row.read
        sidebar = app.query_one(Sidebar)
        await wait_until(pilot, lambda: sidebar._counts[("all", None)] == 6, what="the counts")
        await settle(pilot)
        assert "All Topics · 6 unread" in screen_text(app)


async def test_reader_sections_snippet_and_related(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=(140, 120)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Snippet from the feed" in text
        assert "You might also want to read" in text
        reader = app.query_one(ReaderPane)
        assert reader.detail is not None
        related = [r.title for r in reader.detail.related]
        assert "Designing slow software interfaces" in related
        assert "The case for slow software" not in related
        assert "Designing slow software interfaces" in text


async def test_related_list_takes_no_focus(library: Library) -> None:
    # Not a Tab stop (SPEC: Tab cycles the three panes): the mouse opens them.
    app = make_app(library)
    async with app.run_test(size=(140, 120)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        related = app.query_one("#reader-related")
        related.focus()
        await pilot.pause()
        assert not related.has_focus


async def test_related_article_opens_on_click(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=(140, 120)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        reader = app.query_one(ReaderPane)
        assert reader.detail is not None
        first = reader.detail.related[0]
        await pilot.click("#reader-related", offset=(2, 0))
        await settle(pilot)
        assert reader.row is not None and reader.row.id == first.id


async def test_mouse_click_selects_and_opens_a_row(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Row 3 (0-based 2) starts on line 4 of the list: two lines per row.
        await pilot.click(ArticleList, offset=(5, 4))
        await settle(pilot)
        articles = app.query_one(ArticleList)
        assert articles.cursor == 2
        reader = app.query_one(ReaderPane)
        assert reader.row is not None and reader.row.id == articles.rows[2].id


async def test_mouse_click_on_a_topic_shows_it(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = app.query_one(Sidebar)
        line = next(n for n in sidebar.root.children if n.data and n.data.title == "Design").line
        await pilot.click(Sidebar, offset=(6, line))
        await settle(pilot)
        assert {r.topic for r in app.query_one(ArticleList).rows} == {"Design"}
        assert "Design · 2 unread" in screen_text(app)


async def test_mouse_wheel_scrolls_the_reader(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=(140, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        reader = app.query_one(ReaderPane)
        assert reader.scroll_y == 0
        await wheel(pilot, ReaderPane, (5, 5))
        await pilot.pause()
        assert reader.scroll_y > 0


async def test_theme_switches_from_the_command_palette(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await pilot.press(*"textual-light")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "textual-light"
        assert app.current_theme.dark is False
        assert "All Topics" in screen_text(app)


async def test_the_status_line_counts_feeds_in_good_english(tmp_path: Path) -> None:
    for count, expected in ((1, "· 1 feed"), (3, "· 3 feeds")):
        lib = write_library(tmp_path / str(count), feeds=FEEDS[:count])
        app = make_app(lib)
        async with app.run_test(size=(140, 44)) as pilot:
            await settle(pilot)
            line = screen_text(app).splitlines()[-2]
            assert line.rstrip().endswith(expected), line
