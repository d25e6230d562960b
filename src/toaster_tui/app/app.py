"""ToasterApp: config.toml's lifecycle, background refresh, and the outside world.

The app keeps the last good Config, re-reads config.toml when its mtime or
size changes (checked every few seconds and when the terminal regains focus),
runs refreshes as an async worker on its loop (fetching is async, parsing and
writing happen off the loop inside update.Refresher), opens links in the
browser from a thread and runs $EDITOR while suspended.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import shlex
import subprocess
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar, Protocol

from textual import events, on, work
from textual.app import App, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.timer import Timer

from toaster_tui.app.data import DataSource
from toaster_tui.app.messages import ConfigFailed, ConfigLoaded, Stamp
from toaster_tui.app.screens.error import ErrorDialog
from toaster_tui.app.screens.help import HelpScreen
from toaster_tui.app.screens.main import MainScreen
from toaster_tui.config import load_config
from toaster_tui.errors import ConfigError, ToasterError
from toaster_tui.models import Config, Settings
from toaster_tui.sanitize import safe_url
from toaster_tui.update import (
    PROCESS_POOL_THRESHOLD,
    FeedOutcome,
    ProgressFn,
    Refresher,
    RefreshReport,
)

__all__ = ["RefresherLike", "ToasterApp"]

CONFIG_CHECK_SECONDS = 3.0


class RefresherLike(Protocol):
    async def run(
        self, feed_ids: Sequence[int], *, due_only: bool = False,
        progress: ProgressFn | None = None,
    ) -> RefreshReport: ...


RefresherFactory = Callable[[Path, Settings], RefresherLike]


def _start_forkserver() -> None:
    """Start multiprocessing's forkserver with the real stderr.

    update.Refresher parses in a forkserver process pool. Starting the
    forkserver (and its resource tracker) passes sys.stderr's file descriptor
    to the new process; inside a running Textual app sys.stderr is a capture
    object whose fileno() is -1, and the start fails ("bad value(s) in
    fds_to_keep"). Starting them first with the real stderr is a one-off
    fork+exec, after which pools start without touching stderr again.
    """
    from multiprocessing import forkserver

    with contextlib.redirect_stderr(sys.__stderr__ or io.StringIO()):
        forkserver.ensure_running()


def _stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class ToasterApp(App[int]):
    """The terminal feed reader. `now` fixes the clock relative ages are shown against."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "toaster"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(
        self,
        config_path: Path,
        db_path: Path,
        *,
        now: Callable[[], datetime] | None = None,
        demo: bool = False,
        refresher: RefresherFactory | None = None,
        config_check_seconds: float = CONFIG_CHECK_SECONDS,
    ) -> None:
        super().__init__()
        self.config_path = config_path
        self.db_path = db_path
        self.now: Callable[[], datetime] = now or (lambda: datetime.now(UTC))
        self.demo = demo
        self.data = DataSource(db_path)
        self.config = Config(path=config_path)
        """The last good config (defaults until the file is first read)."""
        self._refresher: RefresherFactory = refresher or Refresher
        self._check_seconds = config_check_seconds
        self._stamp: Stamp | None = None
        self._config_dialog: ErrorDialog | None = None
        self._refresh_timer: Timer | None = None
        self._refresh_period = 0
        self._loaded_once = False
        self.config_read = False
        """True once config.toml was read (valid or not): startup is done."""
        self._main: MainScreen | None = None
        self.last_report: RefreshReport | None = None
        self.refresh_count = 0
        """Refreshes finished (ok or not) since start."""

    def get_default_screen(self) -> MainScreen:
        # Made here, inside the running app's context: a screen made earlier can
        # bind to whichever app was active before (e.g. a previous test's).
        if self._main is None:
            self._main = MainScreen(self.data, self.now, demo=self.demo)
        return self._main

    @property
    def main(self) -> MainScreen:
        assert self._main is not None, "the app is not running"
        return self._main

    def on_mount(self) -> None:
        # The first read of config.toml is asked for by the main screen once it
        # has its widgets (the app mounts before its default screen composes).
        self.set_interval(self._check_seconds, self.check_config)

    def on_app_focus(self, event: events.AppFocus) -> None:
        self.check_config()

    def on_unmount(self) -> None:
        self.data.close()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # --- config.toml ------------------------------------------------------------------

    def check_config(self) -> None:
        """Pick up hand edits: re-read the file when its mtime or size changed."""
        if self.config_read:  # the first read is the main screen's to ask for
            self._read_config(force=False)

    def reload_config(self, *, refresh_url: str | None = None,
                      select_url: str | None = None) -> None:
        self._read_config(force=True, refresh_url=refresh_url, select_url=select_url)

    @work(thread=True, group="config", exit_on_error=False)
    def _read_config(self, force: bool, refresh_url: str | None = None,
                     select_url: str | None = None) -> None:
        stamp = _stamp(self.config_path)
        if not force and stamp == self._stamp:
            return
        try:
            config = load_config(self.config_path)
        except ConfigError as exc:
            self.post_message(ConfigFailed(str(exc), stamp))
            return
        try:
            ids = self.data.sync_feeds(config.feeds)
        except ToasterError as exc:
            self.post_message(ConfigFailed(str(exc), stamp))
            return
        due = False
        if not self._loaded_once and config.settings.refresh_minutes:
            last = self.data.last_fetched()
            due = last is None or time.time() - last > config.settings.refresh_minutes * 60
        self.post_message(ConfigLoaded(
            config, stamp, refresh_ids=[ids[refresh_url]] if refresh_url in ids else [],
            select_id=ids.get(select_url or ""), due_refresh=due,
        ))

    @on(ConfigLoaded)
    def _config_loaded(self, message: ConfigLoaded) -> None:
        self.config_read = True
        self._stamp = message.stamp
        self._loaded_once = True
        self.config = message.config
        if self._config_dialog is not None:
            self._config_dialog.dismiss(None)
        self.main.apply_config(message.config, select_feed=message.select_id)
        self._schedule_refresh(message.config.settings.refresh_minutes)
        if message.refresh_ids:
            self.start_refresh(message.refresh_ids)
        elif message.due_refresh:
            self.start_refresh(None, due_only=True)

    @on(ConfigFailed)
    def _config_failed(self, message: ConfigFailed) -> None:
        self.config_read = True
        self._stamp = message.stamp
        if self._config_dialog is not None:
            self._config_dialog.set_message(message.error)
            return
        hint = ("toaster keeps running on the last good subscriptions. Fix the file and it "
                "is picked up automatically, or press e to edit it now.")
        dialog = ErrorDialog("config.toml has an error", message.error, hint, editable=True)
        self._config_dialog = dialog

        def closed(result: str | None) -> None:
            self._config_dialog = None
            if result == "edit":
                self.action_edit_config()

        self.push_screen(dialog, closed)

    def action_edit_config(self) -> None:
        """$VISUAL / $EDITOR on config.toml while the app is suspended, then reload."""
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        argv = [*shlex.split(editor), str(self.config_path)]
        try:
            try:
                with self.suspend():
                    subprocess.run(argv, check=False)
            except SuspendNotSupported:
                # Headless (tests): no terminal to hand over, run the editor as is.
                subprocess.run(argv, check=False, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except OSError as exc:
            self.notify(f"Could not start the editor {argv[0]!r}: {exc.strerror or exc}. "
                        "Set $EDITOR.", severity="error", timeout=8)
            return
        self.reload_config()

    # --- refresh ------------------------------------------------------------------------

    def _schedule_refresh(self, minutes: int) -> None:
        if minutes == self._refresh_period:
            return
        self._refresh_period = minutes
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
            self._refresh_timer = None
        if minutes > 0:
            self._refresh_timer = self.set_interval(
                minutes * 60, lambda: self.start_refresh(None, due_only=True, quiet=True))

    @property
    def refreshing(self) -> bool:
        return any(w.is_running for w in self.workers if w.group == "refresh")

    def start_refresh(self, feed_ids: Sequence[int] | None, *, due_only: bool = False,
                      quiet: bool = False) -> None:
        """Refresh `feed_ids` (None: every subscribed feed) in the background."""
        if self.refreshing:
            if not quiet:
                self.notify("A refresh is already running.", timeout=2)
            return
        self._refresh(feed_ids, due_only)

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def _refresh(self, feed_ids: Sequence[int] | None, due_only: bool) -> None:
        main = self.main
        if feed_ids is None:
            # From the cache, not the sidebar: at startup it may not be filled yet.
            feed_ids = await asyncio.to_thread(self.data.feed_ids)
        if not feed_ids:
            self.notify("No feeds to refresh.", timeout=2)
            return
        main.refresh_started(len(feed_ids))
        refresher = self._refresher(self.db_path, self.config.settings)
        if isinstance(refresher, Refresher) and len(feed_ids) >= PROCESS_POOL_THRESHOLD:
            _start_forkserver()

        def progress(done: int, total: int, outcome: FeedOutcome) -> None:
            main.refresh_progress(done, total, outcome)

        try:
            report = await refresher.run(list(feed_ids), due_only=due_only, progress=progress)
        except ToasterError as exc:
            main.refresh_finished(None, str(exc))
            return
        except Exception as exc:  # never take the app down with a refresh
            main.refresh_finished(None, f"{type(exc).__name__}: {exc}")
            return
        finally:
            self.refresh_count += 1
        self.last_report = report
        main.refresh_finished(report, None)

    # --- the outside world ------------------------------------------------------------

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open http(s) links only, in a thread: a browser may take its time to start."""
        safe = safe_url(url)
        if safe is None:
            self.notify("Only http and https links are opened.", severity="warning", timeout=3)
            return

        def open_it() -> None:
            # No browser at all: nothing to do, but never crash over it.
            with contextlib.suppress(Exception):
                webbrowser.open(safe, new=2 if new_tab else 0)

        threading.Thread(target=open_it, name="toaster-browser", daemon=True).start()
