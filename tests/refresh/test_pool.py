"""The worker pool fed from the event loop, a refresh through it, and what
happens when a worker dies or overruns."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sqlite3
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import pytest

from toaster_tui.core.models import FeedSpec, Settings
from toaster_tui.refresh.pool import MP_CONTEXT, WorkerPool
from toaster_tui.refresh.refresher import WORKER_NICE, Refresher
from toaster_tui.refresh.worker import init_worker
from toaster_tui.store.database import Store

ROOT = Path(__file__).resolve().parents[2]


def _load_farm() -> ModuleType:
    if "farm" in sys.modules:
        return sys.modules["farm"]
    spec = importlib.util.spec_from_file_location("farm", ROOT / "benchmarks" / "farm.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["farm"] = module
    spec.loader.exec_module(module)
    return module


farm = _load_farm()


# --- the refresh in worker processes ------------------------------------------------------------

@pytest.fixture(scope="module")
def farm_server() -> Iterator[object]:
    with farm.Farm(24, entries=5, hosts=4, latency=0.0) as f:
        yield f


def _db(tmp_path: Path, urls: list[str]) -> tuple[Path, list[int]]:
    db = tmp_path / "toaster.db"
    store = Store(db)
    ids = list(store.sync_feeds([FeedSpec(u) for u in urls]).values())
    store.close()
    return db, ids


def _children() -> set[int]:
    return {p.pid for p in MP_CONTEXT.active_children()}


@pytest.mark.parametrize("processes", [True, False])
def test_a_refresh_stores_every_feed_and_then_gets_304s(tmp_path: Path, farm_server: object,
                                                      processes: bool) -> None:
    urls = farm_server.urls()  # type: ignore[attr-defined]
    db, ids = _db(tmp_path, urls)
    refresher = Refresher(db, Settings(concurrency=8, per_host=2), processes=processes)
    report = asyncio.run(refresher.run(ids))
    assert [o.kind for o in report.outcomes] == ["updated"] * len(urls)
    assert report.new_articles == 5 * len(urls)
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 5 * len(urls)
    assert con.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'farm'"
                       ).fetchone()[0] >= 0
    con.close()
    again = asyncio.run(refresher.run(ids))
    assert {o.kind for o in again.outcomes} == {"not_modified"}
    assert not _children()  # the pool is gone with the refresh


def _job(farm_server: object, k: int, feed_id: int) -> tuple[object, ...]:
    doc = farm.make_feed(k, entries=5)
    url = farm_server.url(k)  # type: ignore[attr-defined]
    return (feed_id, doc.body, url, doc.content_type, 200, None, None, None)


def test_a_killed_worker_is_replaced(tmp_path: Path, farm_server: object) -> None:
    db, ids = _db(tmp_path, farm_server.urls())  # type: ignore[attr-defined]

    async def go() -> None:
        writer = ThreadPoolExecutor(1, initializer=init_worker,
                                    initargs=(str(db), __import__("threading").Lock()))
        pool = WorkerPool(db, writer, processes=True)
        try:
            first = await pool.run(30, *_job(farm_server, 0, ids[0]))
            assert first.kind == "updated"
            for proc in list(pool._procs):
                proc.process.kill()
                proc.process.join(5)
            # The dead workers are found on the next dispatch and replaced.
            results = await asyncio.gather(*(pool.run(30, *_job(farm_server, k, ids[k]))
                                             for k in range(1, 6)))
            assert all(r.kind in ("updated", "unreadable") for r in results)
            assert sum(r.kind == "updated" for r in results) >= 3
            late = await pool.run(30, *_job(farm_server, 7, ids[7]))
            assert late.kind == "updated"
        finally:
            await pool.close()
            writer.shutdown()

    asyncio.run(go())
    assert not _children()


def test_a_parse_that_overruns_is_killed_and_reported(tmp_path: Path,
                                                      farm_server: object) -> None:
    db, ids = _db(tmp_path, farm_server.urls())  # type: ignore[attr-defined]

    async def go() -> None:
        writer = ThreadPoolExecutor(1, initializer=init_worker,
                                    initargs=(str(db), __import__("threading").Lock()))
        pool = WorkerPool(db, writer, processes=True)
        try:
            await pool.run(30, *_job(farm_server, 0, ids[0]))  # workers up
            pids = {p.process.pid for p in pool._procs}
            big = farm.make_feed(1, entries=600)  # hundreds of ms to parse and store
            late = await pool.run(0.01, ids[1], big.body, farm_server.url(1),  # type: ignore[attr-defined]
                                  big.content_type, 200, None, None, None)
            assert late.kind == "unreadable" and "too long" in (late.error or "")
            again = await pool.run(30, *_job(farm_server, 2, ids[2]))
            assert again.kind == "updated"
            assert {p.process.pid for p in pool._procs} != pids  # one was replaced
        finally:
            await pool.close()
            writer.shutdown()

    asyncio.run(go())


def test_a_body_larger_than_the_pipe_goes_through(tmp_path: Path, farm_server: object) -> None:
    db, ids = _db(tmp_path, farm_server.urls())  # type: ignore[attr-defined]
    big = farm.make_feed(3, entries=600)  # ~1 MB: many times a pipe's buffer
    assert len(big.body) > 16 * 65536

    async def go() -> None:
        writer = ThreadPoolExecutor(1, initializer=init_worker,
                                    initargs=(str(db), __import__("threading").Lock()))
        pool = WorkerPool(db, writer, processes=True)
        beats = 0

        async def heartbeat() -> None:
            nonlocal beats
            while True:
                await asyncio.sleep(0.001)
                beats += 1

        ticker = asyncio.create_task(heartbeat())
        try:
            got = await pool.run(60, ids[3], big.body, farm_server.url(3),  # type: ignore[attr-defined]
                                 big.content_type, 200, None, None, None)
            assert got.kind == "updated" and got.new == 600
            assert beats > 0  # the loop kept running while the body was written
        finally:
            ticker.cancel()
            await pool.close()
            writer.shutdown()

    asyncio.run(go())


def test_workers_under_a_ui_run_nicer_than_it(tmp_path: Path, farm_server: object) -> None:
    db, ids = _db(tmp_path, farm_server.urls())  # type: ignore[attr-defined]

    async def go() -> int:
        writer = ThreadPoolExecutor(1, initializer=init_worker,
                                    initargs=(str(db), __import__("threading").Lock()))
        pool = WorkerPool(db, writer, processes=True, nice=WORKER_NICE)
        try:
            await pool.run(30, *_job(farm_server, 0, ids[0]))
            pid = pool._procs[0].process.pid
            return os.getpriority(os.PRIO_PROCESS, pid)
        finally:
            await pool.close()
            writer.shutdown()

    assert asyncio.run(go()) >= os.getpriority(os.PRIO_PROCESS, 0) + min(WORKER_NICE, 1)
