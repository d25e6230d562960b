"""SVG snapshots: fixed feeds, fixed clock, fixed terminal size.

Update after a deliberate change of the look with
`python -m pytest tests/app/test_tui_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import Library, make_app, settle, wait_until, write_library

from toaster_tui.app.app import ToasterApp
from toaster_tui.app.screens.add_feed import AddFeedDialog
from toaster_tui.app.screens.error import ErrorDialog
from toaster_tui.app.screens.help import HelpScreen

SIZE = (120, 36)
Compare = Callable[..., bool]


def steps(*keys: str, until: Callable[[ToasterApp], bool] | None = None) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
        if until is not None:
            app = pilot.app
            assert isinstance(app, ToasterApp)
            await wait_until(pilot, lambda: until(app))
        await settle(pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False  # a blinking cursor would make the image flaky
        await pilot.pause()

    return run_before


def test_main_screen(snap_compare: Compare, library: Library) -> None:
    assert snap_compare(make_app(library), terminal_size=SIZE, run_before=steps())


def test_main_screen_light_theme(snap_compare: Compare, library: Library) -> None:
    app = make_app(library)
    app.theme = "textual-light"
    assert snap_compare(app, terminal_size=SIZE, run_before=steps())


def test_rich_article_in_the_reader(snap_compare: Compare, library: Library) -> None:
    assert snap_compare(make_app(library), terminal_size=(140, 60),
                        run_before=steps("j", "enter"))


def test_narrow_article_list(snap_compare: Compare, library: Library) -> None:
    # Under 120 columns the list takes the width (tests/app/test_tui_narrow.py).
    assert snap_compare(make_app(library), terminal_size=(80, 24), run_before=steps())


def test_narrow_reader(snap_compare: Compare, library: Library) -> None:
    # Once the counts show the article read (they follow a short timer, not a worker).
    assert snap_compare(make_app(library), terminal_size=(80, 24), run_before=steps(
        "j", "enter", until=lambda app: app.main.sidebar._counts.get(("all", None)) == 6))


def test_help_screen(snap_compare: Compare, library: Library) -> None:
    assert snap_compare(make_app(library), terminal_size=(120, 48), run_before=steps(
        "question_mark", until=lambda app: isinstance(app.screen, HelpScreen)))


def test_add_feed_dialog(snap_compare: Compare, library: Library) -> None:
    assert snap_compare(make_app(library), terminal_size=SIZE, run_before=steps(
        "a", until=lambda app: isinstance(app.screen, AddFeedDialog)))


def test_config_error_dialog(snap_compare: Compare, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    lib = write_library(tmp_path / "lib")
    lib.config_path.write_text('[settings]\nrefresh_minutes = "often"\n', encoding="utf-8")
    # Relative paths: the dialog shows the path, and the image must not depend on tmp_path.
    monkeypatch.chdir(lib.config_path.parent)
    app = make_app(Library(Path("config.toml"), Path("toaster.db")))
    assert snap_compare(app, terminal_size=SIZE, run_before=steps(
        until=lambda app: isinstance(app.screen, ErrorDialog)))
