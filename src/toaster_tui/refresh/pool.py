"""Where parse-and-store jobs run: a forkserver process pool, or the database thread.

The processes are fed from the event loop itself, one pipe each, read with
loop.add_reader: no executor threads to contend with the loop for the GIL.
Jobs are pickled and framed here as multiprocessing.Connection.recv_bytes
expects them; the worker's side is refresh/worker.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import multiprocessing
import os
import pickle
import struct
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from toaster_tui.core.rules import FilterRule
from toaster_tui.refresh.worker import (
    PIPELINE,
    WorkerAnswer,
    parse_and_store,
    set_lock,
    worker_main,
)

MAX_WORKERS = 4
"""Parse processes at most (fewer on fewer cores): SQLite takes one writer at a time."""
POOL_RESTARTS = 3
"""Worker processes a refresh replaces (died or overran), per worker."""

# Workers fork from a server that has already imported the parser and store,
# so each one starts in milliseconds. The app starts the forkserver itself
# (see app/refresh.py start_forkserver), after this module is imported.
MP_CONTEXT = multiprocessing.get_context("forkserver")
MP_CONTEXT.set_forkserver_preload(["toaster_tui.refresh.worker", "toaster_tui.feeds.parse"])

_Waiting = tuple[tuple[Any, ...], asyncio.Future[WorkerAnswer]]
"""A job's arguments and the future its answer goes to."""


class _Proc:
    """One worker process, the pipe we send jobs down and the one it answers on."""

    __slots__ = ("answers", "inflight", "jobs", "outbox", "process")

    def __init__(self, process: Any, jobs: Any, answers: Any) -> None:
        self.process = process
        self.jobs = jobs  # ours to write, non-blocking
        self.answers = answers  # ours to read
        # Jobs sent, oldest first: the worker answers in this order.
        self.inflight: deque[_Waiting] = deque()
        self.outbox: deque[memoryview] = deque()  # what the pipe has not taken yet


def _frame(data: bytes) -> bytes:
    """A message as multiprocessing.Connection.recv_bytes expects it."""
    if len(data) > 0x7FFFFFFF:
        return struct.pack("!i", -1) + struct.pack("!Q", len(data)) + data
    return struct.pack("!i", len(data)) + data


class WorkerPool:
    """Where parse-and-store jobs run: worker processes (started on first
    use, off the event loop) or the database thread.

    A worker that dies is replaced; one that overruns its time is killed and
    replaced.
    """

    def __init__(self, db_path: Path, writer: ThreadPoolExecutor, processes: bool,
                 nice: int = 0, filters: tuple[FilterRule, ...] = ()) -> None:
        self.db_path = db_path
        self.filters = filters
        self.writer = writer
        self.processes = processes
        self.nice = nice
        self.size = max(1, min(os.cpu_count() or 1, MAX_WORKERS)) if processes else 1
        self._lock: Any = None
        self._starting: asyncio.Future[None] | None = None
        self._procs: list[_Proc] = []
        self._watched = False
        self._jobs: deque[_Waiting] = deque()
        self._restarts = 0
        self._closed = False

    def warm_up(self) -> None:
        """Start the processes now, off the event loop: the forkserver's start
        (a new interpreter importing the parser) overlaps the first requests
        instead of waiting for the first feed to come back."""
        if self.processes and self._starting is None:
            self._starting = asyncio.get_running_loop().run_in_executor(None, self._start)

    async def run(self, timeout: float, *args: Any) -> WorkerAnswer:
        loop = asyncio.get_running_loop()
        if not self.processes:
            job = loop.run_in_executor(self.writer, parse_and_store, *args)
            try:
                return await asyncio.wait_for(job, timeout)
            except TimeoutError:
                return WorkerAnswer("unreadable", error="parsing took too long; feed skipped")
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
        fut: asyncio.Future[WorkerAnswer] = loop.create_future()
        self._jobs.append((args, fut))
        self._dispatch()
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout)
        except TimeoutError:
            for proc in list(self._procs):
                if proc.inflight and proc.inflight[0][1] is fut:
                    self._lost(proc, kill=True)  # it is parsing this one: stop it
            fut.cancel()  # queued or behind another: its answer, if any, is dropped
            return WorkerAnswer("unreadable", error="parsing took too long; feed skipped")

    def _start(self) -> None:
        """In a thread: the lock, the forkserver and the forks all block."""
        self._lock = MP_CONTEXT.Lock()
        procs = [self._spawn() for _ in range(self.size)]
        # The database thread writes under the same lock from now on.
        self.writer.submit(set_lock, self._lock).result()
        self._procs.extend(procs)

    def _spawn(self) -> _Proc:
        jobs_r, jobs_w = MP_CONTEXT.Pipe(duplex=False)
        answers_r, answers_w = MP_CONTEXT.Pipe(duplex=False)
        process = MP_CONTEXT.Process(target=worker_main,
                                     args=(jobs_r, answers_w, str(self.db_path), self._lock,
                                           self.nice, self.filters),
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
                fut.set_result(WorkerAnswer("unreadable", error="the parser crashed on this feed"))
        self._jobs.extendleft(reversed(proc.inflight))
        proc.inflight.clear()
        proc.outbox.clear()
        loop.run_in_executor(None, functools.partial(proc.process.join, 5))
        if self._closed or self._restarts >= POOL_RESTARTS * self.size:
            if not self._procs:  # nobody left to do the work
                while self._jobs:
                    _data, waiting = self._jobs.popleft()
                    if not waiting.done():
                        waiting.set_result(WorkerAnswer("unreadable",
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
