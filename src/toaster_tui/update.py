"""The refresh pipeline: fetch -> parse -> store, one outcome per feed.

Fetching runs on the event loop (httpx, async); parsing runs in a process
pool (or a thread for a handful of feeds) and the writes on one dedicated
database thread, so a UI sharing the loop keeps answering keys. One feed
failing never stops the rest; each feed is committed in its own transaction.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, TypeVar

from toaster_tui.errors import FeedError, StorageError
from toaster_tui.fetch import Fetcher, FetchResult, Outcome
from toaster_tui.models import FeedData, Settings
from toaster_tui.parse import parse_feed
from toaster_tui.sanitize import clean_line
from toaster_tui.store import FetchState, Store

T = TypeVar("T")

PROCESS_POOL_THRESHOLD = 8
"""Below this many feeds, starting worker processes costs more than it saves."""
BACKOFF_BASE = 5 * 60
BACKOFF_MAX = 24 * 3600

Kind = Literal["updated", "not_modified", "failed", "gone", "skipped"]


@dataclass(frozen=True)
class FeedOutcome:
    """What happened to one feed in a refresh."""

    feed_id: int
    url: str
    kind: Kind
    new: int = 0
    updated: int = 0
    status: int | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.kind in ("failed", "gone")


@dataclass
class RefreshReport:
    outcomes: list[FeedOutcome] = field(default_factory=list)

    @property
    def failures(self) -> list[FeedOutcome]:
        return [o for o in self.outcomes if o.failed]

    @property
    def new_articles(self) -> int:
        return sum(o.new for o in self.outcomes)


ProgressFn = Callable[[int, int, FeedOutcome], None]
"""Called on the event loop after each feed: (done, total, outcome)."""


def backoff_until(error_count: int, now: float) -> int:
    """Next fetch after a failure: 5 min, doubling per failure, at most a day."""
    return int(now + min(BACKOFF_BASE * 2 ** min(error_count, 16), BACKOFF_MAX))


class Refresher:
    """Refreshes feeds into the database at `db_path`."""

    def __init__(
        self,
        db_path: Path,
        settings: Settings,
        *,
        processes: bool | None = None,
    ) -> None:
        self.db_path = db_path
        self.settings = settings
        self.processes = processes
        """True/False forces the parse pool kind; None picks by feed count."""

    async def run(
        self,
        feed_ids: Sequence[int],
        *,
        due_only: bool = False,
        progress: ProgressFn | None = None,
    ) -> RefreshReport:
        loop = asyncio.get_running_loop()
        # One thread owns the connection: every write is queued to it.
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="toaster-db")
        store: Store | None = None
        parse_pool: Executor | None = None
        report = RefreshReport()

        async def write(fn: Callable[[], T]) -> T:
            return await loop.run_in_executor(writer, fn)

        try:
            store = await write(lambda: Store(self.db_path))
            opened = store
            states = await write(lambda: opened.fetch_states(feed_ids))
            use_processes = (self.processes if self.processes is not None
                             else len(states) >= PROCESS_POOL_THRESHOLD)
            if use_processes:
                parse_pool = ProcessPoolExecutor(
                    max_workers=max(1, min(os.cpu_count() or 1, 4)),
                    # forkserver: forking a threaded process (a TUI) is unsafe.
                    mp_context=multiprocessing.get_context("forkserver"),
                )
            job = _Job(self.settings, opened, write, parse_pool, due_only)
            total = len(states)
            done = 0

            async with Fetcher(self.settings) as fetcher:

                async def one(state: FetchState) -> None:
                    nonlocal done
                    outcome = await job.refresh_one(state, fetcher)
                    done += 1
                    report.outcomes.append(outcome)
                    if progress is not None:
                        progress(done, total, outcome)

                await asyncio.gather(*(one(s) for s in states))
        finally:
            if parse_pool is not None:
                parse_pool.shutdown(wait=False, cancel_futures=True)
            if store is not None:
                await loop.run_in_executor(writer, store.close)
            writer.shutdown(wait=True)
        return report


class _Writer(Protocol):
    """Runs a function on the database thread."""

    def __call__(self, fn: Callable[[], T]) -> Awaitable[T]: ...


class _Job:
    """One refresh run's shared parts: settings, store, writer, parse pool."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        write: _Writer,
        parse_pool: Executor | None,
        due_only: bool,
    ) -> None:
        self.settings = settings
        self.store = store
        self.write = write
        self.parse_pool = parse_pool
        self.due_only = due_only

    async def refresh_one(self, state: FetchState, fetcher: Fetcher) -> FeedOutcome:
        store = self.store
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
                await self.write(lambda: store.save_not_modified(state.id, fetch_url=moved))
                return FeedOutcome(state.id, state.url, "not_modified", status=304)
            if result.outcome is Outcome.OK:
                try:
                    data = await self._parse(result, url)
                except FeedError as exc:
                    return await self._fail(state, result.status, str(exc), None)
                counts = await self.write(lambda: store.save_feed(
                    state.id, data, status=result.status or 200, etag=result.etag,
                    last_modified=result.last_modified, fetch_url=moved,
                ))
                return FeedOutcome(state.id, state.url, "updated", counts.new, counts.updated,
                                   status=result.status)
            if result.outcome is Outcome.GONE:
                error = result.error or "HTTP 410 Gone"
                await self.write(lambda: store.save_failure(
                    state.id, status=410, error=error, next_fetch=None, gone=True))
                return FeedOutcome(state.id, state.url, "gone", status=410, error=error)
            return await self._fail(state, result.status, result.error or "failed",
                                    result.retry_after)
        except StorageError as exc:
            return FeedOutcome(state.id, state.url, "failed", status=result.status,
                               error=f"not saved: {exc}")

    async def _fail(
        self, state: FetchState, status: int | None, error: str, retry_after: int | None
    ) -> FeedOutcome:
        error = clean_line(error)[:300]
        next_fetch = retry_after or backoff_until(state.error_count, time.time())
        await self.write(lambda: self.store.save_failure(
            state.id, status=status, error=error, next_fetch=next_fetch))
        return FeedOutcome(state.id, state.url, "failed", status=status, error=error)

    async def _parse(self, result: FetchResult, url: str) -> FeedData:
        loop = asyncio.get_running_loop()
        # No pool means the loop's default thread pool: off the loop all the same.
        job = loop.run_in_executor(self.parse_pool, parse_feed, result.body, url,
                                   result.content_type)
        try:
            return await asyncio.wait_for(job, timeout=max(self.settings.timeout, 30.0))
        except TimeoutError as exc:
            raise FeedError("parsing took too long; feed skipped") from exc
        except BrokenProcessPool as exc:
            raise FeedError("the parser crashed on this feed") from exc
        except RecursionError as exc:
            raise FeedError("feed is nested too deeply to read") from exc
        except MemoryError as exc:
            raise FeedError("feed is too large to parse") from exc
