"""Fixtures for the TUI tests (the XDG dirs are isolated by tests/conftest.py)."""

from __future__ import annotations

import webbrowser
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


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs the app asked the web browser to open (none really opens)."""
    opened: list[str] = []

    def fake_open(url: str, new: int = 0) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    return opened
