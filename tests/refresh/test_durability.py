"""Durability: SIGKILL in the middle of refreshes, a first run killed while it
creates the database, and the TUI open while cron runs `toaster refresh`.

TOASTER_KILL_LOOPS sets how many refreshes are killed (default 12, for CI;
run long with e.g. TOASTER_KILL_LOOPS=200). TOASTER_KILL_SEED replays a run.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feedsamples import make_items, rss2
from feedserver import FeedServer
from pilot_helpers import wait_until
from toaster_tui.app.app import ToasterApp
from toaster_tui.store.database import Store
from toaster_tui.store.schema import LATEST_VERSION

LOOPS = int(os.environ.get("TOASTER_KILL_LOOPS", "12"))
SEED = int(os.environ.get("TOASTER_KILL_SEED", str(random.SystemRandom().randrange(10**6))))
FEEDS = 8
TOASTER = [sys.executable, "-m", "toaster_tui"]
FIXED_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

Key = tuple[str, str]  # (feed url, entry key)


def serve_revision(server: FeedServer, rev: int, feeds: int = FEEDS) -> list[str]:
    """Every feed at revision `rev`: 10 more entries on top each time, and every
    fourth entry retitled (an update in place) so refreshes both add and change."""
    urls = []
    for f in range(feeds):
        items = make_items(f"f{f}", 80 + 10 * rev)[::-1]  # oldest first: new ones get new ids
        items = [replace(it, title=f"{it.title} (revision {rev})") if i % 4 == 0 else it
                 for i, it in enumerate(items)][::-1]
        server.route(f"/feed{f}.xml", body=rss2(items, title=f"Feed {f}"))
        urls.append(server.url(f"/feed{f}.xml"))
    return urls


def write_config(path: Path, urls: list[str]) -> None:
    lines = ["[settings]", "refresh_minutes = 0", "timeout = 10", ""]
    for i, url in enumerate(urls):
        lines += ["[[feeds]]", f'url = "{url}"', f'topic = "{("News", "Science")[i % 2]}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def snapshot(db: Path) -> dict[Key, tuple[int, int]]:
    con = sqlite3.connect(db, timeout=30)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = con.execute("""SELECT f.url, a.key, a.read, a.starred FROM articles a
                              JOIN feeds f ON f.id = a.feed_id""").fetchall()
    finally:
        con.close()
    return {(url, key): (read, starred) for url, key, read, starred in rows}


def refresh(config: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*TOASTER, "refresh", "--config", str(config), "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)  # a group: the parse workers die too


def mark(db: Path, rnd: random.Random, state: dict[Key, tuple[int, int]],
         expected: dict[Key, tuple[int, int]]) -> None:
    """Another writer: flip read/starred on a few articles (as the TUI would)."""
    store = Store(db)
    try:
        ids = dict(store.db.execute(
            "SELECT f.url || char(0) || a.key, a.id FROM articles a JOIN feeds f "
            "ON f.id = a.feed_id").fetchall())
        for key in rnd.sample(sorted(state), k=min(6, len(state))):
            read, starred = rnd.random() < 0.7, rnd.random() < 0.3
            article = ids[f"{key[0]}\0{key[1]}"]
            store.set_read([article], read)
            store.set_starred(article, starred)
            expected[key] = (int(read), int(starred))  # committed: it must survive
    finally:
        store.close()


def test_sigkill_during_refreshes_loses_nothing(tmp_path: Path, server: FeedServer) -> None:
    rnd = random.Random(SEED)
    print(f"kill loop: {LOOPS} loops, TOASTER_KILL_SEED={SEED}")
    config, db = tmp_path / "config.toml", tmp_path / "toaster.db"
    write_config(config, serve_revision(server, 0))
    began = time.monotonic()
    first = refresh(config, db)
    assert first.wait(timeout=120) == 0, first.stderr.read() if first.stderr else ""
    duration = time.monotonic() - began
    expected: dict[Key, tuple[int, int]] = {}
    state = snapshot(db)
    mark(db, rnd, state, expected)
    kills = 0
    for rev in range(1, LOOPS + 1):
        serve_revision(server, rev)
        proc = refresh(config, db)
        deadline = time.monotonic() + rnd.uniform(0.05, duration * 1.3)
        if rnd.random() < 0.5:  # a second writer while the refresh writes
            mark(db, rnd, state, expected)
        time.sleep(max(0.0, deadline - time.monotonic()))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        after = snapshot(db)  # integrity_check inside
        lost = set(state) - set(after)
        assert not lost, f"seed {SEED}, loop {rev}: articles lost: {sorted(lost)[:5]}"
        wrong = {k: (after[k], v) for k, v in expected.items() if after[k] != v}
        assert not wrong, f"seed {SEED}, loop {rev}: read/starred changed: {wrong}"
        state = after
    assert kills >= LOOPS // 3, f"only {kills} of {LOOPS} refreshes were killed mid-way"
    final = refresh(config, db)
    _out, err = final.communicate(timeout=120)
    assert final.returncode == 0, err.decode()
    after = snapshot(db)
    assert all(after[k] == v for k, v in expected.items())
    assert len(after) == FEEDS * min(1000, 80 + 10 * LOOPS)  # parse keeps 1,000 per document


def test_sigkill_while_the_database_is_created(tmp_path: Path) -> None:
    """A first run killed while it creates and migrates the database: the next
    run opens it (or starts afresh), never a half-made schema."""
    rnd = random.Random(SEED)
    config = tmp_path / "config.toml"
    write_config(config, ["https://a.example/feed.xml"])
    for attempt in range(max(6, LOOPS // 2)):
        db = tmp_path / f"fresh{attempt}.db"
        proc = subprocess.Popen([*TOASTER, "feeds", "--config", str(config), "--db", str(db)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(rnd.uniform(0.05, 0.6))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        store = Store(db)  # opens, migrating whatever is left
        try:
            assert store.db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
            assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            store.close()


def test_a_new_connection_never_drops_the_locks_of_the_others(tmp_path: Path) -> None:
    """Regression: connect() used to read the file's header with open()/close().
    Closing any descriptor of a file drops all of the process's POSIX locks on
    it, those of its live SQLite connections too (SQLite's own bookkeeping then
    thinks they still hold them). Another process closing its connection could
    then believe it was the last user and delete the WAL under them: "database
    disk image is malformed", and corruption on the next write."""
    db = tmp_path / "toaster.db"
    first = Store(db)
    try:
        first.sync_feeds([])
        first.db.execute("CREATE TABLE IF NOT EXISTS probe (x)")
        first.db.execute("INSERT INTO probe VALUES (1)")  # the WAL has frames now
        second = Store(db)  # a TUI opens one per worker thread
        try:
            assert Path(f"{db}-wal").exists()
            other = subprocess.run(
                [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                 "c.execute('SELECT count(*) FROM probe').fetchone(); c.close()", str(db)],
                capture_output=True, timeout=30)
            assert other.returncode == 0, other.stderr
            # Our connections still hold their shared lock: the other process was
            # not the last user, so it left the WAL alone.
            assert Path(f"{db}-wal").exists(), "another process deleted the WAL under us"
            assert second.db.execute("SELECT count(*) FROM probe").fetchone()[0] == 1
        finally:
            second.close()
    finally:
        first.close()


