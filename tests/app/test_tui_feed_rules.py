"""Per-feed rules in the app: refresh_minutes (R forces), hidden_from_all, keep_days and
the toast for notify feeds, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from tui_helpers import (
    GRID,
    LAB,
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
from toaster_tui.app.desktop_notify import desktop_mode, osc_sequence
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.sidebar import Sidebar

SIZE = (140, 44)


def day(n: int) -> str:
    return f"{n:02d} Nov 2026 09:00:00 GMT"


def served(tmp_path: Path, server: StaticServer, *, settings: str = "",
           tech_rules: str = "", refresh_minutes: int = 0) -> Library:
    server.put("tech.xml", rss("Tech Daily", [
        ("Tabs versus spaces, settled", "https://t.example.test/1", day(20)),
        ("Terminal colours explained", "https://t.example.test/2", day(18)),
    ]))
    server.put("sci.xml", rss("Science Weekly", [
        ("Moss grows on the north side", "https://s.example.test/1", day(19)),
    ]))
    feeds = ((server.url("tech.xml"), "Technology", None),
             (server.url("sci.xml"), "Science", None))
    lib = write_library(tmp_path / "lib", feeds, settings=settings,
                        refresh_minutes=refresh_minutes)
    if tech_rules:
        text = lib.config_path.read_text(encoding="utf-8")
        text = text.replace('topic = "Technology"\n', f'topic = "Technology"\n{tech_rules}\n')
        lib.config_path.write_text(text, encoding="utf-8")
    return lib


async def refreshed(pilot: Pilot[Any], app: ToasterApp, before: int) -> None:
    await wait_until(pilot, lambda: app.refresh_count > before, what="the refresh to finish")
    await settle(pilot)


def titles(app: ToasterApp) -> list[str]:
    return [r.title for r in app.query_one(ArticleList).rows]


async def test_automatic_refresh_honours_refresh_minutes_and_capital_r_forces(
        tmp_path: Path, feed_server: StaticServer) -> None:
    lib = served(tmp_path, feed_server, refresh_minutes=60,
                 tech_rules="refresh_minutes = 0  # by hand only")
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await refreshed(pilot, app, 0)  # at start: the feeds due (never fetched)
        assert feed_server.requests == ["sci.xml"]  # not the by-hand feed
        app.start_refresh(None, due_only=True, quiet=True)  # the timer, a minute later
        await settle(pilot)
        assert app.refresh_count == 1 and feed_server.requests == ["sci.xml"]
        assert "No feeds to refresh" not in screen_text(app)  # nothing due is no news

        # An hour later the timer finds the science feed due again.
        with sqlite3.connect(lib.db_path) as db:
            db.execute("UPDATE feeds SET last_fetched = last_fetched - 3700")
        app.start_refresh(None, due_only=True, quiet=True)
        await refreshed(pilot, app, 1)
        assert feed_server.requests == ["sci.xml", "sci.xml"]

        await pilot.press("R")  # everything, due or not
        await refreshed(pilot, app, 2)
        assert sorted(feed_server.requests) == ["sci.xml", "sci.xml", "sci.xml", "tech.xml"]
        assert "Tabs versus spaces, settled" in titles(app)


async def test_a_feed_hidden_from_all_stays_under_its_topic(tmp_path: Path) -> None:
    lib = write_library(tmp_path / "lib")
    text = lib.config_path.read_text(encoding="utf-8")
    lib.config_path.write_text(
        text.replace(f'url = "{LAB}"\n', f'url = "{LAB}"\nhidden_from_all = true\n'),
        encoding="utf-8")
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = app.query_one(Sidebar)
        with sqlite3.connect(lib.db_path) as db:
            per_feed = dict(db.execute(
                "SELECT f.url, count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id"
                " WHERE a.read = 0 GROUP BY f.url"))
        everything = titles(app)
        assert everything and len(everything) == per_feed[QUIET] + per_feed[GRID]
        assert sidebar._counts[("all", None)] == per_feed[QUIET] + per_feed[GRID]
        assert f"All Topics · {per_feed[QUIET] + per_feed[GRID]} unread" in screen_text(app)

        assert sidebar.select_key(("topic", "Science"))
        await settle(pilot)
        science = titles(app)
        assert len(science) == per_feed[LAB] and not set(science) & set(everything)
        assert sidebar._counts[("topic", "Science")] == per_feed[LAB]
        feed_node = next(n for n in sidebar.find(("topic", "Science")).children  # type: ignore[union-attr]
                         if n.data and n.data.feed and n.data.feed.url == LAB)
        assert feed_node.data is not None and feed_node.data.feed is not None


async def test_new_articles_from_notify_feeds_make_one_toast(
        tmp_path: Path, feed_server: StaticServer) -> None:
    lib = served(tmp_path, feed_server, settings="desktop_notify = \"off\"",
                 tech_rules="notify = true")
    app = make_app(lib)
    async with app.run_test(size=SIZE, notifications=True) as pilot:  # toasts drawn
        await settle(pilot)
        await pilot.press("R")
        await refreshed(pilot, app, 0)
        await wait_until(pilot, lambda: "2 new from Tech Daily" in screen_text(app),
                         what="the toast")
        assert "Science Weekly" not in [str(n.message) for n in app._notifications]
        toasts = [n for n in app._notifications if "new from" in str(n.message)]
        assert len(toasts) == 1 and toasts[0].title == "New articles"


async def test_keep_days_runs_after_a_refresh_in_the_app(
        tmp_path: Path, feed_server: StaticServer) -> None:
    lib = served(tmp_path, feed_server, tech_rules="keep_days = 3")
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await refreshed(pilot, app, 0)
        # Read one old tech story (weeks old by the real clock) and refresh again.
        with sqlite3.connect(lib.db_path) as db:
            db.execute("UPDATE articles SET read = 1 WHERE title LIKE 'Terminal%'")
        await pilot.press("R")
        await refreshed(pilot, app, 1)
        await wait_until(pilot, lambda: "Terminal colours explained" not in titles(app),
                         what="the old read article to go")
        assert titles(app) == ["Tabs versus spaces, settled", "Moss grows on the north side"]


def test_desktop_notification_detection_and_sequences() -> None:
    assert desktop_mode("auto", {"TERM_PROGRAM": "iTerm.app"}) == "osc9"
    assert desktop_mode("auto", {"TERM_PROGRAM": "WezTerm", "TERM": "xterm-256color"}) == "osc9"
    assert desktop_mode("auto", {"WT_SESSION": "abc"}) == "osc9"
    assert desktop_mode("auto", {"TERM": "xterm-kitty"}) == "osc9"
    assert desktop_mode("auto", {"TERM": "foot"}) == "osc777"
    assert desktop_mode("auto", {"TERM": "rxvt-unicode-256color"}) == "osc777"
    assert desktop_mode("auto", {"TERM": "xterm-256color"}) is None
    assert desktop_mode("auto", {"TERM_PROGRAM": "iTerm.app", "TMUX": "/tmp/t,1,0"}) is None
    assert desktop_mode("off", {"TERM_PROGRAM": "iTerm.app"}) is None
    assert desktop_mode("osc777", {}) == "osc777"
    assert osc_sequence("osc9", "toaster", "2 new from A\x1b]0;x\x07") == \
        "\x1b]9;toaster: 2 new from A\x07"
    assert osc_sequence("osc777", "to;aster", "1 new from B") == \
        "\x1b]777;notify;to,aster;1 new from B\x07"
