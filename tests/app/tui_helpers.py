"""Helpers for the TUI tests: a real SQLite cache built from small fixture
feeds, a fixed clock, settling helpers, and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import functools
import http.server
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.pilot import Pilot

from toaster_tui.app.app import ToasterApp
from toaster_tui.config import parse_config
from toaster_tui.parse import parse_feed
from toaster_tui.store import Store

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


def config_text(feeds: tuple[tuple[str, str, str | None], ...], settings: str = "") -> str:
    lines = ["# written by the tests", "[settings]", "refresh_minutes = 0", settings, ""]
    for url, topic, *_ in feeds:
        lines += ["[[feeds]]", f'url = "{url}"', f'topic = "{topic}"', ""]
    return "\n".join(lines)


def write_library(
    directory: Path,
    feeds: tuple[tuple[str, str, str | None], ...] = FEEDS,
    settings: str = "",
) -> Library:
    """config.toml + toaster.db with each feed parsed from its fixture file."""
    directory.mkdir(parents=True, exist_ok=True)
    config_path = directory / "config.toml"
    db_path = directory / "toaster.db"
    text = config_text(feeds, settings)
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


async def settle(pilot: Pilot[Any], rounds: int = 4) -> None:
    """Let workers finish and their messages land (a few rounds: one begets another)."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_until(pilot: Pilot[Any], check: Callable[[], bool], timeout: float = 10.0,
                     what: str = "condition") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


# --- a real HTTP server for refresh and add --------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class StaticServer:
    """Serves files from `root` on 127.0.0.1 (a random free port)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        handler = functools.partial(_Quiet, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, name: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/{name}"

    def put(self, name: str, data: bytes | str) -> str:
        path = self.root / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
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


def screen_text(app: ToasterApp) -> str:
    """The terminal as the user sees it, as plain text (like capture-pane)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False,
                      safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)
