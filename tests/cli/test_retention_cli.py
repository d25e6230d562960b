"""Retention end to end: keep_days after a refresh, `toaster vacuum`, and a kill -9 in a vacuum."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from clirunner import Cli
from feedsamples import Item, make_items, rss2
from feedserver import FeedServer
from toaster_tui.store.database import Store

NOW = datetime.now(UTC)


def old_and_new_items(prefix: str, count: int) -> list[Item]:
    """`count` items a day apart, the newest an hour old: half are over `count // 2` days."""
    return make_items(prefix, count, start=NOW - timedelta(hours=1), step=timedelta(days=1))


def marks(db_path: Path) -> dict[str, tuple[int, int]]:
    with sqlite3.connect(db_path) as db:
        return {t: (r, s) for t, r, s in db.execute("SELECT title, read, starred FROM articles")}


def set_marks(db_path: Path, read: list[str], starred: list[str]) -> None:
    store = Store(db_path)
    try:
        ids = dict(store.db.execute("SELECT title, id FROM articles").fetchall())
        store.set_read([ids[t] for t in read], True)
        for title in starred:
            store.set_starred(ids[title], True)
    finally:
        store.close()


def test_keep_days_deletes_old_read_unstarred_and_they_never_return(
        cli: Cli, server: FeedServer) -> None:
    route = server.route("/blog.xml", body=rss2(old_and_new_items("blog", 10), title="Blog"))
    server.route("/forever.xml", body=rss2(old_and_new_items("keep", 10), title="Forever"))
    cli.config.write_text(f"""[settings]
refresh_minutes = 0
keep_days = 5

[[feeds]]
url = "{server.url('/blog.xml')}"

[[feeds]]
url = "{server.url('/forever.xml')}"
keep_days = 0
""", encoding="utf-8")
    assert cli("refresh").code == 0
    # Stories 0..9 are 0..9 days old: 6..9 are past keep_days = 5.
    set_marks(cli.db, read=["Blog story 1", "Blog story 6", "Blog story 7", "Blog story 8",
                            "Keep story 9"],
              starred=["Blog story 8"])

    result = cli("refresh")
    assert result.code == 0, result.err
    assert "; 2 old read articles removed (keep_days)" in result.out
    left = marks(cli.db)
    assert "Blog story 6" not in left and "Blog story 7" not in left  # read, old: gone
    assert left["Blog story 8"] == (1, 1)  # starred: kept
    assert left["Blog story 9"] == (0, 0)  # unread: kept
    assert left["Blog story 1"] == (1, 0)  # read but recent: kept
    assert left["Keep story 9"] == (1, 0)  # keep_days = 0 on its feed: kept

    # The feed still carries the deleted stories (and changed, so it is parsed
    # again): they do not come back, neither as new nor at all.
    route.body = rss2(old_and_new_items("blog", 10), title="Blog, renamed")
    again = cli("refresh")
    assert again.out.startswith("2 feeds: 0 new articles"), again.out
    assert "Blog story 6" not in marks(cli.db)
    # A brand-new story still arrives.
    route.body = rss2([Item("blog-new", "Fresh", "https://example.org/fresh", NOW),
                       *old_and_new_items("blog", 10)], title="Blog")
    assert cli("refresh").out.startswith("2 feeds: 1 new articles")


def test_vacuum_reports_and_shrinks_the_file_and_the_index(cli: Cli, server: FeedServer) -> None:
    items = [Item(f"big-{n}", f"Big story {n}", f"https://example.org/big/{n}",
                  NOW - timedelta(days=30 + n),
                  html="<p>" + f"zanzibarian{n} longword padding text " * 300 + "</p>")
             for n in range(200)]
    server.route("/big.xml", body=rss2(items, title="Big"))
    cli.config.write_text(f"""[settings]
refresh_minutes = 0

[[feeds]]
url = "{server.url('/big.xml')}"
""", encoding="utf-8")
    assert cli("refresh").code == 0
    set_marks(cli.db, read=[f"Big story {n}" for n in range(200) if n != 7],
              starred=["Big story 3"])
    nothing = cli("vacuum")  # keep_days = 0: nothing goes
    assert nothing.code == 0, nothing.err
    assert "removed 0 read, unstarred articles" in nothing.out
    assert len(marks(cli.db)) == 200

    cli.config.write_text(cli.config.read_text(encoding="utf-8")
                          .replace("refresh_minutes = 0\n", "refresh_minutes = 0\nkeep_days = 7\n"),
                          encoding="utf-8")
    result = cli("vacuum")
    assert result.code == 0, result.err
    assert "removed 198 read, unstarred articles older than keep_days" in result.out
    sizes = [line for line in result.out.splitlines() if line.startswith("database size:")]
    assert len(sizes) == 1
    before, after = (int(part.split("(")[1].split(" bytes")[0].replace(",", ""))
                     for part in sizes[0].split(" before, "))
    assert after < before / 3, sizes[0]
    assert after == cli.db.stat().st_size  # the WAL was folded in
    assert "compacting the database file…" in result.err
    assert set(marks(cli.db)) == {"Big story 3", "Big story 7"}
    # The search index lost the deleted articles' words.
    gone = cli("articles", "--search", "zanzibarian12", "--json").json()
    assert gone == []
    kept = cli("articles", "--search", "zanzibarian7", "--json").json()
    assert isinstance(kept, list) and [r["title"] for r in kept] == ["Big story 7"]
    with sqlite3.connect(cli.db) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        assert db.execute("SELECT count(*) FROM forgotten").fetchone()[0] == 198


@pytest.mark.parametrize("step", [b"removing read articles", b"merging the search index",
                                  b"compacting the database file"])
def test_kill_during_vacuum_loses_no_starred_or_unread(step: bytes, cli: Cli,
                                                       server: FeedServer) -> None:
    items = [Item(f"s-{n}", f"Story {n}", f"https://example.org/s/{n}",
                  NOW - timedelta(days=10 + n % 50),
                  html="<p>" + f"filler{n} words for a bigger index " * 200 + "</p>")
             for n in range(1000)]
    server.route("/many.xml", body=rss2(items, title="Many"))
    cli.config.write_text(f"""[settings]
refresh_minutes = 0
max_bytes = 104857600

[[feeds]]
url = "{server.url('/many.xml')}"
keep_days = 30
""", encoding="utf-8")
    assert cli("refresh").code == 0, "refresh failed"
    titles = [f"Story {n}" for n in range(1000)]
    set_marks(cli.db, read=[t for i, t in enumerate(titles) if i % 3], starred=titles[::7])
    before = marks(cli.db)
    precious = {t: m for t, m in before.items() if m[0] == 0 or m[1] == 1}

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "toaster_tui", "vacuum", "--config", str(cli.config),
         "--db", str(cli.db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    # Kill it as soon as it starts the step: the step takes ~0.1 s, the kill ~1 ms.
    for raw in proc.stderr:
        if step in raw:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    with sqlite3.connect(cli.db) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    after = marks(cli.db)
    for title, mark in precious.items():
        assert after.get(title) == mark, title
    # What was deleted was read, unstarred and old; the rest is all there.
    assert all(before[t] == (1, 0) for t in set(before) - set(after))
    # And the next vacuum finishes the job.
    finish = cli("vacuum")
    assert finish.code == 0, finish.err
    with sqlite3.connect(cli.db) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
