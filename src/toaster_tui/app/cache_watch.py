"""Notice articles another process (e.g. `toaster refresh` from cron) wrote to the cache.

A thread of its own polls `PRAGMA data_version` on a connection of its own
(SQLite changes that number only when some *other* connection commits), so
the UI event loop never waits on the disk. When it moved, a cheap signature
of what a refresh writes (the newest article id, the feeds' fetch times)
tells a refresh's commit from the app's own read and star marks, which are
on other connections too but must not re-query the list under the reader.
Read marks made by another process therefore show on the next move or
refresh, as before.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from textual.message import Message

from toaster_tui.core.errors import StorageError
from toaster_tui.store.database import connect

__all__ = ["CACHE_POLL_SECONDS", "CacheChanged", "CacheWatch"]

CACHE_POLL_SECONDS = 2.0
"""Seconds between looks at the cache: soon enough that a cron refresh shows
while the user reads, rare enough to cost nothing."""
STOP_WAIT = 1.0
"""Seconds `stop` waits for the thread: quitting never hangs on a slow disk."""

# Every refresh write stamps feeds.last_fetched (ok, 304 or failure) and new
# entries take new ids; read and star marks change neither.
_SIGNATURE = "SELECT (SELECT max(id) FROM articles), (SELECT sum(last_fetched) FROM feeds)"

Signature = tuple[object, ...]


class CacheChanged(Message):
    """Another process (e.g. cron's `toaster refresh`) wrote to the cache."""


class CacheWatch:
    """Calls `on_change` (from its own thread) when another process refreshed the cache."""

    def __init__(self, db_path: Path, on_change: Callable[[], object],
                 interval: float = CACHE_POLL_SECONDS) -> None:
        self.db_path = db_path
        self.interval = interval
        self._on_change = on_change
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="toaster-cache-watch",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """End the thread (it closes its connection itself)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(STOP_WAIT)

    def _run(self) -> None:
        db: sqlite3.Connection | None = None
        version: int | None = None
        signature: Signature | None = None
        try:
            while not self._stop.is_set():
                try:
                    if db is None:
                        db = connect(self.db_path)
                        version = None  # compare with what was seen before it closed
                    now = _version(db)
                    if now != version:
                        version = now
                        fresh = _signature(db)
                        if signature is not None and fresh != signature:
                            self._on_change()
                        signature = fresh
                except (sqlite3.Error, StorageError):
                    # A cache briefly unreadable (locked, being replaced): open
                    # it afresh next time rather than give up watching.
                    if db is not None:
                        with contextlib.suppress(sqlite3.Error):
                            db.close()
                    db = None
                self._stop.wait(self.interval)
        finally:
            if db is not None:
                with contextlib.suppress(sqlite3.Error):
                    db.close()


def _version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA data_version").fetchone()[0])


def _signature(db: sqlite3.Connection) -> Signature:
    return tuple(db.execute(_SIGNATURE).fetchone())