# --- the TUI open while cron refreshes ---------------------------------------------------------

async def _wait(pilot: Any, check: Callable[[], bool], what: str,
                timeout: float = 20) -> None:
    await wait_until(pilot, check, timeout, what)


def _notes(app: ToasterApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_tui_open_while_cron_refreshes(tmp_path: Path, server: FeedServer) -> None:
    config, db = tmp_path / "config.toml", tmp_path / "toaster.db"
    urls = serve_revision(server, 0, feeds=6)
    write_config(config, urls)
    assert subprocess.run([*TOASTER, "refresh", "--config", str(config), "--db", str(db)],
                          capture_output=True, timeout=120).returncode == 0
    cron: list[subprocess.CompletedProcess[bytes]] = []

    def cron_job() -> None:
        for rev in (1, 2, 3):
            serve_revision(server, rev, feeds=6)
            cron.append(subprocess.run(
                [*TOASTER, "refresh", "--config", str(config), "--db", str(db)],
                capture_output=True, timeout=120))

    app = ToasterApp(config, db, now=lambda: FIXED_NOW, config_check_seconds=3600)
    opened: list[int] = []
    starred: list[int] = []
    async with app.run_test(size=(140, 44)) as pilot:
        main = app.main
        await _wait(pilot, lambda: len(main.articles.rows) >= 100, "the articles")
        worker = threading.Thread(target=cron_job, daemon=True)
        worker.start()
        main.articles.focus()
        step = 0
        while worker.is_alive():
            row = main.articles.current
            if row is not None:
                await pilot.press("enter")  # opens it: marks it read
                opened.append(row.id)
                if step % 3 == 0:
                    await pilot.press("s")
                    await _wait(pilot, lambda r=row: (main.articles.row_by_id(r.id) or r).starred,
                                "the star")
                    starred.append(row.id)
                main.articles.focus()
                await pilot.press("j")
            if step == 4:
                await pilot.press("R")  # the app's own refresh, on top of cron's
            step += 1
            await pilot.pause(0.1)
        worker.join()
        await _wait(pilot, lambda: not app.refreshing, "the app's refresh", timeout=60)
        await pilot.app.workers.wait_for_complete()
        # Moving to the list again re-reads it: cron's new articles are there.
        main.show_listing()
        await _wait(pilot, lambda: any("(revision 3)" in r.title for r in main.articles.rows),
                    "cron's newest articles in the list")
        assert not any("locked" in note.lower() for note in _notes(app)), _notes(app)
    assert len(cron) == 3
    for run in cron:
        assert run.returncode == 0, run.stderr.decode()
        assert b"locked" not in run.stderr.lower()
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        reads = dict(con.execute("SELECT id, read FROM articles").fetchall())
        stars = dict(con.execute("SELECT id, starred FROM articles").fetchall())
    finally:
        con.close()
    assert opened and all(reads[i] == 1 for i in opened), "a read mark was lost"
    assert starred and all(stars[i] == 1 for i in starred), "a star was lost"


async def test_tui_picks_up_a_cron_refresh_by_itself(tmp_path: Path, server: FeedServer) -> None:
    config, db = tmp_path / "config.toml", tmp_path / "toaster.db"
    write_config(config, serve_revision(server, 0, feeds=2))
    assert subprocess.run([*TOASTER, "refresh", "--config", str(config), "--db", str(db)],
                          capture_output=True, timeout=120).returncode == 0
    app = ToasterApp(config, db, now=lambda: FIXED_NOW, config_check_seconds=1)
    async with app.run_test(size=(140, 44)) as pilot:
        main = app.main
        await _wait(pilot, lambda: len(main.articles.rows) >= 100, "the articles")
        await _wait(pilot, lambda: main.sidebar_data is not None, "the unread counts")
        assert main.sidebar_data is not None
        unread = main.sidebar_data.counts.total
        selected = main.articles.current
        assert selected is not None
        serve_revision(server, 1, feeds=2)
        done = await asyncio.to_thread(subprocess.run, [*TOASTER, "refresh", "--config",
                                       str(config), "--db", str(db)], capture_output=True)
        assert done.returncode == 0
        await _wait(pilot, lambda: any("(revision 1)" in r.title for r in main.articles.rows),
                    "the new articles, without a key press", timeout=15)
        await _wait(pilot, lambda: main.sidebar_data is not None
                    and main.sidebar_data.counts.total > unread, "the unread count to rise")
        current = main.articles.current
        assert current is not None and current.id == selected.id, "the selection moved"
