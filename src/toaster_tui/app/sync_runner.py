"""A sync with the feed server of [sync], on a thread of its own, one at a time.

sync.engine.run_sync blocks (HTTP, then SQLite), and the password command may
take up to 30 s: both run on a daemon thread, so no key ever waits for them and
quitting never waits for a slow server (a sync stopped at any point loses
nothing: see sync/engine.py). The thread reports to a `SyncView` (the main
screen) only through its `post_call`, which runs a call on the event loop.

An automatic sync (the app's start and its refresh timer) runs when the last
one is older than [settings] refresh_minutes (0: only by hand, `S`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from toaster_tui.core.errors import ToasterError
from toaster_tui.core.models import Config, SyncSpec
from toaster_tui.core.rules import FilterRule
from toaster_tui.refresh.due import TICK_MINUTES, slack_seconds, tick_minutes
from toaster_tui.store.database import Store
from toaster_tui.store.synced import read_state, write_state
from toaster_tui.sync.credentials import sync_password

if TYPE_CHECKING:
    from toaster_tui.sync.engine import SyncReport

__all__ = ["NO_SYNC", "SyncRunner", "SyncView", "timer_minutes"]

NO_SYNC = ("No feed server set up: add a [sync] table (url, username, password_command) "
           "to config.toml; the README's Sync section says how.")

class SyncView(Protocol):
    """What a sync tells the screen, always on the event loop."""

    def post_call(self, fn: Callable[[], object]) -> None:
        """Run `fn` on the event loop; called from any thread, never blocks."""
        ...

    def sync_started(self) -> None: ...

    def sync_progress(self, text: str) -> None: ...

    def sync_finished(self, report: SyncReport | None, error: str | None, auto: bool) -> None:
        """`error`: one line, also stored as the sync state's last_error."""
        ...


def timer_minutes(config: Config) -> int:
    """How often the app's timer looks for due feeds, and for a due sync."""
    minutes = tick_minutes(config)
    every = config.settings.refresh_minutes
    if config.sync is None or every <= 0:
        return minutes
    return min(minutes or TICK_MINUTES, every, TICK_MINUTES)


class SyncRunner:
    """Starts syncs of the cache at `db_path`; a second one while one runs is refused."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._lock = threading.Lock()
        """Held from `start` until the thread is done: never two syncs at once."""

    @property
    def running(self) -> bool:
        return self._lock.locked()

    def start(self, config: Config, view: SyncView, *, auto: bool = False) -> bool:
        """Sync in the background; False when there is no [sync], an automatic sync
        is off (refresh_minutes 0), or a sync is already running."""
        spec, every = config.sync, config.settings.refresh_minutes
        if spec is None or (auto and every <= 0):
            return False
        if not self._lock.acquire(blocking=False):
            return False
        try:
            thread = threading.Thread(
                target=self._run, args=(spec, config.settings.timeout, config.filters, view,
                                        every if auto else None),
                name="toaster-sync", daemon=True)
            thread.start()
        except BaseException:
            self._lock.release()
            raise
        return True

    def _run(self, spec: SyncSpec, timeout: float, filters: tuple[FilterRule, ...],
             view: SyncView, every: int | None) -> None:
        post = view.post_call
        report: SyncReport | None = None
        error: str | None = None
        try:
            if every is not None and not self._due(every):
                return
            post(view.sync_started)
            # The sync's client (httpx) on this thread, when a sync runs: not at start.
            from toaster_tui.sync.engine import run_sync

            password = sync_password(spec)
            report = run_sync(self.db_path, spec, password, timeout=timeout, filters=filters,
                              progress=lambda text: post(partial(view.sync_progress, text)))
        except ToasterError as exc:  # SyncError (server, password), StorageError
            error = str(exc)
        except Exception as exc:  # a bug: one line on the status line, never a crash
            error = f"{type(exc).__name__}: {exc}"
        finally:
            if error is not None:
                self._note_failure(error)  # the engine notes its own; a password's is not
            self._lock.release()
        post(partial(view.sync_finished, report, error, every is not None))

    def _due(self, every: int) -> bool:
        state = self._state()
        stamps = [float(v) for k in ("last_sync", "last_attempt")
                  if (v := state.get(k, "")).isdigit()]
        if not stamps:
            return True
        return time.time() - max(stamps) >= every * 60 - slack_seconds(every)

    def _state(self) -> dict[str, str]:
        store = Store(self.db_path)
        try:
            return read_state(store.db)
        finally:
            store.close()

    def _note_failure(self, error: str) -> None:
        """Keep the error for the status line (and `toaster`'s next start)."""
        with contextlib.suppress(Exception):  # the cache itself may be what failed
            store = Store(self.db_path)
            try:
                with store.transaction():
                    write_state(store.db, {"last_error": error,
                                           "last_attempt": str(int(time.time()))})
            finally:
                store.close()
