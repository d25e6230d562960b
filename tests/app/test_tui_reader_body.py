"""The reader's article body: Markdown rendered to lines (a screenful at once,
the rest of a long body in a thread worker)."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from textual.pilot import Pilot
from tui_helpers import Library, make_app, screen_text, settle, wait_until

from toaster_tui.app.app import ToasterApp
from toaster_tui.app.widgets.body import ArticleBody
from toaster_tui.app.widgets.reader import ReaderPane

TALL = (140, 120)  # the whole rich article fits on screen


def reader_lines(app: ToasterApp) -> list[str]:
    """The reader pane's column of the screen, line by line, stripped."""
    left = app.query_one(ReaderPane).region.x
    return [line[left:].strip("│ ") for line in screen_text(app).splitlines()]


async def open_rich_article(pilot: Pilot[Any]) -> None:
    """Open the second row, "The case for slow software", and wait for it."""
    await settle(pilot)
    await pilot.press("j", "enter")
    await settle(pilot)


async def test_a_rich_body_reads_as_formatted_text(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=TALL) as pilot:
        await open_rich_article(pilot)
        reader = app.query_one(ReaderPane)
        assert reader.row is not None and reader.row.title == "The case for slow software"
        assert reader.body_article_id == reader.row.id
        lines = reader_lines(app)
        # Headings on their own lines, in order, without the Markdown around them.
        first, second = lines.index("What slow means"), lines.index("Three habits")
        assert lines.index("Key quotes  · 3 pulled") < first < second
        assert lines.index("Snippet from the feed") > second
        assert "Every product launch promises speed. Faster" in lines
        assert "▌ A tool you can still use in ten years is worth" in lines  # a block quote
        assert "• Keep the file format boring. Plain text," in lines  # a list
        assert "SQLite, or a documented schema." in lines  # hanging indent
        assert "PRAGMA journal_mode = WAL;" in lines  # a code block
        text = "\n".join(lines)
        assert "Run sqlite3 library.db .schema on any tool you" in text  # inline code
        assert "Read more in the habits" in text and "archive[1]." in text  # a link, numbered
        assert "image: A quiet desk with a single terminal window[2]" in " ".join(lines)
        for markup in ("##", "](", "```", "`sqlite3", "> A tool", "- Keep"):
            assert markup not in text

        body = app.query_one(ArticleBody)
        styles = {seg.text.strip(): seg.style for line in body.lines for seg in line
                  if seg.style is not None and seg.text.strip()}
        heading = styles["What slow means"]
        assert heading.underline and heading.color != styles["morning."].color
        assert styles["sqlite3 library.db .schema"].bgcolor != styles["morning."].bgcolor
        assert "@click" in styles["habits"].meta


async def test_a_link_in_the_body_opens_in_the_browser(library: Library,
                                                       browser: list[str]) -> None:
    opened = browser
    app = make_app(library)
    async with app.run_test(size=TALL) as pilot:
        await open_rich_article(pilot)
        body = app.query_one(ArticleBody)
        y = next(y for y, line in enumerate(body.lines) if "more in the habits" in line.text)
        await pilot.click(ArticleBody, offset=(body.lines[y].text.index("habits") + 2, y))
        await wait_until(pilot, lambda: bool(opened), what="the browser")
        assert opened == ["https://quiet.example.test/habits/"]


async def test_body_text_can_be_selected_with_the_mouse(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=TALL) as pilot:
        await open_rich_article(pilot)
        await pilot.mouse_down(ArticleBody, offset=(6, 0))
        await pilot.hover(ArticleBody, offset=(9, 1))  # the last character selected
        await pilot.mouse_up(ArticleBody, offset=(9, 1))
        await pilot.pause()
        assert app.screen.get_selected_text() == "product launch promises speed. Faster\nonboarding"


async def test_the_body_wraps_again_when_the_pane_resizes(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=TALL) as pilot:
        await open_rich_article(pilot)
        body = app.query_one(ArticleBody)
        wide = body.content_size.width
        assert {line.cell_length for line in body.lines} == {wide}
        await pilot.resize_terminal(120, 120)  # still three panes (NARROW), a narrower reader
        await settle(pilot)
        narrow = body.content_size.width
        assert narrow < wide
        assert {line.cell_length for line in body.lines} == {narrow}
        assert "What slow means" in screen_text(app)


