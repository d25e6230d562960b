"""The hostile corpus through the real fetch -> parse -> store path, and back out
through the CLI: bounded, reported in plain words, nothing unsafe anywhere."""

from __future__ import annotations

import json
import os
import re
import sqlite3

import pytest

from hostile.cases import CASES, FAMILIES, Case
from hostile.conftest import (
    MEMORY_LIMIT,
    TIMEOUT,
    WALL,
    HostileRun,
    assert_clean,
    assert_clean_json,
)

PER_FEED = float(os.environ.get("TOASTER_HOSTILE_PER_FEED", "30"))
"""Seconds one feed may take from the start of the refresh: fetch, parse, store."""
PYTHONISMS = re.compile(r"Traceback|\b[A-Z]\w*(?:Error|Exception)\b|\bline \d+, in\b")


def plain_words(error: str | None, case: str) -> str:
    assert error, f"{case}: no error recorded"
    assert_clean(error, f"{case} error")
    assert len(error) <= 300, f"{case}: error too long ({len(error)} chars)"
    assert not PYTHONISMS.search(error), f"{case}: not plain words: {error!r}"
    return error


def test_the_run_finished_and_every_feed_was_reported(hostile_run: HostileRun) -> None:
    assert hostile_run.code == 1, hostile_run.stderr[-2000:]  # some feeds failed, by design
    assert hostile_run.wall < WALL
    assert "Traceback" not in hostile_run.stderr, hostile_run.stderr[-3000:]
    summary = hostile_run.stdout.strip().splitlines()[-1]
    assert re.fullmatch(rf"{len(hostile_run.urls)} feeds: \d+ new articles, \d+ unchanged, "
                        r"\d+ failed", summary), summary
    missing = set(hostile_run.urls.values()) - set(hostile_run.finish)
    assert not missing, f"feeds without an outcome: {sorted(missing)}"


def test_every_feed_ends_within_the_bound(hostile_run: HostileRun) -> None:
    names = {url: name for name, url in hostile_run.urls.items()}
    slow = {names[url]: round(t, 1) for url, t in hostile_run.finish.items() if t > PER_FEED}
    assert not slow, f"feeds over {PER_FEED:g} s: {slow}"


def test_the_server_saw_every_request_end_within_the_timeout(hostile_run: HostileRun) -> None:
    """From the server's side: the client hangs up within its budget (plus slack)."""
    too_long = {hit.path: round(hit.seconds, 1) for hit in hostile_run.server.hits
                if hit.seconds > TIMEOUT + 3}
    assert not too_long, too_long


def test_memory_stays_bounded(hostile_run: HostileRun) -> None:
    assert hostile_run.peak_rss > 0
    assert hostile_run.peak_rss < MEMORY_LIMIT, (
        f"peak RSS of the refresh and its workers: {hostile_run.peak_rss / 2**20:.0f} MB")


def test_the_ordinary_feeds_in_the_same_refresh_are_fine(hostile_run: HostileRun) -> None:
    for name, count in (("control-rss", 5), ("control-json", 4)):
        url = hostile_run.url(name)
        feed = hostile_run.feeds[url]
        assert feed["error"] is None, feed
        assert feed["last_status"] == 200
        assert len(hostile_run.articles[url]) == count
        assert all(r["url"].startswith("https://control.example/")
                   for r in hostile_run.articles[url])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_outcome(hostile_run: HostileRun, case: Case) -> None:
    url = hostile_run.url(case)
    feed = hostile_run.feeds[url]
    rows = hostile_run.articles.get(url, [])
    error = feed["error"]
    if case.expect == "ok":
        assert error is None, f"{case.name} failed: {error!r}"
    elif case.expect == "fail":
        error = plain_words(error, case.name)
        assert re.search(case.error, error, re.I), f"{case.name}: {error!r} !~ {case.error}"
    elif error is not None:
        plain_words(error, case.name)
    if case.check is not None and (case.expect == "ok" or rows):
        case.check(rows)
    for path in case.forbidden_paths:
        assert not hostile_run.server.hits_for(path), f"{case.name}: {path} was fetched"


def test_families_are_all_covered() -> None:
    assert FAMILIES == ["content", "http", "size", "time", "xml"]
    assert len(CASES) >= 100


def test_the_secret_file_never_leaks(hostile_run: HostileRun) -> None:
    secret = hostile_run.secret.encode()
    for path in hostile_run.tmp.glob("toaster.db*"):
        assert secret not in path.read_bytes(), f"secret in {path.name}"
    for label, text in hostile_run.outputs.items():
        assert hostile_run.secret not in text, f"secret in the output of {label}"
    assert "FETCHED-DTD" not in json.dumps(hostile_run.articles)
    assert "FETCHED-ENTITY" not in json.dumps(hostile_run.articles)


def test_every_stored_string_is_terminal_safe(hostile_run: HostileRun) -> None:
    db = sqlite3.connect(hostile_run.db)
    try:
        for table in ("articles", "feeds"):
            columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
            for row in db.execute(f"SELECT * FROM {table}"):
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, str):
                        assert_clean(value, f"{table}.{column} (row {row[0]})")
    finally:
        db.close()


def test_every_cli_output_is_terminal_safe(hostile_run: HostileRun) -> None:
    assert len(hostile_run.outputs) > 100
    for label, text in hostile_run.outputs.items():
        assert_clean(text, label)
        if "--json" in label:
            assert_clean_json(json.loads(text), label)


def test_links_shown_or_stored_are_http_only(hostile_run: HostileRun) -> None:
    for rows in hostile_run.articles.values():
        for row in rows:
            assert row["url"] is None or re.match(r"https?://[^\s]", row["url"]), row["url"]
    # The Markdown body (what the reader pane renders): every link is http(s);
    # an escaped "\]" is text, not a link.
    link = re.compile(r"(?<!\\)\]\(([^)\s]*)\)")
    for label, text in hostile_run.outputs.items():
        if label.startswith("show") and label.endswith("--json"):
            body = json.loads(text)["text"]
            for target in link.findall(body):
                assert target.startswith(("http://", "https://")), (label, target)


def test_the_database_is_intact(hostile_run: HostileRun) -> None:
    db = sqlite3.connect(hostile_run.db)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
