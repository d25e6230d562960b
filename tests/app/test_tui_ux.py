"""Rough edges a user trips on: text shown as it is, keys that answer, messages
that say what happened."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets._toast import Toast
from tui_helpers import GRID, Library, make_app, screen_text, settle, wait_until, write_library

from toaster_tui.app.widgets.article_list import ArticleList

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
