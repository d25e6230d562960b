"""Entry points the CLI calls: the TUI on the user's files, and the offline demo."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from rich.console import Console

from toaster_tui.app.app import ToasterApp
from toaster_tui.core.errors import Crashed
from toaster_tui.store.database import Store

__all__ = ["run_app", "run_demo", "run_until_exit", "welcome"]


def run_app(config_path: Path, db_path: Path, *, first_run: bool = False) -> int:
    """Run the TUI; returns the exit code. `first_run`: config.toml was just made."""
    # Open (and migrate) the database before the screen takes over, so an
    # unusable file is one clear line on stderr (StorageError) and exit 1.
    Store(db_path).close()
    app = ToasterApp(config_path, db_path)
    if first_run:
        welcome(app)
    return run_until_exit(app)


def welcome(app: ToasterApp) -> None:
    """Say where the new config.toml is: the line on stderr is hidden by the screen."""
    app.notify(f"Welcome! Your subscriptions are in {app.config_path}, a starter list "
               "of indie and journalism feeds: e edits it, a adds a feed, d removes one.",
               title="First run", timeout=20)


def run_demo() -> int:
    """The TUI on the bundled sample feeds, in a temporary directory removed on exit."""
    with tempfile.TemporaryDirectory(prefix="toaster-demo-") as tmp:
        from toaster_tui.demo.session import DemoRefresher, seed_demo

        config_path, db_path = seed_demo(Path(tmp))
        return run_until_exit(ToasterApp(config_path, db_path, demo=True,
                                         refresher=DemoRefresher))


def run_until_exit(app: ToasterApp, *, headless: bool = False) -> int:
    """Run `app` to its end; an unexpected error raises Crashed instead of printing.

    Textual renders an unhandled exception's traceback on its error console once
    the terminal is restored; that console writes into a buffer here, so the
    traceback goes to the crash log and the user gets one line (cli.crashed).
    """
    report = io.StringIO()
    app.error_console = Console(file=report, width=120, markup=False, highlight=False,
                                color_system=None)
    app.run(headless=headless)
    details = report.getvalue()
    if details.strip():
        lines = [line.strip() for line in details.splitlines() if line.strip()]
        raise Crashed(lines[-1], details)
    return app.return_code or 0
