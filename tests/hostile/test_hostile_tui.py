"""The hostile corpus in the real TUI (headless): what the screen shows.

The database of the hostile run is opened in ToasterApp; every topic is
expanded and articles of every content and xml feed are opened in the reader.
The rendered screen (the compositor's output, as text) must hold no control
character, escape sequence or bidi override, and feed-supplied text that looks
like Textual markup must show as the literal text it is, never as markup
(a "[@click=app.quit]" title must not become a clickable action).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hostile.cases import CASES
from hostile.conftest import HostileRun, assert_clean
from pilot_helpers import screen_text, wait_until
from toaster_tui.app.app import ToasterApp
from toaster_tui.app.widgets.sidebar import Sidebar

FIXED_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SIZE = (150, 46)
PER_FEED = 6


def _copy_library(run: HostileRun, into: Path,
                  without: tuple[str, ...] = ()) -> tuple[Path, Path]:
    """The run's config and database, with the `without` feeds unsubscribed."""
    into.mkdir(parents=True, exist_ok=True)
    gone = {run.url(name) for name in without}
    blocks = run.config.read_text(encoding="utf-8").split("\n\n")
    kept = [b for b in blocks if not any(f'url = "{u}"' in b for u in gone)]
    config = into / "config.toml"
    config.write_text("\n\n".join(kept), encoding="utf-8")
    db = into / "toaster.db"
    source = sqlite3.connect(run.db)
    target = sqlite3.connect(db)
    try:
        source.backup(target)
        target.executemany("UPDATE feeds SET subscribed = 0 WHERE url = ?",
                           [(u,) for u in gone])
        target.commit()
    finally:
        source.close()
        target.close()
    return config, db


async def _settle(pilot: Any, rounds: int = 4) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _wait(pilot: Any, check: Any, what: str,
                timeout: float = 15.0) -> None:
    await wait_until(pilot, check, timeout, what)


def _articles_to_open(run: HostileRun, skip: tuple[str, ...] = ()) -> list[int]:
    families = {c.name: c.family for c in CASES}
    chosen: list[int] = []
    for name, url in run.urls.items():
        if url in skip:
            continue
        if families.get(name) in ("content", "xml") or name.startswith("control"):
            chosen += [row["id"] for row in run.articles.get(url, [])[:PER_FEED]]
    return chosen


async def test_hostile_articles_render_as_plain_safe_text(hostile_run: HostileRun,
                                                        tmp_path: Path) -> None:
    config, db = _copy_library(hostile_run, tmp_path / "lib")
    app = ToasterApp(config, db, now=lambda: FIXED_NOW)
    screens: dict[str, str] = {}
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        sidebar = app.query_one(Sidebar)
        await _wait(pilot, lambda: len(sidebar.root.children) > 3, "the sidebar")
        for node in sidebar.root.children:
            node.expand()
        await _settle(pilot, 2)
        # The sidebar is tall: scroll it page by page.
        for page in range(12):
            screens[f"sidebar page {page}"] = screen_text(app)
            sidebar.scroll_page_down(animate=False)
            await pilot.pause()
        main = app.main
        skipped = hostile_run.url("content-markup-injection")
        for article_id in _articles_to_open(hostile_run, skip=(skipped,)):
            row = app.data.article(article_id)
            assert row is not None
            main.open_article(row)
            await _wait(pilot, lambda aid=article_id: main.reader.detail is not None
                        and main.reader.detail.row.id == aid, f"article {article_id}")
            await pilot.pause()
            screens[f"article {article_id}"] = screen_text(app)
            main.reader.scroll_end(animate=False)
            await pilot.pause()
            screens[f"article {article_id} end"] = screen_text(app)
        # The article list of everything, a few pages down.
        main.articles.focus()
        for page in range(5):
            screens[f"list page {page}"] = screen_text(app)
            await pilot.press("pagedown")
            await pilot.pause()
    assert len(screens) > 50
    for label, text in screens.items():
        assert_clean(text, label)


