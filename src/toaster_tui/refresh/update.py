"""The refresh pipeline: fetch -> parse -> store, one outcome per feed.

The event loop only fetches (httpx, async) and schedules, so a UI sharing it
keeps answering keys. Parsing a fetched feed and writing it to the database
is one job for a worker: a forkserver process pool when there are
PROCESS_POOL_THRESHOLD feeds or more (both cores parse), else the database
thread. Every worker owns its connection and writes each feed in one
transaction under a lock shared by all writers, so a writer waiting for
another is handed the database at once instead of polling SQLite's busy
timeout. The small writes (304s, failures) go to one database thread here.
One feed failing never stops the rest; a crashed worker is replaced.

Feeds are worked through host by host: a host once started is finished
before new hosts start (within the per-host limit), so the connections the
fetcher keeps per host are reused and few hosts have connections open.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import multiprocessing
import multiprocessing.util
import os
import pickle
import signal
import struct
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from toaster_tui.core.errors import FeedError, StorageError
from toaster_tui.core.models import FeedData, Settings
from toaster_tui.core.sanitize import clean_line
from toaster_tui.feeds.fetch import Fetcher, FetchResult, Outcome
from toaster_tui.store.database import FetchState, Store

T = TypeVar("T")

PROCESS_POOL_THRESHOLD = 8
"""Below this many feeds, starting worker processes costs more than it saves."""
BACKOFF_BASE = 5 * 60
BACKOFF_MAX = 24 * 3600
MAX_WORKERS = 4
"""Parse processes at most (fewer on fewer cores): SQLite takes one writer at a time."""
WORKER_NICE = 5
"""How much nicer worker processes run when a UI (the Textual app) shares the
machine with them: keys first. The app asks for it (Refresher's worker_nice); a
headless refresh (the CLI, cron) runs them at its own priority, so other
programs do not slow it down more than they must."""
BACKLOG_BYTES = 16 * 1024 * 1024
"""Fetched bodies waiting for a parser beyond which no new fetch starts."""
PIPELINE = 4
"""Feeds a worker may hold at once: while another worker writes (or is preempted
while writing), it goes on parsing the next ones instead of waiting."""
POOL_RESTARTS = 3
"""Worker processes a refresh replaces (died or overran), per worker."""

# Workers fork from a server that has already imported the parser and store,
# so each one starts in milliseconds. The app starts the forkserver itself
# (see app/refresh.py start_forkserver), after this module is imported.
_MP = multiprocessing.get_context("forkserver")
_MP.set_forkserver_preload(["toaster_tui.refresh.update", "toaster_tui.feeds.parse"])

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


# --- the worker side (a pool process, or the database thread) ----------------

_worker = threading.local()


def _init_worker(db_path: str, lock: Any) -> None:
    """Pool initializer: where the database is and the lock all writers share."""
    _worker.db_path = db_path
    _worker.lock = lock
    _worker.store = None
    if multiprocessing.parent_process() is not None:
        # Close the connection when the worker process ends (no atexit there).
        multiprocessing.util.Finalize(None, _close_store, exitpriority=10)


def _set_lock(lock: Any) -> None:
    _worker.lock = lock


def _store() -> Store:
    store: Store | None = _worker.store
    if store is None:
        store = _worker.store = Store(Path(_worker.db_path))
    return store


def _close_store() -> None:
    store: Store | None = getattr(_worker, "store", None)
    if store is not None:
        _worker.store = None
        store.close()


def _write(fn: Callable[[Store], T]) -> T:
    """Run one write on this worker's connection, holding the writers' lock."""
    with _worker.lock:
        return fn(_store())


@dataclass(frozen=True)
class _Done:
    """A worker's answer for one fetched feed (small: it crosses processes)."""

    kind: Literal["updated", "unreadable", "unsaved"]
    new: int = 0
    updated: int = 0
    error: str | None = None


def _parse_and_store(feed_id: int, body: bytes, url: str, content_type: str | None,
                     status: int, etag: str | None, last_modified: str | None,
                     fetch_url: str | None) -> _Done:
    """Parse a fetched document and store it in one transaction."""
    parsed = _parse(body, url, content_type)
    if isinstance(parsed, _Done):
        return parsed
    return _write(lambda store: _save(store, parsed, feed_id, status, etag, last_modified,
                                      fetch_url))


def _parse(body: bytes, url: str, content_type: str | None) -> FeedData | _Done:
    from toaster_tui.feeds.parse import parse_feed  # imported once per worker

    try:
        return parse_feed(body, url, content_type)
    except FeedError as exc:
        return _Done("unreadable", error=str(exc))
    except RecursionError:
        return _Done("unreadable", error="feed is nested too deeply to read")
    except MemoryError:
        return _Done("unreadable", error="feed is too large to parse")
    except Exception as exc:  # a parser bug on odd input: this feed's error, not a crash
        return _Done("unreadable", error=(f"could not read the feed ({type(exc).__name__}: "
                                          f"{clean_line(str(exc))[:160]})"))


def _save(store: Store, data: FeedData, feed_id: int, status: int, etag: str | None,
          last_modified: str | None, fetch_url: str | None) -> _Done:
    try:
        counts = store.save_feed(feed_id, data, status=status, etag=etag,
                                 last_modified=last_modified, fetch_url=fetch_url)
    except StorageError as exc:
        return _Done("unsaved", error=str(exc))
    return _Done("updated", counts.new, counts.updated)


# --- scheduling ---------------------------------------------------------------

def _host(state: FetchState) -> str:
    try:
        return (urlsplit(state.fetch_url or state.url).hostname or "").lower()
    except ValueError:
        return ""


class _Backlog:
    """Bytes fetched and not yet parsed: new fetches wait while there are too many."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.bytes = 0
        self.drained = asyncio.Event()

    async def room(self) -> None:
        while self.bytes > self.limit:
            self.drained.clear()
            await self.drained.wait()

    def add(self, size: int) -> None:
        self.bytes += size

    def done(self, size: int) -> None:
        self.bytes -= size
        if self.bytes <= self.limit:
            self.drained.set()


class _HostQueue:
    """Feeds by host; `take` prefers hosts already under way.

    A host is started only when no started host has both feeds left and a
    free per-host slot, so at any time few hosts have connections open and
    each one's connections are reused for its next feed.
    """

    def __init__(self, states: Sequence[FetchState], per_host: int) -> None:
        self.per_host = max(1, per_host)
        self.waiting: dict[str, deque[FetchState]] = {}
        for state in states:
            self.waiting.setdefault(_host(state), deque()).append(state)
        self.fresh: deque[str] = deque(self.waiting)  # hosts not started, in order
        self.started: dict[str, None] = {}  # started hosts with feeds left
        self.active: dict[str, int] = {}
        self.changed = asyncio.Event()

    def take(self) -> tuple[str, FetchState] | None:
        for host in self.started:
            if self.active.get(host, 0) < self.per_host:
                return host, self._pop(host)
        if self.fresh:
            host = self.fresh.popleft()
            self.started[host] = None
            return host, self._pop(host)
        return None

    def _pop(self, host: str) -> FetchState:
        queue = self.waiting[host]
        state = queue.popleft()
        if not queue:
            del self.started[host]
        self.active[host] = self.active.get(host, 0) + 1
        return state

    def done(self, host: str) -> None:
        self.active[host] -= 1
        self.changed.set()

    @property
    def empty(self) -> bool:
        return not self.started and not self.fresh


# --- the refresh --------------------------------------------------------------

class Refresher:
    """Refreshes feeds into the database at `db_path`."""

    def __init__(
        self,
        db_path: Path,
        settings: Settings,
        *,
        processes: bool | None = None,
        worker_nice: int = 0,
    ) -> None:
        self.db_path = db_path
        self.settings = settings
        self.processes = processes
        """True/False forces the parse pool kind; None picks by feed count."""
        self.worker_nice = worker_nice
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
                                    initializer=_init_worker,
                                    initargs=(str(self.db_path), threading.Lock()))
        report = RefreshReport()
        pool: _Pool | None = None
        try:
            # Opening migrates the database before any worker touches it.
            states = await loop.run_in_executor(
                writer, functools.partial(_write, lambda s: s.fetch_states(feed_ids)))
            use_processes = (self.processes if self.processes is not None
                             else len(states) >= PROCESS_POOL_THRESHOLD)
            pool = _Pool(self.db_path, writer, use_processes, self.worker_nice)
            job = _Job(self.settings, writer, pool, due_only)
            total = len(states)
            done = 0
            queue = _HostQueue(states, self.settings.per_host)

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
                await loop.run_in_executor(writer, _close_store)
            writer.shutdown(wait=True)
        return report


class _Proc:
    """One worker process, the pipe we send jobs down and the one it answers on."""

    __slots__ = ("answers", "inflight", "jobs", "outbox", "process")

    def __init__(self, process: Any, jobs: Any, answers: Any) -> None:
        self.process = process
        self.jobs = jobs  # ours to write, non-blocking
        self.answers = answers  # ours to read
        # Jobs sent, oldest first: the worker answers in this order.
        self.inflight: deque[tuple[tuple[Any, ...], asyncio.Future[_Done]]] = deque()
        self.outbox: deque[memoryview] = deque()  # what the pipe has not taken yet


def _frame(data: bytes) -> bytes:
    """A message as multiprocessing.Connection.recv_bytes expects it."""
    if len(data) > 0x7FFFFFFF:
        return struct.pack("!i", -1) + struct.pack("!Q", len(data)) + data
    return struct.pack("!i", len(data)) + data


def _worker_main(jobs: Any, answers: Any, db_path: str, lock: Any, nice: int) -> None:
    """A worker process: parse and store jobs from the pipe until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    _init_worker(db_path, lock)
    # Parsed feeds waiting for their turn to be written, in the order received.
    ready: deque[tuple[tuple[Any, ...], FeedData | _Done]] = deque()

    def take() -> bool:
        try:
            data = jobs.recv_bytes()
        except (EOFError, OSError):
            return False
        args = pickle.loads(data)
        del data
        ready.append((args, _parse(args[1], args[2], args[3])))
        return True

    def answer(result: _Done) -> None:
        ready.popleft()
        answers.send_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))

    try:
        while ready or take():
            args, parsed = ready[0]
            if isinstance(parsed, _Done):
                answer(parsed)
                continue
            feed_id, _body, _url, _ctype, status, etag, modified, fetch_url = args
            if not _worker.lock.acquire(False):
                # Another worker is writing: parse the next feed meanwhile
                # (the parent sends at most PIPELINE), then wait our turn.
                if len(ready) < PIPELINE and jobs.poll(0):
                    if not take():
                        break
                    continue
                _worker.lock.acquire()
            try:
                result = _save(_store(), parsed, feed_id, status, etag, modified, fetch_url)
            finally:
                _worker.lock.release()
            answer(result)
    finally:
        _close_store()


