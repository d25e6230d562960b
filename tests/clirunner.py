"""Runs the `toaster` CLI in-process against one config and database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from toaster_tui.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> object:
        return json.loads(self.out)


@dataclass
class Cli:
    """Runs `toaster` in-process against one config and database."""

    config: Path
    db: Path
    capsys: pytest.CaptureFixture[str]

    def __call__(self, *args: str) -> Result:
        self.capsys.readouterr()
        code = main([*args, "--config", str(self.config), "--db", str(self.db)])
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)
