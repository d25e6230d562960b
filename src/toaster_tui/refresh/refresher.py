"""The refresh pipeline: fetch -> parse -> store, one outcome per feed.

The event loop only fetches (httpx, async) and schedules, so a UI sharing it
keeps answering keys. Parsing a fetched feed and writing it to the database
is one job for a worker (refresh/worker.py): a forkserver process pool when
there are PROCESS_POOL_THRESHOLD feeds or more (both cores parse), else the
database thread (refresh/pool.py). The small writes (304s, failures) go to
one database thread here. One feed failing never stops the rest; a crashed
worker is replaced. Which feed is fetched next is refresh/scheduling.py's.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from toaster_tui.core.errors import StorageError
from toaster_tui.core.models import Settings
from toaster_tui.core.rules import FilterRule
from toaster_tui.core.sanitize import clean_line
from toaster_tui.feeds.fetch import Fetcher, FetchResult, Outcome
from toaster_tui.refresh.outcomes import FeedOutcome, ProgressFn, RefreshReport, backoff_until
from toaster_tui.refresh.pool import WorkerPool
from toaster_tui.refresh.scheduling import BACKLOG_BYTES, Backlog, HostQueue
from toaster_tui.refresh.worker import (
    WorkerAnswer,
    close_worker_store,
    init_worker,
    write_locked,
)
from toaster_tui.store.database import FetchState, Store

T = TypeVar("T")

PROCESS_POOL_THRESHOLD = 8
"""Below this many feeds, starting worker processes costs more than it saves."""
WORKER_NICE = 5
"""How much nicer worker processes run when a UI (the Textual app) shares the
machine with them: keys first. The app asks for it (Refresher's worker_nice); a
headless refresh (the CLI, cron) runs them at its own priority, so other
programs do not slow it down more than they must."""


class Refresher:
    """Refreshes feeds into the database at `db_path`."""

    def __init__(
        self,
        db_path: Path,
        settings: Settings,
        *,
        processes: bool | None = None,
        worker_nice: int = 0,
        filters: Sequence[FilterRule] = (),
    ) -> None:
        self.db_path = db_path
        self.settings = settings
        self.processes = processes
        """True/False forces the parse pool kind; None picks by feed count."""
        self.worker_nice = worker_nice
        self.filters = tuple(filters)
        """[[filters]] applied to the new articles of every feed stored."""
        """How much nicer than the parent the parse processes run (WORKER_NICE under a UI)."""

    async def run(
        self,
        feed_ids: Sequence[int],
        *,
        due_only: bool = False,
        progress: ProgressFn | None = None,
    ) -> RefreshReport:
        loop = asyncio.get_running_loop()
        # The database thread: small writes, and in thread mode the parsing too.
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="toaster-db",
                                    initializer=init_worker,
                                    initargs=(str(self.db_path), threading.Lock(),
                                              self.filters))
        report = RefreshReport()
        pool: WorkerPool | None = None
        try:
            # Opening migrates the database before any worker touches it.
            states = await loop.run_in_executor(
                writer, functools.partial(write_locked, lambda s: s.fetch_states(feed_ids)))
            use_processes = (self.processes if self.processes is not None
                             else len(states) >= PROCESS_POOL_THRESHOLD)
            pool = WorkerPool(self.db_path, writer, use_processes, self.worker_nice,
                              self.filters)
            if sum(not (s.etag or s.last_modified) for s in states) >= PROCESS_POOL_THRESHOLD:
                pool.warm_up()  # feeds never fetched (no validators) will bring bodies
            job = _RefreshJob(self.settings, writer, pool, due_only)
            total = len(states)
            done = 0
            queue = HostQueue(states, self.settings.per_host)

            async with Fetcher(self.settings) as fetcher:

                async def worker() -> None:
                    nonlocal done
                    while True:
                        await job.backlog.room()
                        taken = queue.take()
                        if taken is None:
                            if queue.empty:
                                return
                            queue.changed.clear()
                            await queue.changed.wait()
                            continue
                        host, state = taken
                        try:
                            outcome = await job.refresh_one(state, fetcher)
                        finally:
                            queue.done(host)
                        done += 1
                        report.outcomes.append(outcome)
                        if progress is not None:
                            progress(done, total, outcome)

                # Enough workers to keep every fetch slot busy while some
                # wait for their feed to be parsed.
                slots = min(max(1, self.settings.concurrency) + 2 * pool.size, max(total, 1))
                tasks: list[asyncio.Future[None]] = []
                try:
                    for _ in range(slots):
                        # One new worker per turn of the loop: each one's first
                        # step (a pool, a connection, a request) is ~1 ms, and
                        # a UI sharing the loop gets its turn in between.
                        tasks.append(asyncio.ensure_future(worker()))
                        await asyncio.sleep(0)
                    await asyncio.gather(*tasks)
                finally:
                    for task in tasks:
                        task.cancel()
        finally:
            if pool is not None:
                await pool.close()
            with contextlib.suppress(Exception):
                await loop.run_in_executor(writer, close_worker_store)
            writer.shutdown(wait=True)
        return report


class _RefreshJob:
    """One refresh run's shared parts: settings, database thread, worker pool."""

    def __init__(self, settings: Settings, writer: ThreadPoolExecutor, pool: WorkerPool,
                 due_only: bool) -> None:
        self.settings = settings
        self.writer = writer
        self.pool = pool
        self.due_only = due_only
        self.backlog = Backlog(BACKLOG_BYTES)

    def write(self, fn: Callable[[Store], T]) -> Awaitable[T]:
        """A small write on the database thread."""
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(self.writer, functools.partial(write_locked, fn))

    async def refresh_one(self, state: FetchState, fetcher: Fetcher) -> FeedOutcome:
        if state.gone:
            return FeedOutcome(state.id, state.url, "gone", status=410,
                               error="gone (HTTP 410): no longer fetched; remove it")
        # Retry-After is always honoured; error back-off only by the timer.
        waiting = bool(state.next_fetch and state.next_fetch > time.time())
        if waiting and (self.due_only or state.last_status in (429, 503)):
            return FeedOutcome(state.id, state.url, "skipped", status=state.last_status)
        url = state.fetch_url or state.url
        result = await fetcher.fetch(url, etag=state.etag, last_modified=state.last_modified)
        moved = result.permanent_url
        try:
            if result.outcome is Outcome.NOT_MODIFIED:
                await self.write(lambda s: s.save_not_modified(state.id, fetch_url=moved))
                return FeedOutcome(state.id, state.url, "not_modified", status=304)
            if result.outcome is Outcome.OK:
                done = await self._parse_and_store(state, result, url)
                if done.kind == "unreadable":
                    return await self._fail(state, result.status, done.error or "unreadable",
                                            None)
                if done.kind == "unsaved":
                    return FeedOutcome(state.id, state.url, "failed", status=result.status,
                                       error=f"not saved: {done.error}")
                return FeedOutcome(state.id, state.url, "updated", done.new, done.updated,
                                   status=result.status)
            if result.outcome is Outcome.GONE:
                error = result.error or "HTTP 410 Gone"
                await self.write(lambda s: s.save_failure(
                    state.id, status=410, error=error, next_fetch=None, gone=True))
                return FeedOutcome(state.id, state.url, "gone", status=410, error=error)
            return await self._fail(state, result.status, result.error or "failed",
                                    result.retry_after)
        except StorageError as exc:
            return FeedOutcome(state.id, state.url, "failed", status=result.status,
                               error=f"not saved: {exc}")

    async def _parse_and_store(self, state: FetchState, result: FetchResult,
                               url: str) -> WorkerAnswer:
        size = len(result.body)
        self.backlog.add(size)
        try:
            return await self.pool.run(
                max(self.settings.timeout, 30.0), state.id, result.body, url,
                result.content_type, result.status or 200, result.etag, result.last_modified,
                result.permanent_url)
        finally:
            self.backlog.done(size)

    async def _fail(
        self, state: FetchState, status: int | None, error: str, retry_after: int | None
    ) -> FeedOutcome:
        error = clean_line(error)[:300]
        next_fetch = retry_after or backoff_until(state.error_count, time.time())
        await self.write(lambda s: s.save_failure(
            state.id, status=status, error=error, next_fetch=next_fetch))
        return FeedOutcome(state.id, state.url, "failed", status=status, error=error)
