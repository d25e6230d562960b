"""A refresh on its own thread and event loop, reporting to the app by message.

refresher.Refresher fetches on the event loop it runs on; run on the app's loop,
httpx's parsing of hundreds of responses, the scheduling of every fetch and
the progress callbacks all share the loop that answers keys. Here the whole
refresh runs in a worker thread with an event loop of its own
(`asyncio.run`), and the app hears of it only through messages:
RefreshStarted, RefreshProgress (at most every PROGRESS_EVERY seconds,
however fast feeds finish) and RefreshFinished (always, once).

Cancelling (`RefreshRun.cancel`, or cancelling the Textual worker that runs
it) cancels the refresh's task on its own loop, so Refresher cleans up
(closes its pool, finishes the write in progress) and the thread ends
promptly; a newer run waits for an older one's thread to end before it
starts, so two refreshes never write at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from textual.message import Message

from toaster_tui.core.errors import ToasterError
from toaster_tui.core.models import Settings
from toaster_tui.refresh.outcomes import FeedOutcome, ProgressFn, RefreshReport

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

    from toaster_tui.refresh.pages import PageReport

# refresh.refresher and refresh.pages (httpx, feedparser, trafilatura) are
# imported on the refresh's own thread when it starts: the app's first screen
# does not wait for them.

T = TypeVar("T")

__all__ = [
    "PROGRESS_EVERY",
    "PagesFetched",
    "RefreshFinished",
    "RefreshProgress",
    "RefreshRun",
    "RefreshStarted",
    "RefresherFactory",
    "RefresherLike",
    "start_forkserver",
]

PROGRESS_EVERY = 0.1
"""Seconds between progress messages at most: the status line needs no more."""
CANCEL_POLL = 0.2
"""Seconds between looks at whether the Textual worker was cancelled."""
FORKSERVER_NICE = 10
"""Niceness of the forkserver the parse processes fork from (Linux), which they
inherit: parsing yields the CPU to the UI."""


class RefresherLike(Protocol):
    async def run(
        self, feed_ids: Sequence[int], *, due_only: bool = False,
        progress: ProgressFn | None = None,
    ) -> RefreshReport: ...


RefresherFactory = Callable[[Path, Settings], RefresherLike]


def start_forkserver() -> None:
    """Start multiprocessing's forkserver with the real stderr, and niced.

    refresher.Refresher parses in a forkserver process pool. Starting the
    forkserver (and its resource tracker) passes sys.stderr's file descriptor
    to the new process; inside a running Textual app sys.stderr is a capture
    object whose fileno() is -1, and the start fails ("bad value(s) in
    fds_to_keep"). Starting them first with the real stderr is a one-off
    fork+exec, after which pools start without touching stderr again.

    On Linux it is started from a short-lived thread that lowers its own
    priority first (niceness is per thread there, and inherited by what the
    thread forks): the parse processes forked from the server then yield the
    CPU to the app's UI thread on a busy machine instead of sharing it.
    (sys.stderr is swapped for the whole process while the server starts:
    a line the UI thread printed in that instant would go to the terminal.)
    """
    from multiprocessing import forkserver

    error: list[BaseException] = []

    def start() -> None:
        try:
            if sys.platform.startswith("linux"):
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, 0, FORKSERVER_NICE)  # this thread only
            with contextlib.redirect_stderr(sys.__stderr__ or io.StringIO()):
                forkserver.ensure_running()
        except BaseException as exc:
            error.append(exc)

    thread = threading.Thread(target=start, name="toaster-forkserver-start", daemon=True)
    thread.start()
    thread.join()
    if error:
        raise error[0]


# --- messages (posted from the refresh thread to the app) -------------------------


class RefreshStarted(Message):
    """The refresh has its feeds and starts fetching `total` of them."""

    def __init__(self, run: RefreshRun, total: int) -> None:
        super().__init__()
        self.run = run
        self.total = total


class RefreshProgress(Message):
    """More feeds are done; `changed`: some of them stored new or changed articles."""

    def __init__(self, run: RefreshRun, done: int, total: int, changed: bool) -> None:
        super().__init__()
        self.run = run
        self.done = done
        self.total = total
        self.changed = changed


class PagesFetched(Message):
    """After RefreshFinished: the full articles the run fetched (or failed to)."""

    def __init__(self, run: RefreshRun, report: PageReport) -> None:
        super().__init__()
        self.run = run
        self.report = report


class RefreshFinished(Message):
    """The run ended: its report, or why it could not run (`error`), or that it had
    no feeds (`empty`) or was cancelled (`cancelled`)."""

    def __init__(self, run: RefreshRun, report: RefreshReport | None, error: str | None = None,
                 *, empty: bool = False, cancelled: bool = False) -> None:
        super().__init__()
        self.run = run
        self.report = report
        self.error = error
        self.empty = empty
        self.cancelled = cancelled


# --- the run ----------------------------------------------------------------------


class RefreshRun:
    """One refresh: made on the app's loop, `run` on a worker thread.

    `target` receives the messages; `feed_ids` None means every subscribed
    feed (`all_feed_ids` is called on the worker thread to list them).
    """

    def __init__(
        self,
        target: MessagePump,
        factory: RefresherFactory,
        db_path: Path,
        settings: Settings,
        feed_ids: Sequence[int] | None,
        *,
        due_only: bool = False,
        all_feed_ids: Callable[[], list[int]] | None = None,
        previous: RefreshRun | None = None,
    ) -> None:
        self.target = target
        self.factory = factory
        self.db_path = db_path
        self.settings = settings
        self.feed_ids = None if feed_ids is None else list(feed_ids)
        self.due_only = due_only
        self.all_feed_ids = all_feed_ids
        self.previous = previous
        self.finished = threading.Event()
        """Set when the thread is done with the refresh (cleaned up, or never started)."""
        self._lock = threading.Lock()
        self._cancelled = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Future[Any] | None = None
        # Progress, touched on the run's own loop only.
        self._done = 0
        self._total = 0
        self._changed = False
        self._last_post = 0.0
        self._flush: asyncio.TimerHandle | None = None

    # --- any thread ---------------------------------------------------------------

    def cancel(self) -> None:
        """Stop the refresh soon (safe from any thread, any number of times)."""
        with self._lock:
            self._cancelled = True
            loop, task = self._loop, self._task
        if loop is not None and task is not None:
            with contextlib.suppress(RuntimeError):  # its loop just closed
                loop.call_soon_threadsafe(task.cancel)

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def _post(self, message: Message) -> None:
        with contextlib.suppress(RuntimeError):  # the app's loop is closing
            self.target.post_message(message)

    # --- the worker thread --------------------------------------------------------

    def run(self, worker_cancelled: Callable[[], bool] = lambda: False) -> None:
        """The whole refresh, blocking; `worker_cancelled` is polled to stop early."""
        result: RefreshFinished | None = None
        try:
            if self.previous is not None:
                self.previous.cancel()
                self.previous.finished.wait()
                self.previous = None
            result = self._run(worker_cancelled)
        except BaseException as exc:  # never take the app down with a refresh
            if self._cancelled or worker_cancelled() or isinstance(exc, asyncio.CancelledError):
                result = RefreshFinished(self, None, "cancelled", cancelled=True)
            elif isinstance(exc, ToasterError):
                result = RefreshFinished(self, None, str(exc))
            else:
                result = RefreshFinished(self, None, f"{type(exc).__name__}: {exc}")
            if not isinstance(exc, Exception | asyncio.CancelledError):
                raise
        finally:
            if result is not None:
                self._post(result)  # before a newer run waiting on `finished` posts
            try:
                if result is not None and result.report is not None:
                    self._pages(result.report, worker_cancelled)
            finally:
                self.finished.set()

    def _pages(self, report: RefreshReport, worker_cancelled: Callable[[], bool]) -> None:
        """Full articles, once the feeds are reported: the pages of new articles of
        full_text feeds (refresh/pages.py); PagesFetched tells the app which."""
        feed_ids = [o.feed_id for o in report.outcomes]
        if not feed_ids or self._cancelled or worker_cancelled():
            return
        from toaster_tui.refresh.pages import fetch_pages

        try:
            pages = asyncio.run(self._cancellable(
                fetch_pages(self.db_path, self.settings, feed_ids=feed_ids), worker_cancelled))
        except BaseException as exc:  # cancelled, or a bug: the feeds are in already
            if not isinstance(exc, Exception | asyncio.CancelledError):
                raise
            return
        if pages.outcomes:
            self._post(PagesFetched(self, pages))

    def _run(self, worker_cancelled: Callable[[], bool]) -> RefreshFinished:
        feed_ids = self.feed_ids
        if feed_ids is None:
            # From the cache, not the sidebar: at startup it may not be filled yet.
            feed_ids = self.all_feed_ids() if self.all_feed_ids is not None else []
        if not feed_ids:
            return RefreshFinished(self, None, empty=True)
        if self._cancelled or worker_cancelled():
            return RefreshFinished(self, None, "cancelled", cancelled=True)
        self._total = len(feed_ids)
        self._post(RefreshStarted(self, len(feed_ids)))
        refresher = self.factory(self.db_path, self.settings)
        from toaster_tui.refresh.refresher import PROCESS_POOL_THRESHOLD, Refresher

        if isinstance(refresher, Refresher) and len(feed_ids) >= PROCESS_POOL_THRESHOLD:
            start_forkserver()
        report = asyncio.run(self._main(refresher, feed_ids, worker_cancelled))
        return RefreshFinished(self, report)

    async def _main(self, refresher: RefresherLike, feed_ids: list[int],
                    worker_cancelled: Callable[[], bool]) -> RefreshReport:
        return await self._cancellable(
            refresher.run(feed_ids, due_only=self.due_only, progress=self._progress),
            worker_cancelled)

    async def _cancellable(self, work: Coroutine[Any, Any, T],
                           worker_cancelled: Callable[[], bool]) -> T:
        """Run `work` as a task that `cancel` and the Textual worker can cancel."""
        loop = asyncio.get_running_loop()
        task = loop.create_task(work)
        with self._lock:
            self._loop, self._task = loop, task
            if self._cancelled:
                task.cancel()
        try:
            while not task.done():
                await asyncio.wait({task}, timeout=CANCEL_POLL)
                if not task.done() and worker_cancelled():
                    task.cancel()
            return task.result()  # CancelledError if it was cancelled
        finally:
            with self._lock:
                self._loop = self._task = None
            if self._flush is not None:
                self._flush.cancel()
                self._flush = None

    def _progress(self, done: int, total: int, outcome: FeedOutcome) -> None:
        """Refresher's callback, on the run's loop: coalesced into few messages."""
        self._done, self._total = done, total
        if outcome.kind not in ("not_modified", "skipped"):
            self._changed = True  # new or changed articles (or a new error to show)
        if self._flush is not None:
            return  # a message is already due
        wait = self._last_post + PROGRESS_EVERY - time.monotonic()
        if wait <= 0:
            self._send_progress()
        else:
            self._flush = asyncio.get_running_loop().call_later(wait, self._send_progress)

    def _send_progress(self) -> None:
        self._flush = None
        self._last_post = time.monotonic()
        changed, self._changed = self._changed, False
        self._post(RefreshProgress(self, self._done, self._total, changed))
