"""Entry points the CLI calls: the TUI on the user's files, and the offline demo."""

from __future__ import annotations

import tempfile
from pathlib import Path

from toaster_tui.app.app import ToasterApp
from toaster_tui.demo.session import DemoRefresher, seed_demo
from toaster_tui.store.database import Store

__all__ = ["run_app", "run_demo"]


def run_app(config_path: Path, db_path: Path) -> int:
    """Run the TUI; returns the exit code."""
    # Open (and migrate) the database before the screen takes over, so an
    # unusable file is one clear line on stderr (StorageError) and exit 1.
    Store(db_path).close()
    app = ToasterApp(config_path, db_path)
    app.run()
    return app.return_code or 0


def run_demo() -> int:
    """The TUI on the bundled sample feeds, in a temporary directory removed on exit."""
    with tempfile.TemporaryDirectory(prefix="toaster-demo-") as tmp:
        config_path, db_path = seed_demo(Path(tmp))
        app = ToasterApp(config_path, db_path, demo=True, refresher=DemoRefresher)
        app.run()
        return app.return_code or 0
