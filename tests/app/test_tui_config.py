"""An invalid config.toml: the dialog with path:line:col, and the app keeps going."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import Library, make_app, screen_text, settle, wait_until

from toaster_tui.app.screens.error import ErrorDialog
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.sidebar import Sidebar

SIZE = (140, 44)
BROKEN = '[settings]\nrefresh_minutes = "often"\n'


async def test_invalid_config_at_start_shows_the_error_and_the_cached_feeds(
        library: Library) -> None:
    library.config_path.write_text(BROKEN, encoding="utf-8")
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorDialog), what="the dialog")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        assert dialog.message.startswith(f"{library.config_path}:2:19: refresh_minutes must be")
        text = screen_text(app)
        assert "config.toml has an error" in text
        assert "keeps running on the last good subscriptions" in text
        await pilot.press("escape")
        await settle(pilot)
        # The last synced subscriptions are still there to read.
        assert len(app.query_one(ArticleList).rows) == 7
        topics = [n.data.title for n in app.query_one(Sidebar).root.children if n.data]
        assert topics == ["All Topics", "Technology", "Design", "Science", "Starred"]
        # The same broken file is not reported again and again.
        app.check_config()
        await settle(pilot)
        assert not isinstance(app.screen, ErrorDialog)


async def test_edit_from_the_error_dialog_fixes_it(library: Library, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    good = library.config_path.read_text(encoding="utf-8")
    library.config_path.write_text(BROKEN, encoding="utf-8")
    fixed = tmp_path / "fixed.toml"
    fixed.write_text(good, encoding="utf-8")
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\ncp "{fixed}" "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor))
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorDialog), what="the dialog")
        await pilot.press("e")
        await wait_until(pilot, lambda: len(app.config.feeds) == 3, what="the fixed config")
        await settle(pilot)
        assert not isinstance(app.screen, ErrorDialog)


async def test_a_missing_editor_is_reported(library: Library,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "/nonexistent/editor --wait")
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert "Could not start the editor '/nonexistent/editor'" in " ".join(
            str(n.message) for n in app._notifications)
