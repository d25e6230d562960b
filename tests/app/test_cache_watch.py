"""Articles another process writes to the cache (cron's `toaster refresh`) show up
in the running app by themselves, and so do the read and star marks another process
(a second window, a sync) makes: no key press, the selection and the reader kept."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tui_helpers import (
    QUIET,
    Library,
    StaticServer,
    make_app,
    rss,
    screen_text,
    settle,
    wait_until,
    write_library,
)

from toaster_tui.app.app import ToasterApp
from toaster_tui.app.cache_watch import CacheWatch
from toaster_tui.app.data import DataSource
from toaster_tui.feeds.parse import parse_feed
from toaster_tui.store.database import Store
from toaster_tui.store.listing import ArticleFilter

SIZE = (140, 44)
POLL = 0.1
"""Seconds between looks at the cache in these tests (the app's default is 2)."""
NEW_TITLE = "Fresh from the cron job"


def write_elsewhere(db_path: Path, title: str = NEW_TITLE) -> None:
    """What another process's refresh does: a new Quiet Circuits article, on a
    connection of its own."""
    store = Store(db_path)
    try:
        feed_id = store.db.execute("SELECT id FROM feeds WHERE url = ?", (QUIET,)).fetchone()[0]
        doc = rss("Quiet Circuits", [(title, "https://quiet.example.test/fresh",
                                      "25 Nov 2026 08:00:00 GMT")])
        store.save_feed(feed_id, parse_feed(doc.encode(), QUIET, None), status=200, etag=None,
                        last_modified=None, fetch_url=None)
    finally:
        store.close()


def unread_total(app: ToasterApp) -> int:
    data = app.main.sidebar_data
    assert data is not None
    return data.counts.total


def watch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "toaster-cache-watch"]


async def test_another_process_s_articles_appear_without_a_key(library: Library) -> None:
    app = make_app(library, cache_poll_seconds=POLL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        before = unread_total(app)
        await pilot.press("j", "j", "enter")  # reading the third article marks it read
        await wait_until(pilot, lambda: unread_total(app) == before - 1, what="the read mark")
        await settle(pilot)
        reading = main.articles.current
        assert reading is not None and main.reader.article_id == reading.id
        unread = unread_total(app)
        assert f"All Topics · {unread} unread" in screen_text(app)

        await asyncio.to_thread(write_elsewhere, library.db_path)

        await wait_until(pilot, lambda: NEW_TITLE in screen_text(app),
                         what="the new article on screen")
        await wait_until(pilot, lambda: f"All Topics · {unread + 1} unread" in screen_text(app),
                         what="the unread count to rise")
        assert main.articles.rows[0].title == NEW_TITLE  # newest first
        current = main.articles.current
        assert current is not None and current.id == reading.id, "the selection moved"
        assert main.reader.article_id == reading.id, "the reader changed article"
        assert f"{unread + 1} unread" in str(main.status.query_one("#status-text").render())


async def test_a_real_toaster_refresh_fills_an_empty_app(
        tmp_path: Path, feed_server: StaticServer) -> None:
    feed = feed_server.put("tech.xml", rss("Tech Daily", [
        ("Tabs versus spaces, settled", "https://t.example.test/1", "20 Nov 2026 09:00:00 GMT"),
        ("Terminal colours explained", "https://t.example.test/2", "18 Nov 2026 09:00:00 GMT"),
    ]))
    lib = write_library(tmp_path / "lib", ((feed, "Technology", None),))
    app = make_app(lib, cache_poll_seconds=POLL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "No articles in All Topics yet" in screen_text(app)
        cron = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "toaster_tui", "refresh", "--config",
                             str(lib.config_path), "--db", str(lib.db_path)],
            capture_output=True, timeout=120)
        assert cron.returncode == 0, cron.stderr.decode()
        await wait_until(pilot, lambda: "Tabs versus spaces, settled" in screen_text(app)
                         and "All Topics · 2 unread" in screen_text(app),
                         what="cron's articles and counts on screen")
        assert feed_server.requests == ["tech.xml"]  # cron fetched it, not the app