async def _show_markup_feed(pilot: Any, app: ToasterApp, url: str) -> None:
    """Pick the markup-injection feed in the sidebar and wait for its 7 articles."""
    await _settle(pilot)
    sidebar = app.query_one(Sidebar)
    await _wait(pilot, lambda: len(sidebar.root.children) > 3, "the sidebar")
    feed = next(f for f in sidebar.feeds_of(sidebar.root.children[0].data)  # type: ignore[arg-type]
                if f.url == url)
    assert sidebar.select_key(("feed", feed.id))
    await _settle(pilot)
    await _wait(pilot, lambda: len(app.main.articles.rows) == 7, "the feed's articles")


async def test_markup_looking_article_titles_show_literally(hostile_run: HostileRun,
                                                           tmp_path: Path) -> None:
    """The article list and the reader show "[@click=...]" titles as text (the
    feed's own title is overridden in config.toml, so the sidebar is not at stake)."""
    config, db = _copy_library(hostile_run, tmp_path / "lib")
    url = hostile_run.url("content-markup-injection")
    text = config.read_text(encoding="utf-8").replace(
        f'url = "{url}"\n', f'url = "{url}"\ntitle = "Markup articles"\n')
    config.write_text(text, encoding="utf-8")
    target = sqlite3.connect(db)
    target.execute("UPDATE feeds SET title_override = 'Markup articles' WHERE url = ?", (url,))
    target.commit()
    target.close()
    app = ToasterApp(config, db, now=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await _show_markup_feed(pilot, app, url)
        main = app.main
        assert "[@click=app.quit]Click me[/]" in screen_text(app)
        for row in main.articles.rows:
            main.open_article(row)
            await _wait(pilot, lambda r=row: main.reader.detail is not None
                        and main.reader.detail.row.id == r.id, "the reader")
            await pilot.pause()
            shown = screen_text(app)
            assert_clean(shown, row.title)
            assert row.title[:30] in shown, row.title
        assert app.is_running


async def test_feed_errors_dialog_shows_server_text_literally(hostile_run: HostileRun,
                                                              tmp_path: Path) -> None:
    """A reason phrase like "[@click=app.quit]Not Found[/]" is the server's text:
    the "!" dialog lists it as it is (no markup, no crash)."""
    config, db = _copy_library(hostile_run, tmp_path / "lib",
                               without=("content-markup-injection",))
    app = ToasterApp(config, db, now=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        sidebar = app.query_one(Sidebar)
        await _wait(pilot, lambda: len(sidebar.root.children) > 3, "the sidebar")
        await pilot.press("exclamation_mark")
        await _settle(pilot)
        scroll = app.screen.query_one("#feed-errors-scroll")
        pages = []
        for _ in range(40):  # every failing feed is listed: page through them all
            pages.append(screen_text(app))
            if scroll.scroll_y >= scroll.max_scroll_y:
                break
            scroll.scroll_page_down(animate=False)
            await pilot.pause()
        shown = "\n".join(pages)
        assert_clean(shown, "feed errors dialog")
        assert app.is_running
        assert "[@click=app.quit]Not Found[/]" in shown


async def test_feed_text_that_looks_like_markup_shows_literally(hostile_run: HostileRun,
                                                               tmp_path: Path) -> None:
    """Titles like "[@click=app.quit]Click me[/]" come from the feed: shown as
    they are, in the list, the reader and the sidebar, never parsed."""
    config, db = _copy_library(hostile_run, tmp_path / "lib")
    url = hostile_run.url("content-markup-injection")
    app = ToasterApp(config, db, now=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await _show_markup_feed(pilot, app, url)
        main = app.main
        listing = screen_text(app)
        assert "[@click=app.quit]Click me[/]" in listing
        row = next(r for r in main.articles.rows if r.title.startswith("[@click"))
        main.open_article(row)
        await _wait(pilot, lambda: main.reader.detail is not None, "the reader")
        await pilot.pause()
        reader = screen_text(app)
        assert "[@click=app.quit]Click me[/]" in reader
        # The sidebar shows the feed's own hostile title literally as well.
        sidebar_text = screen_text(app)
        assert "[@click=app.quit]Feed[/] [/]" in sidebar_text
        assert app.is_running  # nothing quit the app
