"""Driving a headless Textual app: wait for what the user would see, read the screen."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import Any

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot


async def wait_until(pilot: Pilot[Any], check: Callable[[], bool], timeout: float = 10.0,
                     what: str = "condition") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


def screen_text(app: App[Any]) -> str:
    """The terminal as the user sees it, as plain text (like capture-pane)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False,
                      safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


def shown_error(app: App[Any]) -> str:
    """The message of the error dialog on screen, whole: the screen wraps long paths."""
    from textual.widgets import Static

    return str(app.screen.query_one("#error-message", Static).content)
