"""The UI loop stays free while a refresh runs: the refresh has a thread and an
event loop of its own, reports progress by a few messages, and stops when the
app quits; and full garbage collections wait for a pause in the input."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.message import Message
from tui_helpers import Library, StaticServer, make_app, settle, wait_until

from toaster_tui.app import gc_policy
from toaster_tui.app.app import ToasterApp
from toaster_tui.app.refresh import (
    PROGRESS_EVERY,
    RefreshFinished,
    RefreshProgress,
    RefreshRun,
    RefreshStarted,
)
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.status import StatusBar
from toaster_tui.core.models import Settings
from toaster_tui.refresh.outcomes import FeedOutcome, ProgressFn, RefreshReport

SIZE = (140, 44)


class BlockingRefresher:
    """Stands in for refresher.Refresher: blocks the loop it runs on (as parsing
    hundreds of responses on it would), reporting progress as it goes."""

    instances: ClassVar[list[BlockingRefresher]] = []

    def __init__(self, db_path: Path, settings: Settings, *, block: float = 0.05,
                 rounds: int = 60) -> None:
        self.block = block
        self.rounds = rounds
        self.thread: int | None = None
        self.cancelled = False
        self.started = threading.Event()
        BlockingRefresher.instances.append(self)

    async def run(self, feed_ids: Sequence[int], *, due_only: bool = False,
                  progress: ProgressFn | None = None) -> RefreshReport:
        self.thread = threading.get_ident()
        self.started.set()
        report = RefreshReport()
        try:
            for n in range(1, self.rounds + 1):
                time.sleep(self.block)  # the loop is blocked: no await
                outcome = FeedOutcome(feed_ids[0], "https://x.test/", "not_modified")
                report.outcomes.append(outcome)
                if progress is not None:
                    progress(n, self.rounds, outcome)
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return report


class SleepingRefresher(BlockingRefresher):
    """Waits (cancellably) for a minute: a refresh that is still running."""

    async def run(self, feed_ids: Sequence[int], *, due_only: bool = False,
                  progress: ProgressFn | None = None) -> RefreshReport:
        self.thread = threading.get_ident()
        self.started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return RefreshReport()


async def started_refresher(pilot: Any) -> BlockingRefresher:
    """The refresher the app made (on the refresh's thread) once it runs."""
    instances = BlockingRefresher.instances
    await wait_until(pilot, lambda: bool(instances) and instances[-1].started.is_set(),
                     what="the refresh to start")
    return instances[-1]


async def test_keys_are_answered_while_the_refresh_blocks_its_own_loop(
        library: Library) -> None:
    BlockingRefresher.instances.clear()
    app = make_app(library, refresher=BlockingRefresher)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.query_one(ArticleList)
        app.start_refresh(None)
        refresher = await started_refresher(pilot)
        assert refresher.thread != threading.get_ident()  # not the app's loop
        moved = 0
        for key in ("j", "j", "k"):
            before = articles.cursor
            started = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            # The refresher's loop is blocked for 3 s in all: keys don't wait for it.
            assert time.perf_counter() - started < 1.0
            moved += articles.cursor != before
        assert moved == 3
        assert app.refreshing  # all of that while the refresh still ran
        await wait_until(pilot, lambda: app.refresh_count == 1, what="the refresh to end")
        assert app.last_report is not None and len(app.last_report.outcomes) == 60


async def test_progress_reaches_the_ui_as_a_few_messages(library: Library) -> None:
    BlockingRefresher.instances.clear()

    def fast(db: Path, settings: Settings) -> BlockingRefresher:
        return BlockingRefresher(db, settings, block=0.0005, rounds=2000)

    app = make_app(library, refresher=fast)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        calls: list[tuple[int, int, bool]] = []
        main = app.main
        original = main.refresh_progress

        def counted(done: int, total: int, changed: bool) -> None:
            calls.append((done, total, changed))
            original(done, total, changed)

        main.refresh_progress = counted  # type: ignore[method-assign]
        started = time.perf_counter()
        app.start_refresh(None)
        await wait_until(pilot, lambda: app.refresh_count == 1, what="the refresh to end")
        took = time.perf_counter() - started
        await settle(pilot)
        # 2,000 feeds' progress, in at most one message per PROGRESS_EVERY seconds.
        assert 1 <= len(calls) <= took / PROGRESS_EVERY + 2
        assert [done for done, _, _ in calls] == sorted(done for done, _, _ in calls)
        assert not any(changed for _, _, changed in calls)  # all "not modified"
        assert "Refreshed: 0 new" in app.query_one(StatusBar).refresh_text


async def test_quitting_stops_a_running_refresh_promptly(library: Library) -> None:
    BlockingRefresher.instances.clear()
    app = make_app(library, refresher=SleepingRefresher)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.start_refresh(None)
        refresher = await started_refresher(pilot)
        run = app._last_run
        assert run is not None and app.refreshing
        started = time.perf_counter()
        await pilot.press("q")
    # The app is gone, and so is the refresh's thread (not a minute later).
    assert run.finished.wait(5)
    assert time.perf_counter() - started < 5
    assert refresher.cancelled


async def test_cancelling_the_worker_stops_the_refresh(library: Library) -> None:
    BlockingRefresher.instances.clear()
    app = make_app(library, refresher=SleepingRefresher)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.start_refresh(None)
        refresher = await started_refresher(pilot)
        run = app._last_run
        assert run is not None
        app.workers.cancel_group(app, "refresh")  # what a newer exclusive one does
        await wait_until(pilot, lambda: not app.refreshing, timeout=5,
                         what="the refresh to stop")
        assert run.finished.is_set() and refresher.cancelled
        assert "Refresh cancelled" in app.query_one(StatusBar).refresh_text
        # And the next one runs as usual.
        app.start_refresh(None)
        await wait_until(pilot, lambda: len(BlockingRefresher.instances) == 2,
                         what="a second refresh")


async def test_quitting_stops_a_real_refresh_waiting_for_a_slow_server(
        tmp_path: Path, feed_server: StaticServer) -> None:
    from tui_helpers import rss, write_library

    url = feed_server.put("slow.xml", rss("Slow", [("One", "https://s.test/1",
                                                    "20 Nov 2026 09:00:00 GMT")]))
    feed_server.slow("slow.xml", 8.0)
    lib = write_library(tmp_path / "lib", ((url, "News", None),))
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_until(pilot, lambda: feed_server.requests == ["slow.xml"],
                         what="the fetch to start")
        run = app._last_run
        assert run is not None
        started = time.perf_counter()
        await pilot.press("q")
    assert run.finished.wait(5)
    assert time.perf_counter() - started < 5


class _Inbox:
    """A stand-in for the app: collects what a RefreshRun posts."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    def post_message(self, message: Message) -> bool:
        self.messages.append(message)
        return True


def test_a_newer_run_starts_only_once_the_cancelled_one_has_ended(tmp_path: Path) -> None:
    BlockingRefresher.instances.clear()
    inbox = _Inbox()
    settings = Settings()
    first = RefreshRun(inbox, SleepingRefresher, tmp_path / "db", settings, [1])  # type: ignore[arg-type]
    thread = threading.Thread(target=first.run)
    thread.start()
    assert BlockingRefresher.instances and BlockingRefresher.instances[0].started.wait(5)
    second = RefreshRun(inbox, BlockingRefresher, tmp_path / "db", settings, [1],  # type: ignore[arg-type]
                        previous=first)
    second.run()  # cancels the first, waits for it, then runs
    thread.join(5)
    old, new = BlockingRefresher.instances
    assert old.cancelled and first.finished.is_set()
    assert not new.cancelled and second.finished.is_set()
    kinds = [(type(m).__name__, m.run is second) for m in inbox.messages]  # type: ignore[attr-defined]
    # The first run's end is posted before the second one starts.
    assert kinds.index(("RefreshFinished", False)) < kinds.index(("RefreshStarted", True))
    finished = [m for m in inbox.messages if isinstance(m, RefreshFinished)]
    assert finished[0].cancelled and finished[1].report is not None
    assert any(isinstance(m, RefreshProgress) for m in inbox.messages)
    assert any(isinstance(m, RefreshStarted) for m in inbox.messages)


def test_a_run_with_no_feeds_says_so(tmp_path: Path) -> None:
    inbox = _Inbox()
    run = RefreshRun(inbox, BlockingRefresher, tmp_path / "db", Settings(), None,  # type: ignore[arg-type]
                     all_feed_ids=list)
    run.run()
    assert [type(m) for m in inbox.messages] == [RefreshFinished]
    assert inbox.messages[0].empty  # type: ignore[attr-defined]


def test_the_collector_defers_full_collections_and_restores_the_settings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Small generations, so the test allocates little to get there.
    monkeypatch.setattr(gc_policy, "YOUNG", 700)
    monkeypatch.setattr(gc_policy, "WORTH_IT", 2)
    monkeypatch.setattr(gc_policy, "FORCE_AFTER", 6)
    before = gc.get_threshold()
    collector = gc_policy.IdleCollector()
    collector.install()
    try:
        assert gc.get_threshold()[0] == max(before[0], gc_policy.YOUNG)
        assert gc.get_threshold()[2] > 1_000_000  # no automatic full collection
        assert gc.get_freeze_count() > 0
        # Keys keep coming: nothing runs, however much is pending (short of forced).
        collector.note_input()
        _churn(gc_policy.WORTH_IT + 1)
        assert gc_policy.WORTH_IT < gc.get_count()[2] < gc_policy.FORCE_AFTER
        collector.tick()
        assert collector.collections == 0
        # A pause in the input: it runs.
        collector._last_input -= gc_policy.IDLE_AFTER
        collector.tick()
        assert collector.collections == 1
        assert gc.get_count()[2] == 0
        # Busy for long: it runs all the same.
        collector.note_input()
        _churn(gc_policy.FORCE_AFTER + 1)
        collector.tick()
        assert collector.collections == 2
    finally:
        collector.uninstall()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def _churn(middle_collections: int) -> None:
    """Allocate until the middle generation was collected that many times."""
    target = gc.get_count()[2] + middle_collections
    keep: list[Any] = []  # alive until the end: only survivors count
    while gc.get_count()[2] < target:
        keep.append([[] for _ in range(100)])


async def test_the_app_installs_the_collector_and_puts_gc_back(library: Library) -> None:
    before = gc.get_threshold()
    app: ToasterApp = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app._gc.installed
        assert gc.get_threshold()[2] > 1_000_000
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


async def test_re_queries_of_the_list_never_pile_up(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.query_one(ArticleList)
        data = articles._data
        original = data.window
        calls: list[float] = []

        def slow_window(*args: Any, **kwargs: Any) -> Any:
            calls.append(time.perf_counter())
            time.sleep(0.3)  # a cache busy with a refresh's writes
            return original(*args, **kwargs)

        data.window = slow_window  # type: ignore[method-assign]
        for _ in range(5):  # a refresh asks every RELOAD_EVERY seconds
            articles.reload()
        await settle(pilot)
        assert len(calls) == 2  # the one running, then one for all asked meanwhile
        # A re-query still running when another listing is shown: the new
        # listing's own re-query waits for it, then runs (nothing is left pending).
        calls.clear()
        articles.reload()
        await pilot.press("u")  # unread only: a new listing
        await wait_until(pilot, lambda: not articles._loading, what="the new listing")
        articles.reload()
        await settle(pilot)
        assert len(calls) == 2 and not articles.waiting
