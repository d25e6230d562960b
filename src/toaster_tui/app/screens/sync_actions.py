"""`S` and the status line: sync with the feed server of [sync], and say how it stands.

A base class of MainScreen. The sync itself runs on the app's SyncRunner
(app/sync_runner.py), off the event loop; this side only starts it and
shows what it reports: progress on the right of the status line, and on its
left, after the counts, "synced 3 min ago · 2 changes waiting" (or why the
last sync failed), kept current as time passes and after every read or star.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, cast

from textual.screen import Screen
from textual.timer import Timer

from toaster_tui.app.host import AppHost
from toaster_tui.app.messages import Deferred
from toaster_tui.app.sync_runner import NO_SYNC
from toaster_tui.app.sync_status import sync_line
from toaster_tui.core.models import Config

if TYPE_CHECKING:
    from toaster_tui.app.data import SidebarData
    from toaster_tui.app.widgets.status import StatusBar
    from toaster_tui.sync.engine import SyncReport

__all__ = ["STATUS_EVERY", "SyncActions"]

STATUS_EVERY = 20.0
"""Seconds between repaints of the status line, so "synced N min ago" keeps true."""


class SyncActions(Screen[None]):
    """Needs from the subclass: `config`, `sidebar_data`, `now`, `status`, `cache_changed`."""

    config: Config | None
    sidebar_data: SidebarData | None
    now: Callable[[], datetime]
    _status_clock: Timer | None = None

    @property
    def status(self) -> StatusBar:
        raise NotImplementedError

    def cache_changed(self) -> None:
        raise NotImplementedError

    def action_sync(self) -> None:
        host = cast(AppHost, self.app)
        config = self.config or host.config
        if config.sync is None:
            self.notify(NO_SYNC, severity="warning", timeout=8)
        elif not host.start_sync():
            self.notify("A sync is already running.", timeout=2)

    # --- the status line ---------------------------------------------------------------

    def show_status(self) -> None:
        """The counts, failing feeds and (with [sync]) the sync's state, on the left."""
        data = self.sidebar_data
        if data is None or not self.is_attached or not self.app.is_running:
            return
        counts, feeds = data.counts, len(data.feeds)
        failed = sum(1 for f in data.feeds if f.last_error)
        text = f" {counts.total:,} unread · {feeds} feed{'' if feeds == 1 else 's'}"
        if failed:
            text += f" · {failed} failing (press !)"
        if self.config is not None and self.config.sync is not None:
            text += " · " + sync_line(data.sync, self.now().timestamp())
            if self._status_clock is None:
                self._status_clock = self.set_interval(STATUS_EVERY, self.show_status)
        self.status.set_text(text)

    # --- what the sync reports (app/sync_runner.SyncView), on the event loop ------------

    def post_call(self, fn: Callable[[], object]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closing
            self.post_message(Deferred(fn))

    def sync_started(self) -> None:
        self.status.set_note("Syncing… ")

    def sync_progress(self, text: str) -> None:
        self.status.set_note(f"Syncing: {text} "[:36])

    def sync_finished(self, report: SyncReport | None, error: str | None, auto: bool) -> None:
        self.cache_changed()  # server feeds and articles, the outbox count, the sync state
        if report is not None:
            self.status.set_note(f"Synced: {report.new_items:,} new ")
            # A refused subscribe has left the queue and the sidebar: this toast
            # is where the user learns why, background sync or not.
            for line in report.refused:
                self.notify(line, severity="warning", timeout=15)
            return
        self.status.set_note("Sync failed ")
        if not auto:  # the status line keeps saying why; a background sync says no more
            self.notify(f"Sync failed: {error}", severity="error", timeout=8)
