"""Helpers for the TUI tests: a real SQLite cache built from small fixture
feeds, a fixed clock, settling helpers, and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import functools
import http.server
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.events import MouseScrollDown, MouseScrollUp
from textual.pilot import Pilot

from pilot_helpers import screen_text, shown_error, wait_until  # noqa: F401  (re-exported)
from toaster_tui.app.app import ToasterApp
from toaster_tui.config.load import parse_config
from toaster_tui.feeds.parse import parse_feed
from toaster_tui.store.database import Store, connect
from toaster_tui.store.schema import index_articles_after, last_article_id

FIXED_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
DATA = Path(__file__).parent / "data"

QUIET = "https://quiet.example.test/feed.xml"
GRID = "https://grid.example.test/atom.xml"
LAB = "https://lab.example.test/rss.xml"
FEEDS: tuple[tuple[str, str, str], ...] = (
    (QUIET, "Technology", "quiet-circuits.xml"),
    (GRID, "Design", "grid-and-gutter.xml"),
    (LAB, "Science", "lab-notes.xml"),
)


@dataclass(frozen=True)
class Library:
    config_path: Path
    db_path: Path


def config_text(feeds: tuple[tuple[str, str, str | None], ...], settings: str = "",
                refresh_minutes: int = 0) -> str:
    lines = ["# written by the tests", "[settings]", f"refresh_minutes = {refresh_minutes}",
             settings, ""]
    for url, topic, *_ in feeds:
        lines += ["[[feeds]]", f'url = "{url}"', f'topic = "{topic}"', ""]
    return "\n".join(lines)


def write_library(
    directory: Path,
    feeds: tuple[tuple[str, str, str | None], ...] = FEEDS,
    settings: str = "",
    refresh_minutes: int = 0,
) -> Library:
    """config.toml + toaster.db with each feed parsed from its fixture file."""
    directory.mkdir(parents=True, exist_ok=True)
    config_path = directory / "config.toml"
    db_path = directory / "toaster.db"
    text = config_text(feeds, settings, refresh_minutes)
    config_path.write_text(text, encoding="utf-8")
    config = parse_config(text, config_path)
    store = Store(db_path)
    ids = store.sync_feeds(config.feeds)
    for url, _topic, name in feeds:
        if name is None:
            continue
        data = parse_feed((DATA / name).read_bytes(), url, None)
        store.save_feed(ids[url], data, status=200, etag=None, last_modified=None,
                        fetch_url=None, now=int(FIXED_NOW.timestamp()))
    store.close()
    return Library(config_path, db_path)


def make_app(lib: Library, **kwargs: Any) -> ToasterApp:
    kwargs.setdefault("now", lambda: FIXED_NOW)
    return ToasterApp(lib.config_path, lib.db_path, **kwargs)


async def settle(pilot: Pilot[Any], rounds: int = 2, timeout: float = 20.0) -> None:
    """Wait until the app is quiet: config read, no worker running, the list loaded,
    and that `rounds` times in a row (one message often starts the next worker)."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    quiet = 0
    while quiet < rounds:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        busy = any(w.is_running for w in app.workers)
        if isinstance(app, ToasterApp):
            busy = busy or not app.config_read or app.main.articles.waiting
        quiet = 0 if busy else quiet + 1
        if loop.time() > deadline:
            state: list[object] = [(w.name, w.state.name) for w in app.workers]
            if isinstance(app, ToasterApp):
                state += [f"config read: {app.config_read}",
                          f"list waiting: {app.main.articles.waiting}"]
            raise AssertionError(f"the app did not settle: {state}")


# --- a real HTTP server for refresh and add --------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        name = self.path.lstrip("/").split("?")[0]
        self.server.requests.append(name)
        delay = self.server.delays.get(name)
        if delay:
            time.sleep(delay)
        super().do_GET()


class _Server(http.server.ThreadingHTTPServer):
    requests: list[str]
    delays: dict[str, float]


class StaticServer:
    """Serves files from `root` on 127.0.0.1 (a random free port); logs requests."""

    def __init__(self, root: Path) -> None:
        self.root = root
        handler = functools.partial(_Handler, directory=str(root))
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.httpd.requests = []
        self.httpd.delays = {}
        self._writes = 0
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def requests(self) -> list[str]:
        return self.httpd.requests

    def slow(self, name: str, seconds: float) -> None:
        self.httpd.delays[name] = seconds

    def url(self, name: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/{name}"

    def put(self, name: str, data: bytes | str) -> str:
        path = self.root / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        # Last-Modified has one-second steps: a file rewritten within the second
        # would look unchanged to a conditional GET, so each write moves it on.
        self._writes += 1
        stamp = time.time() + 2 * self._writes
        os.utime(path, (stamp, stamp))
        return self.url(name)

    def __enter__(self) -> StaticServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def rss(title: str, items: list[tuple[str, str, str]]) -> str:
    """A small RSS 2.0 document: items are (title, link, RFC 822 date)."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{date}</pubDate><description>About {t}.</description></item>"
        for t, link, date in items
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title><link>https://example.test/</link>"
            f"<description>{title}</description>{body}</channel></rss>")


async def wheel(pilot: Pilot[Any], widget: Any, offset: tuple[int, int] = (2, 2),
                down: bool = True, times: int = 3) -> None:
    """Turn the mouse wheel over `widget` (Pilot has click and hover, not the wheel)."""
    event = MouseScrollDown if down else MouseScrollUp
    for _ in range(times):
        await pilot._post_mouse_events([event], widget, offset)


def add_generated_articles(lib: Library, count: int, feed_url: str = QUIET) -> None:
    """`count` plain articles in one feed, written straight into the cache in bulk."""
    db = connect(lib.db_path)
    feed_id = db.execute("SELECT id FROM feeds WHERE url = ?", (feed_url,)).fetchone()[0]
    base = int(FIXED_NOW.timestamp()) - 30 * 86_400
    rows = [
        (feed_id, f"gen-{n}", f"Generated article number {n}", f"https://gen.example.test/{n}",
         base - n * 60, base - n * 60, base - n * 60, "<p>generated body text</p>", "",
         f"generated body text number {n}", "generated", "[]", "en", 1, f"h{n}")
        for n in range(count)
    ]
    db.execute("BEGIN IMMEDIATE")
    indexed_upto = last_article_id(db)
    db.executemany(
        """INSERT INTO articles (feed_id, key, title, url, published, first_seen, sort_time,
               content_html, summary_html, text, snippet, categories, language, read_minutes,
               content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)
    index_articles_after(db, indexed_upto)  # searchable, as the store's writes are
    db.execute("COMMIT")
    db.close()
