"""The worker side of a refresh: parse a fetched feed and store it.

A worker is a parse process (worker_main, fed by refresh/pool.py) or the
refresh's database thread. Every worker owns its connection and writes under
a lock shared by all writers, so a writer waiting for another is handed the
database at once instead of polling SQLite's busy timeout. A worker process
writes all the feeds it has parsed in one transaction (a savepoint each);
the database thread writes one feed per transaction.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.util
import os
import pickle
import signal
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from toaster_tui.core.errors import FeedError, StorageError
from toaster_tui.core.models import FeedData
from toaster_tui.core.rules import FilterRule
from toaster_tui.core.sanitize import clean_line
from toaster_tui.store.database import FeedWrite, Store
from toaster_tui.store.filters import FilterSet

T = TypeVar("T")

PIPELINE = 8
"""Feeds a worker may hold at once: while another worker writes (or is preempted
while writing), it goes on parsing the next ones instead of waiting, and then
writes all it holds in one transaction. 8 rather than 4: a cold refresh of
1,000 feeds ran ~7% faster (benchmarks/cold_refresh.py)."""

_worker = threading.local()


def init_worker(db_path: str, lock: Any, filters: tuple[FilterRule, ...] = ()) -> None:
    """Pool initializer: where the database is, the lock all writers share and
    the filters to apply to new articles."""
    _worker.db_path = db_path
    _worker.lock = lock
    _worker.filters = filters
    _worker.store = None
    if multiprocessing.parent_process() is not None:
        # Close the connection when the worker process ends (no atexit there).
        multiprocessing.util.Finalize(None, close_worker_store, exitpriority=10)


def set_lock(lock: Any) -> None:
    _worker.lock = lock


def _store() -> Store:
    store: Store | None = _worker.store
    if store is None:
        store = _worker.store = Store(Path(_worker.db_path))
        filters = getattr(_worker, "filters", ())
        if filters:
            store.filters = FilterSet(filters)  # compiled once per worker
    return store


def close_worker_store() -> None:
    store: Store | None = getattr(_worker, "store", None)
    if store is not None:
        _worker.store = None
        store.close()


def write_locked(fn: Callable[[Store], T]) -> T:
    """Run one write on this worker's connection, holding the writers' lock."""
    with _worker.lock:
        return fn(_store())


@dataclass(frozen=True)
class WorkerAnswer:
    """A worker's answer for one fetched feed (small: it crosses processes)."""

    kind: Literal["updated", "unreadable", "unsaved"]
    new: int = 0
    updated: int = 0
    error: str | None = None


def parse_and_store(feed_id: int, body: bytes, url: str, content_type: str | None,
                    status: int, etag: str | None, last_modified: str | None,
                    fetch_url: str | None) -> WorkerAnswer:
    """Parse a fetched document and store it in one transaction."""
    parsed = _parse(body, url, content_type)
    if isinstance(parsed, WorkerAnswer):
        return parsed
    return write_locked(lambda store: _save(store, parsed, feed_id, status, etag,
                                            last_modified, fetch_url))


def _parse(body: bytes, url: str, content_type: str | None) -> FeedData | WorkerAnswer:
    from toaster_tui.feeds.parse import parse_feed  # imported once per worker

    try:
        return parse_feed(body, url, content_type)
    except FeedError as exc:
        return WorkerAnswer("unreadable", error=str(exc))
    except RecursionError:
        return WorkerAnswer("unreadable", error="feed is nested too deeply to read")
    except MemoryError:
        return WorkerAnswer("unreadable", error="feed is too large to parse")
    except Exception as exc:  # a parser bug on odd input: this feed's error, not a crash
        return WorkerAnswer("unreadable", error=(f"could not read the feed ({type(exc).__name__}: "
                                                 f"{clean_line(str(exc))[:160]})"))


def _save(store: Store, data: FeedData, feed_id: int, status: int, etag: str | None,
          last_modified: str | None, fetch_url: str | None) -> WorkerAnswer:
    try:
        counts = store.save_feed(feed_id, data, status=status, etag=etag,
                                 last_modified=last_modified, fetch_url=fetch_url)
    except StorageError as exc:
        return WorkerAnswer("unsaved", error=str(exc))
    return WorkerAnswer("updated", counts.new, counts.updated)


def worker_main(jobs: Any, answers: Any, db_path: str, lock: Any, nice: int,
                filters: tuple[FilterRule, ...] = ()) -> None:
    """A worker process: parse and store jobs from the pipe until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    init_worker(db_path, lock, filters)
    # Parsed feeds waiting for their turn to be written, in the order received.
    ready: deque[tuple[tuple[Any, ...], FeedData | WorkerAnswer]] = deque()

    def take() -> bool:
        try:
            data = jobs.recv_bytes()
        except (EOFError, OSError):
            return False
        args = pickle.loads(data)
        del data
        ready.append((args, _parse(args[1], args[2], args[3])))
        return True

    def answer(result: WorkerAnswer) -> None:
        ready.popleft()
        answers.send_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))

    try:
        while ready or take():
            parsed = ready[0][1]
            if isinstance(parsed, WorkerAnswer):
                answer(parsed)
                continue
            # Parse what has arrived meanwhile: all of it is written in one
            # transaction below (one commit and one search-index segment).
            while len(ready) < PIPELINE and jobs.poll(0):
                if not take():
                    break
            if not _worker.lock.acquire(False):
                # Another worker is writing: parse the next feed meanwhile
                # (the parent sends at most PIPELINE), then wait our turn.
                if len(ready) < PIPELINE and jobs.poll(0):
                    if not take():
                        break
                    continue
                _worker.lock.acquire()
            try:
                results = _save_all(_store(), list(ready))
            finally:
                _worker.lock.release()
            for result in results:
                answer(result)
    finally:
        close_worker_store()


def _save_all(store: Store, waiting: list[tuple[tuple[Any, ...], FeedData | WorkerAnswer]]
              ) -> list[WorkerAnswer]:
    """Answers for the feeds waiting, in order: the parsed ones stored in one
    transaction (Store.save_feeds), the unreadable ones as they are."""
    writes = [FeedWrite(args[0], parsed, *args[4:8]) for args, parsed in waiting
              if not isinstance(parsed, WorkerAnswer)]
    try:
        saved = iter(store.save_feeds(writes))
    except StorageError as exc:
        lost = WorkerAnswer("unsaved", error=str(exc))
        return [parsed if isinstance(parsed, WorkerAnswer) else lost for _args, parsed in waiting]
    answers: list[WorkerAnswer] = []
    for _args, parsed in waiting:
        if isinstance(parsed, WorkerAnswer):
            answers.append(parsed)
            continue
        result = next(saved)
        answers.append(WorkerAnswer("unsaved", error=str(result))
                       if isinstance(result, StorageError)
                       else WorkerAnswer("updated", result.new, result.updated))
    return answers