async def test_a_long_body_shows_its_top_at_once_and_the_rest_after(
        library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=TALL) as pilot:
        await open_rich_article(pilot)
        reader = app.query_one(ReaderPane)
        body = app.query_one(ArticleBody)
        assert reader.detail is not None
        detail = replace(reader.detail, text="\n\n".join([reader.detail.text] * 8))
        # The first screenful shows at once; what is below the body waits for
        # the rest (rendered in a thread), or it would jump down when it lands.
        reader.show_row(detail.row)
        await reader.show_detail(detail)
        assert reader.body_article_id == detail.row.id
        assert body.display and not app.query_one("#reader-loading").display
        head = len(body.lines)
        assert body.lines and body.lines[0].text.startswith("Every product launch")
        assert not app.query_one("#snippet-section").display
        assert not app.query_one("#related-section").display
        await settle(pilot)
        assert len(body.lines) > head
        assert body.plain.count("What slow means") == 8
        assert app.query_one("#snippet-section").display
        assert app.query_one("#related-section").display
        # Another article opened while a body renders: the old one never shows.
        reader.show_row(detail.row)
        await reader.show_detail(detail)
        reader.show_row(app.main.articles.rows[0])
        await settle(pilot)
        assert reader.body_article_id is None
        assert not body.display and not body.lines


async def test_a_new_theme_renders_the_body_again(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=TALL) as pilot:
        await open_rich_article(pilot)
        body = app.query_one(ArticleBody)
        before = body.lines[0]._segments[0].style
        app.theme = "textual-light"
        await settle(pilot)
        after = body.lines[0]._segments[0].style
        assert before is not None and after is not None
        assert before.bgcolor != after.bgcolor


async def test_the_article_shows_before_its_related_list_is_ranked(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        data = app.main.data
        ranked = data.related
        release = threading.Event()

        def slow_related(article_id: int) -> object:
            release.wait(10)  # ranking related articles in a busy cache
            return ranked(article_id)

        data.related = slow_related  # type: ignore[method-assign,assignment]
        await pilot.press("j", "enter")
        reader = app.query_one(ReaderPane)
        await wait_until(pilot, lambda: reader.row is not None
                         and reader.body_article_id == reader.row.id, what="the body")
        await pilot.pause()
        text = screen_text(app)
        assert "What slow means" in text  # the body is on screen...
        assert "You might also want to read" not in text  # ...the related list not yet
        # A list for another article (the user moved on) never lands here.
        assert reader.row is not None
        reader.show_related(reader.row.id + 1000, ())
        release.set()
        await settle(pilot)
        assert "You might also want to read" in screen_text(app)
        assert reader.detail is not None
        # (Only related enough ones: store/detail.py's thresholds.)
        assert "Why replication is slow and worth it" in [r.title for r in reader.detail.related]


async def test_raw_html_in_a_body_reads_as_text_not_code(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=TALL) as pilot:
        await open_rich_article(pilot)
        reader = app.query_one(ReaderPane)
        assert reader.detail is not None
        text = ('Before the embed.\n\n<div class="video-embed">\n'
                '<p>Watch the <b>talk</b> on the conference site.</p>\n</div>\n\n'
                'Then <abbr title="HyperText">HTML</abbr> inline.')
        detail = replace(reader.detail, text=text)
        reader.show_row(detail.row)
        await reader.show_detail(detail)
        await settle(pilot)
        lines = reader_lines(app)
        assert "Watch the talk on the conference site." in lines
        assert "Then HTML inline." in lines
        assert "<" not in app.query_one(ArticleBody).plain
        body = app.query_one(ArticleBody)
        styles = {seg.text.strip(): seg.style for line in body.lines for seg in line
                  if seg.style is not None and seg.text.strip()}
        watch = styles["Watch the talk on the conference site."]
        assert watch.bgcolor == styles["Before the embed."].bgcolor  # not a code block
