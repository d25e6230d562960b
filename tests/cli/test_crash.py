"""A bug never shows a traceback: one line, a crash log with the details, exit 70."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from clirunner import Cli
from feedsamples import make_items, rss2
from feedserver import FeedServer
from toaster_tui.cli import feeds_commands, reading_commands


def _files(cli: Cli) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (cli.config, cli.db) if p.exists()}


def _subscribed(cli: Cli, server: FeedServer) -> None:
    server.route("/feed.xml", body=rss2(make_items("a", 3)))
    assert cli("add", server.url("/feed.xml")).code == 0


def _bug(error: Exception) -> Callable[..., str]:
    """A stand-in for a function of ours that has a bug."""
    def broken(*args: object, **kwargs: object) -> str:
        raise error

    return broken


def test_an_unexpected_error_is_one_line_and_a_crash_log(
        cli: Cli, server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    _subscribed(cli, server)
    assert cli("refresh").code == 0
    before = _files(cli)

    monkeypatch.setattr(reading_commands, "article_line",
                        _bug(ZeroDivisionError("a bug in the listing")))
    result = cli("articles")

    assert result.code == 70
    [line] = result.err.splitlines()
    assert "unexpected error" in line and "ZeroDivisionError: a bug in the listing" in line
    assert "Traceback" not in result.err + result.out
    log = Path(line.rsplit(" in ", 1)[1])
    state = Path(os.environ["XDG_STATE_HOME"])
    assert log.is_file() and state in log.parents  # the user's state dir, never the cwd
    report = log.read_text("utf-8")
    assert "Traceback (most recent call last)" in report and "def broken" not in report
    assert "in broken" in report and "ZeroDivisionError: a bug in the listing" in report
    assert _files(cli) == before  # the config and the cache are as they were


def test_no_crash_log_location_still_gives_one_line(
        cli: Cli, server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _subscribed(cli, server)
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the state dir should be", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocked))
    monkeypatch.setattr(feeds_commands, "feed_line", _bug(RuntimeError("boom")))
    result = cli("feeds")
    assert result.code == 70
    [line] = result.err.splitlines()
    assert "RuntimeError: boom" in line and "no crash log" in line