async def test_the_app_s_own_read_marks_do_not_reshuffle_the_list(library: Library) -> None:
    app = make_app(library, cache_poll_seconds=POLL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        await pilot.press("u")  # unread only: a re-query would drop what was read
        await settle(pilot)
        first = main.articles.current
        assert first is not None
        await pilot.press("enter", "j", "enter")  # read two, the first one left behind
        await settle(pilot)
        await pilot.pause(POLL * 10)  # many looks at the cache
        await settle(pilot)
        assert main.articles.row_by_id(first.id) is not None, "the list was re-queried"
        # The watch was looking all along: another process's article still shows.
        await asyncio.to_thread(write_elsewhere, library.db_path)
        await wait_until(pilot, lambda: NEW_TITLE in screen_text(app),
                         what="the new article on screen")


async def test_no_reloads_of_its_own_while_the_app_refreshes(
        tmp_path: Path, feed_server: StaticServer, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = feed_server.put("fast.xml", rss("Fast", [
        ("Quick one", "https://f.example.test/1", "20 Nov 2026 09:00:00 GMT")]))
    slow = feed_server.put("slow.xml", rss("Slow", [
        ("Slow one", "https://s.example.test/1", "19 Nov 2026 09:00:00 GMT")]))
    feed_server.slow("slow.xml", 1.5)  # the refresh runs for many looks at the cache
    lib = write_library(tmp_path / "lib", ((fast, "Technology", None),
                                           (slow, "Science", None)))
    app = make_app(lib, cache_poll_seconds=POLL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reloads: list[bool] = []
        original = app.main.cache_changed

        def counted() -> None:
            reloads.append(app.refreshing)
            original()

        monkeypatch.setattr(app.main, "cache_changed", counted)
        await pilot.press("R")
        await wait_until(pilot, lambda: "Quick one" in screen_text(app), what="the fast feed")
        await wait_until(pilot, lambda: app.refresh_count == 1, what="the refresh to finish")
        await pilot.pause(POLL * 5)
        await settle(pilot)
        # At most one look lands after the refresh's last write and before it ends.
        assert reloads in ([], [False]), reloads
        assert "Slow one" in screen_text(app)


async def test_q_quits_at_once_and_the_watch_ends(library: Library) -> None:
    app = make_app(library, cache_poll_seconds=3600)  # asleep in a long wait
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(watch_threads()) == 1
        began = time.monotonic()
        await pilot.press("q")
    assert time.monotonic() - began < 2.0
    assert app.return_code == 0
    assert watch_threads() == []


async def test_a_write_that_lands_as_the_app_closes_is_ignored(library: Library) -> None:
    # The watch thread may post its news while the app tears down (the children of
    # the main screen already gone): that must not crash the closing app.
    app = make_app(library, cache_poll_seconds=POLL)
    stop = threading.Event()

    def cron() -> None:
        n = 0
        while not stop.is_set():
            write_elsewhere(library.db_path, f"Cron write {n}")
            n += 1
            time.sleep(0.02)

    writer = threading.Thread(target=cron, daemon=True)
    async with app.run_test(size=SIZE) as pilot:
        writer.start()
        await settle(pilot)
    app._reload_for_cache()  # what a late CacheChanged message runs
    stop.set()
    writer.join(timeout=10)
    assert app.return_code in (0, None)


MARK_ELSEWHERE = """
import sys
from pathlib import Path
from toaster_tui.store.database import Store
from toaster_tui.store.listing import ArticleFilter
store = Store(Path(sys.argv[1]))
store.set_read([int(sys.argv[2])], True)
store.set_starred(int(sys.argv[3]), True)
store.close()
"""


def mark_elsewhere(db_path: Path, read_id: int, star_id: int) -> None:
    """Another toaster process marks one article read and stars another."""
    done = subprocess.run([sys.executable, "-c", MARK_ELSEWHERE, str(db_path), str(read_id),
                           str(star_id)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()


def row_line(app: ToasterApp, title: str) -> str:
    """The list's line showing `title` (its dot before it, its star after it)."""
    lines = [line for line in screen_text(app).splitlines() if title[:40] in line]
    assert lines, f"{title!r} is not on screen"
    return str(lines[0])


def dotted(app: ToasterApp, title: str) -> bool:
    line = row_line(app, title)
    return "●" in line[:line.index(title[:40])]


def starred(app: ToasterApp, title: str) -> bool:
    line = row_line(app, title)
    return "★" in line[line.index(title[:40]):]


async def test_another_process_s_read_and_star_marks_show_without_a_key(
        library: Library) -> None:
    app = make_app(library, cache_poll_seconds=POLL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        before = unread_total(app)
        await pilot.press("j", "j", "enter")  # reading the third article marks it read
        await wait_until(pilot, lambda: unread_total(app) == before - 1, what="the read mark")
        await settle(pilot)
        reading = main.articles.current
        assert reading is not None and main.reader.article_id == reading.id
        first, second = main.articles.rows[0], main.articles.rows[1]
        assert dotted(app, first.title) and not starred(app, second.title)
        unread = unread_total(app)

        await asyncio.to_thread(mark_elsewhere, library.db_path, first.id, second.id)

        await wait_until(pilot, lambda: f"All Topics · {unread - 1} unread" in screen_text(app),
                         what="the sidebar count to drop")
        await wait_until(pilot, lambda: not dotted(app, first.title),
                         what="the unread dot to go")
        await wait_until(pilot, lambda: starred(app, second.title), what="the star")
        assert "Starred" in screen_text(app)
        sidebar = main.sidebar_data
        assert sidebar is not None and sidebar.counts.starred == 1
        current = main.articles.current
        assert current is not None and current.id == reading.id, "the selection moved"
        assert main.reader.article_id == reading.id, "the reader changed article"
        assert f"{unread - 1} unread" in str(main.status.query_one("#status-text").render())


async def test_a_star_elsewhere_shows_in_the_reader_of_that_article(library: Library) -> None:
    app = make_app(library, cache_poll_seconds=POLL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        before = unread_total(app)
        await pilot.press("j", "enter")
        await wait_until(pilot, lambda: unread_total(app) == before - 1, what="the read mark")
        await settle(pilot)
        reading = main.articles.current
        assert reading is not None and "★ starred" not in screen_text(app)
        other = main.articles.rows[0]
        await asyncio.to_thread(mark_elsewhere, library.db_path, other.id, reading.id)
        await wait_until(pilot, lambda: "★ starred" in screen_text(app),
                         what="the star in the reader's header")
        assert main.reader.article_id == reading.id


async def test_the_app_s_own_marks_cause_no_reload(
        library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(library, cache_poll_seconds=POLL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.main
        reloads: list[float] = []
        original = main.cache_changed

        def counted() -> None:
            reloads.append(time.monotonic())
            original()

        monkeypatch.setattr(main, "cache_changed", counted)
        await pilot.press("u")  # unread only: a re-query would drop what was read
        await settle(pilot)
        first = main.articles.current
        assert first is not None
        await pilot.press("m")  # read
        await settle(pilot)
        await pilot.press("s", "j", "m", "m", "s", "enter")  # star, read, unread, star, read
        await settle(pilot)
        await pilot.pause(POLL * 10)  # many looks at the cache
        await settle(pilot)
        assert reloads == [], "the app's own marks re-queried the list"
        assert main.articles.row_by_id(first.id) is not None, "the list was re-queried"
        await pilot.press("A")  # mark all read
        await wait_until(pilot, lambda: "Mark all read" in screen_text(app), what="the question")
        await pilot.press("y")
        await settle(pilot)
        await wait_until(pilot, lambda: unread_total(app) == 0, what="all read")
        await pilot.pause(POLL * 10)
        await settle(pilot)
        assert reloads == [], "mark all read re-queried the list"
        # The watch was looking all along: another process's mark still shows.
        await pilot.press("u")  # all articles again
        await settle(pilot)
        other = next(r for r in main.articles.rows if not r.starred)
        await asyncio.to_thread(mark_elsewhere, library.db_path, other.id, other.id)
        await wait_until(pilot, lambda: starred(app, other.title), what="the star")
        assert len(reloads) == 1


def test_the_watch_tells_another_process_s_writes_from_the_app_s_own(
        library: Library) -> None:
    calls: list[float] = []
    app_data = DataSource(library.db_path)  # the app's own writes go through it
    watch = CacheWatch(library.db_path, lambda: calls.append(time.monotonic()), interval=0.02,
                       own=app_data.own_writes)
    watch.start()

    def wait_for_call() -> None:
        deadline = time.monotonic() + 5
        while not calls and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)

    try:
        time.sleep(0.1)  # the first look sets what is known
        try:
            ids = [r.id for r in app_data.page(ArticleFilter(), limit=3)]
            app_data.set_read(ids, True)
            app_data.set_starred(ids[0], True)
            app_data.set_read(ids[1:], False)
            app_data.mark_all_read(ArticleFilter())
        finally:
            app_data.close()
        time.sleep(0.2)
        assert calls == [], "the app's own marks are not another process's"
        store = Store(library.db_path)
        try:
            store.set_read(ids[:1], False)  # another process's mark
        finally:
            store.close()
        wait_for_call()
        assert len(calls) == 1
        calls.clear()
        write_elsewhere(library.db_path)
        wait_for_call()
        assert len(calls) == 1
    finally:
        watch.stop()
    assert watch_threads() == []
