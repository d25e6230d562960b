"""Fixtures for the TUI tests (the XDG dirs are isolated by tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_helpers import Library, StaticServer, write_library


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return write_library(tmp_path / "lib")


@pytest.fixture
def feed_server(tmp_path: Path) -> Iterator[StaticServer]:
    root = tmp_path / "www"
    root.mkdir()
    with StaticServer(root) as server:
        yield server
