"""A bug inside the running app: the terminal gets one line, the crash log the traceback."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from tui_helpers import Library

from toaster_tui import cli
from toaster_tui.app.app import ToasterApp


def _state(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, title, read, starred FROM articles ORDER BY id").fetchall()


def test_a_bug_in_the_app_ends_it_with_one_line_and_a_crash_log(
        library: Library, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    config_before = library.config_path.read_bytes()
    articles_before = _state(library.db_path)
    assert articles_before

    def broken(self: ToasterApp, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug in the app")

    # The first read of config.toml runs as the main screen mounts: the bug fires there.
    monkeypatch.setattr(ToasterApp, "reload_config", broken)
    run = ToasterApp.run
    monkeypatch.setattr(ToasterApp, "run",
                        lambda self, **kw: run(self, **{**kw, "headless": True}))

    code = cli.main(["--config", str(library.config_path), "--db", str(library.db_path)])

    captured = capsys.readouterr()
    assert code == 70
    [line] = captured.err.splitlines()
    assert line.startswith("toaster: unexpected error")
    assert "ZeroDivisionError: a bug in the app" in line
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    log = Path(line.rsplit(" in ", 1)[1])
    assert Path(os.environ["XDG_STATE_HOME"]) in log.parents
    report = log.read_text("utf-8")
    assert "Traceback" in report and "a bug in the app" in report and "broken" in report
    assert library.config_path.read_bytes() == config_before
    assert _state(library.db_path) == articles_before
