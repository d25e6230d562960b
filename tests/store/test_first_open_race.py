"""Two processes opening a new cache at the same moment (the app and a cron
`toaster refresh`) must both end with a usable database, not "table already exists"."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from toaster_tui.store.schema import LATEST_VERSION, migrate


def test_two_first_opens_at_once_both_end_with_the_latest_schema(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    # A third connection holds the write lock, so both openers read version 0
    # and then queue for the lock with the same first step: the race, every time.
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    openers = [sqlite3.connect(path, isolation_level=None, timeout=20, check_same_thread=False)
               for _ in range(2)]
    errors: list[BaseException] = []

    def open_cache(db: sqlite3.Connection) -> None:
        try:
            migrate(db, str(path))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_cache, args=(db,)) for db in openers]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # both have read user_version = 0 and wait on BEGIN IMMEDIATE
    blocker.execute("COMMIT")
    for thread in threads:
        thread.join(30)

    assert errors == []
    for db in openers:
        assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert db.execute("SELECT count(*) FROM feeds").fetchone()[0] == 0
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
    blocker.close()