class _Pool:
    """Where parse-and-store jobs run: worker processes (started on first
    use, off the event loop) or the database thread.

    The processes are fed from the event loop itself, one pipe each, read
    with loop.add_reader: no executor threads to contend with the loop for
    the GIL. A worker that dies is replaced; one that overruns its time is
    killed and replaced.
    """

    def __init__(self, db_path: Path, writer: ThreadPoolExecutor, processes: bool,
                 nice: int = 0) -> None:
        self.db_path = db_path
        self.writer = writer
        self.processes = processes
        self.nice = nice
        self.size = max(1, min(os.cpu_count() or 1, MAX_WORKERS)) if processes else 1
        self._lock: Any = None
        self._starting: asyncio.Future[None] | None = None
        self._procs: list[_Proc] = []
        self._watched = False
        self._jobs: deque[tuple[tuple[Any, ...], asyncio.Future[_Done]]] = deque()
        self._restarts = 0
        self._closed = False

    async def run(self, timeout: float, *args: Any) -> _Done:
        loop = asyncio.get_running_loop()
        if not self.processes:
            job = loop.run_in_executor(self.writer, _parse_and_store, *args)
            try:
                return await asyncio.wait_for(job, timeout)
            except TimeoutError:
                return _Done("unreadable", error="parsing took too long; feed skipped")
        if self._starting is None:
            self._starting = loop.run_in_executor(None, self._start)
        try:
            await asyncio.shield(self._starting)
        except Exception:  # no processes to be had: parse on the database thread
            self.processes = False
            return await self.run(timeout, *args)
        if not self._watched:
            self._watched = True
            for proc in self._procs:
                self._watch(proc)
        fut: asyncio.Future[_Done] = loop.create_future()
        self._jobs.append((args, fut))
        self._dispatch()
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout)
        except TimeoutError:
            for proc in list(self._procs):
                if proc.inflight and proc.inflight[0][1] is fut:
                    self._lost(proc, kill=True)  # it is parsing this one: stop it
            fut.cancel()  # queued or behind another: its answer, if any, is dropped
            return _Done("unreadable", error="parsing took too long; feed skipped")

    def _start(self) -> None:
        """In a thread: the lock, the forkserver and the forks all block."""
        self._lock = _MP.Lock()
        procs = [self._spawn() for _ in range(self.size)]
        # The database thread writes under the same lock from now on.
        self.writer.submit(_set_lock, self._lock).result()
        self._procs.extend(procs)

    def _spawn(self) -> _Proc:
        jobs_r, jobs_w = _MP.Pipe(duplex=False)
        answers_r, answers_w = _MP.Pipe(duplex=False)
        process = _MP.Process(target=_worker_main,
                              args=(jobs_r, answers_w, str(self.db_path), self._lock, self.nice),
                              name="toaster-parse", daemon=True)
        process.start()
        jobs_r.close()
        answers_w.close()
        os.set_blocking(jobs_w.fileno(), False)
        return _Proc(process, jobs_w, answers_r)

    def _watch(self, proc: _Proc) -> None:
        asyncio.get_running_loop().add_reader(proc.answers.fileno(), self._answer, proc)

    def _dispatch(self) -> None:
        """Hand queued jobs to the least busy workers, up to PIPELINE each."""
        while self._jobs and self._procs:
            proc = min(self._procs, key=lambda p: len(p.inflight))
            if len(proc.inflight) >= PIPELINE:
                return
            args, fut = self._jobs.popleft()
            if fut.done():
                continue
            proc.inflight.append((args, fut))
            # Pickled only now: a queued job holds its body once, not twice.
            proc.outbox.append(memoryview(_frame(pickle.dumps(
                args, protocol=pickle.HIGHEST_PROTOCOL))))
            self._write(proc)

    def _write(self, proc: _Proc) -> None:
        """Write what the pipe takes now; the loop calls back for the rest."""
        loop = asyncio.get_running_loop()
        try:
            while proc.outbox:
                data = proc.outbox[0]
                while data:
                    data = data[os.write(proc.jobs.fileno(), data):]
                    proc.outbox[0] = data
                proc.outbox.popleft()
        except BlockingIOError:  # the pipe is full: on when the worker has read some
            loop.add_writer(proc.jobs.fileno(), self._write, proc)
            return
        except OSError:
            self._lost(proc)
            return
        loop.remove_writer(proc.jobs.fileno())

    def _answer(self, proc: _Proc) -> None:
        try:
            result = pickle.loads(proc.answers.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            self._lost(proc)
            return
        if proc.inflight:
            _args, fut = proc.inflight.popleft()
            if not fut.done():
                fut.set_result(result)
        self._dispatch()

    def _lost(self, proc: _Proc, kill: bool = False) -> None:
        """A worker died (or overran and is killed): fail the job it was on,
        queue the others again, replace it."""
        loop = asyncio.get_running_loop()
        with contextlib.suppress(Exception):
            loop.remove_reader(proc.answers.fileno())
        with contextlib.suppress(Exception):
            loop.remove_writer(proc.jobs.fileno())
        if kill:
            with contextlib.suppress(Exception):
                proc.process.kill()
        for end in (proc.jobs, proc.answers):
            with contextlib.suppress(Exception):
                end.close()
        if proc in self._procs:
            self._procs.remove(proc)
        # Jobs whose bytes never fully reached it are simply sent elsewhere;
        # the oldest one it had whole is the one it died on.
        if len(proc.inflight) > len(proc.outbox):
            _args, fut = proc.inflight.popleft()
            if not fut.done():
                fut.set_result(_Done("unreadable", error="the parser crashed on this feed"))
        self._jobs.extendleft(reversed(proc.inflight))
        proc.inflight.clear()
        proc.outbox.clear()
        loop.run_in_executor(None, functools.partial(proc.process.join, 5))
        if self._closed or self._restarts >= POOL_RESTARTS * self.size:
            if not self._procs:  # nobody left to do the work
                while self._jobs:
                    _data, waiting = self._jobs.popleft()
                    if not waiting.done():
                        waiting.set_result(_Done("unreadable",
                                                 error="the parser crashed on this feed"))
            return
        self._restarts += 1
        replacing = loop.run_in_executor(None, self._spawn)

        def started(done: asyncio.Future[_Proc]) -> None:
            if done.cancelled() or done.exception() is not None:
                return
            new = done.result()
            if self._closed:
                new.jobs.close()
                new.answers.close()
                return
            self._procs.append(new)
            self._watch(new)
            self._dispatch()

        replacing.add_done_callback(started)

    async def close(self) -> None:
        self._closed = True
        if self._starting is not None:
            with contextlib.suppress(Exception):
                await self._starting
        loop = asyncio.get_running_loop()
        for proc in self._procs:
            # Closing our end tells the worker to close its database and exit.
            with contextlib.suppress(Exception):
                loop.remove_reader(proc.answers.fileno())
            with contextlib.suppress(Exception):
                loop.remove_writer(proc.jobs.fileno())
            for end in (proc.jobs, proc.answers):
                with contextlib.suppress(Exception):
                    end.close()
        procs, self._procs = self._procs, []

        def join() -> None:
            for proc in procs:
                proc.process.join(10)
                if proc.process.is_alive():
                    proc.process.kill()
                    proc.process.join(5)

        await asyncio.to_thread(join)


class _Job:
    """One refresh run's shared parts: settings, database thread, worker pool."""

    def __init__(self, settings: Settings, writer: ThreadPoolExecutor, pool: _Pool,
                 due_only: bool) -> None:
        self.settings = settings
        self.writer = writer
        self.pool = pool
        self.due_only = due_only
        self.backlog = _Backlog(BACKLOG_BYTES)

    def write(self, fn: Callable[[Store], T]) -> Awaitable[T]:
        """A small write on the database thread."""
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(self.writer, functools.partial(_write, fn))

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
                               url: str) -> _Done:
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
