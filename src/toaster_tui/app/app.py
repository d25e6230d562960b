"""ToasterApp: config.toml's lifecycle, background refresh, and the outside world.

The app keeps the last good Config, re-reads config.toml when its mtime or
size changes (checked every few seconds and when the terminal regains focus),
runs refreshes on a thread of their own with an event loop of their own
(app/refresh.py: the UI loop only hears of them by message, so fetching,
parsing and writing never hold up a key), re-queries the panes when another
process (cron's `toaster refresh`) wrote to the cache (app/cache_watch.py),
opens links in the browser from a thread and runs $EDITOR while suspended.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import threading
import webbrowser
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.worker import get_current_worker

from toaster_tui.app.cache_watch import CACHE_POLL_SECONDS, CacheChanged, CacheWatch
from toaster_tui.app.data import DataSource
from toaster_tui.app.desktop_notify import desktop_mode, osc_sequence
from toaster_tui.app.gc_policy import CHECK_EVERY, IdleCollector
from toaster_tui.app.messages import ConfigFailed, ConfigLoaded, Deferred, Stamp
from toaster_tui.app.notices import PlainNoticesApp
from toaster_tui.app.refresh import (
    PagesFetched,
    RefresherFactory,
    RefresherLike,
    RefreshFinished,
    RefreshProgress,
    RefreshRun,
    RefreshStarted,
)
from toaster_tui.app.screens.error import ErrorDialog
from toaster_tui.app.screens.help import HelpScreen
from toaster_tui.app.screens.main import MainScreen
from toaster_tui.app.sync_runner import SyncRunner, timer_minutes
from toaster_tui.config.load import load_config
from toaster_tui.core.errors import ConfigError, ToasterError
from toaster_tui.core.models import Config, Settings
from toaster_tui.core.sanitize import safe_url
from toaster_tui.refresh.outcomes import FeedOutcome, RefreshReport

if TYPE_CHECKING:
    from toaster_tui.app.host import AppHost

__all__ = ["RefresherFactory", "RefresherLike", "ToasterApp"]

CONFIG_CHECK_SECONDS = 3.0


def _stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class ToasterApp(PlainNoticesApp):
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
        cache_poll_seconds: float = CACHE_POLL_SECONDS,
    ) -> None:
        super().__init__()
        self.config_path = config_path
        self.db_path = db_path
        self.now: Callable[[], datetime] = now or (lambda: datetime.now(UTC))
        self.demo = demo
        self.data = DataSource(db_path)
        self.config = Config(path=config_path)
        """The last good config (defaults until the file is first read)."""
        self._refresher: RefresherFactory = refresher or self._new_refresher
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
        self._gc = IdleCollector()
        self._run: RefreshRun | None = None
        """The refresh running now (its thread may still be cleaning up after)."""
        self._last_run: RefreshRun | None = None
        self.syncer = SyncRunner(db_path)
        self._cache_watch = CacheWatch(db_path, self._cache_changed, cache_poll_seconds,
                                       own=self.data.own_writes)

    def _new_refresher(self, db_path: Path, settings: Settings) -> RefresherLike:
        # The fetcher (httpx) is imported with the first refresh, after the first
        # screen: not on the way to it.
        from toaster_tui.refresh.refresher import WORKER_NICE, Refresher

        # Parse processes run nicer still (keys first); filters: the config's as it starts.
        return Refresher(db_path, settings, worker_nice=WORKER_NICE,
                         filters=self.config.filters)

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
        self._gc.install()
        self.set_interval(CHECK_EVERY, self._gc.tick)
        self._cache_watch.start()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._gc.note_input()  # no full garbage collection while keys come in
        await super().on_event(event)

    def on_app_focus(self, event: events.AppFocus) -> None:
        self.check_config()

    def on_unmount(self) -> None:
        if self._last_run is not None:
            self._last_run.cancel()  # its thread ends before the process does
        self._gc.uninstall()
        self._cache_watch.stop()
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
            ids = self.data.sync_feeds(config.feeds,
                                       hidden_default=config.settings.hidden_from_all)
        except ToasterError as exc:
            self.post_message(ConfigFailed(str(exc), stamp))
            return
        # At start, the feeds whose refresh_minutes are over are fetched at once.
        due = not self._loaded_once and bool(self.data.due_feed_ids(config))
        self.post_message(ConfigLoaded(
            config, stamp, refresh_ids=[ids[refresh_url]] if refresh_url in ids else [],
            select_id=ids.get(select_url or ""), due_refresh=due,
        ))

    @on(ConfigLoaded)
    def _config_loaded(self, message: ConfigLoaded) -> None:
        self.config_read = True
        self._stamp = message.stamp
        first, self._loaded_once = not self._loaded_once, True
        self.config = message.config
        if self._config_dialog is not None:
            self._config_dialog.dismiss(None)
        self.main.apply_config(message.config, select_feed=message.select_id)
        self._schedule_refresh(timer_minutes(message.config))
        if message.refresh_ids:
            self.start_refresh(message.refresh_ids)
        elif message.due_refresh:
            self.start_refresh(None, due_only=True)  # then a sync, when it is over
        elif first:
            self.start_sync(auto=True)

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
        return self._run is not None

    def start_refresh(self, feed_ids: Sequence[int] | None, *, due_only: bool = False,
                      quiet: bool = False) -> None:
        """Refresh `feed_ids` (None: every subscribed feed) in the background."""
        if self.refreshing:
            if not quiet:
                self.notify("A refresh is already running.", timeout=2)
            return
        # An automatic refresh fetches the feeds due (refresh_minutes), the others all.
        listed = partial(self.data.due_feed_ids, self.config) if due_only else self.data.feed_ids
        run = RefreshRun(self, self._refresher, self.db_path, self.config.settings,
                         feed_ids, due_only=due_only, all_feed_ids=listed,
                         previous=self._last_run)
        self._run = self._last_run = run
        self._refresh(run)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh(self, run: RefreshRun) -> None:
        worker = get_current_worker()
        run.run(lambda: worker.is_cancelled)

    @on(RefreshStarted)
    def _refresh_started(self, message: RefreshStarted) -> None:
        if message.run is self._run:
            self.main.refresh_started(message.total)

    @on(RefreshProgress)
    def _refresh_progress(self, message: RefreshProgress) -> None:
        if message.run is self._run:
            self.main.refresh_progress(message.done, message.total, message.changed)

    @on(RefreshFinished)
    def _refresh_finished(self, message: RefreshFinished) -> None:
        if message.run is not self._run:
            return
        self._run = None
        if message.run.due_only and not message.cancelled:
            self.start_sync(auto=True)  # an automatic refresh: the server's news too
        if message.empty:
            if not message.run.due_only:  # nothing due is no news
                self.notify("No feeds to refresh.", timeout=2)
            return
        self.refresh_count += 1
        if message.cancelled:
            self.main.refresh_cancelled()
            return
        if message.report is not None:
            self.last_report = message.report
            self._after_refresh(message.report.outcomes, self.config)
        self.main.refresh_finished(message.report, message.error)

    @on(PagesFetched)
    def _pages_fetched(self, message: PagesFetched) -> None:
        if self._main is not None and self._main.live:
            self.main.pages_fetched(message.report)

    @work(thread=True, group="after-refresh", exit_on_error=False)
    def _after_refresh(self, outcomes: list[FeedOutcome], config: Config) -> None:
        removed, news = self.data.after_refresh(outcomes, config)
        if (removed or news) and self._main is not None:
            self._main.post_message(Deferred(partial(self._refresh_aftermath, removed, news)))

    def _refresh_aftermath(self, removed: int, news: str | None) -> None:
        if removed:
            self.main.cache_changed()  # old read articles left the listing
        if news:
            self.announce(news)

    def announce(self, text: str) -> None:
        """One notice of new articles: a toast, and a desktop notification where the
        terminal turns one into it (app/desktop_notify.py)."""
        self.notify(text, title="New articles", timeout=8)
        mode = desktop_mode(self.config.settings.desktop_notify, os.environ)
        # As App.bell does: straight to the terminal, between two screen updates.
        if mode is not None and not self.is_headless and self._driver is not None:
            self._driver.write(osc_sequence(mode, "toaster", text))

    def start_sync(self, *, auto: bool = False) -> bool:
        """Sync with [sync]'s server on a thread of its own (app/sync_runner.py); False
        when none starts: no [sync], automatic syncs off, or one is running."""
        return self.syncer.start(self.config, self.main, auto=auto)

    # --- writes by other processes ------------------------------------------------------

    def _cache_changed(self) -> None:
        # Called on the watch thread; the loop may already be closing.
        with contextlib.suppress(RuntimeError):
            self.post_message(CacheChanged())

    @on(CacheChanged)
    def _reload_for_cache(self) -> None:
        # The app's own refresh re-queries as it goes and once more at its end,
        # which also covers whatever another process wrote meanwhile.
        # A write may land before the main screen has composed its widgets.
        if not self.refreshing and self._main is not None and self._main.live:
            self.main.cache_changed()
            reading = self.main.reader.row
            if reading is not None:  # its read / star state may have changed too
                self._reader_state(reading.id)

    @work(thread=True, group="cache-reader", exit_on_error=False)
    def _reader_state(self, article_id: int) -> None:
        row = self.data.article(article_id)
        if row is not None and self._main is not None:
            # The main screen runs it, unless it is closing (the reader ignores
            # a row that is no longer the one it shows).
            self._main.post_message(Deferred(partial(self._main.reader.update_row, row)))

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


if TYPE_CHECKING:
    # Screens reach the app only through AppHost: mypy checks here that it keeps its side.
    _APP_IS_A_HOST: type[AppHost] = ToasterApp
