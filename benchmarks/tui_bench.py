"""TUI benchmark: launch time with a big cache, and key latency during a refresh.

    python benchmarks/tui_bench.py                  # 100,000 articles, 300 feeds
    python benchmarks/tui_bench.py --quick          # 10,000 articles, 60 feeds

(a) launch: from creating ToasterApp to the article list showing rows
    (headless run_test, fixed terminal size);
(b) latency: key press -> the screen repainted with its effect, for j / k
    (the cursor moved) and Enter (the reader shows the article; the body
    arriving from its worker is reported apart), while a refresh of every
    feed runs against a loopback HTTP server started here.

Keys are injected through the driver like real input, and "repainted" is the
first compositor update the app hands to its display after the effect, so
the figures include waiting for a busy event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import hashlib
import http.server
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual import events

from toaster_tui.app.app import ToasterApp
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.reader import ReaderPane
from toaster_tui.config import parse_config
from toaster_tui.store import Store, connect

TOPICS = ("Technology", "Design", "Programming", "Science", "News", "Gaming", "Business",
          "Health", "Food", "Travel", "Books", "Music")
_WORDS_TEXT = ("river stone lantern quiet signal garden copper winter orbit ledger meadow harbor "
         "circuit paper thread engine window island compass violet marble timber beacon "
         "canvas summit glacier prairie falcon harvest cobalt ember tundra willow quartz "
         "saffron atlas cipher delta fjord gable haven indigo juniper kelp lagoon mosaic "
         "nectar oasis pebble quill rampart sierra tidal umber vessel wharf yarrow zephyr")
WORDS = tuple(_WORDS_TEXT.split())
BASE_TIME = 1_790_000_000  # late 2026: every article is in the past


# --- the cache ----------------------------------------------------------------------

def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def build_library(directory: Path, articles: int, feeds: int, base_url: str) -> tuple[Path, Path]:
    """config.toml with `feeds` feeds and a cache with `articles` articles (executemany)."""
    directory.mkdir(parents=True, exist_ok=True)
    config_path, db_path = directory / "config.toml", directory / "toaster.db"
    lines = ["[settings]", "refresh_minutes = 0", "concurrency = 32", ""]
    for i in range(feeds):
        lines += ["[[feeds]]", f'url = "{base_url}/feed-{i}.xml"',
                  f'topic = "{TOPICS[i % len(TOPICS)]}"', ""]
    config_path.write_text("\n".join(lines), encoding="utf-8")
    config = parse_config(config_path.read_text(encoding="utf-8"), config_path)
    store = Store(db_path)
    ids = list(store.sync_feeds(config.feeds).values())
    store.close()
    rng = random.Random(7)
    db = connect(db_path)
    db.execute("BEGIN IMMEDIATE")
    batch: list[tuple[object, ...]] = []
    for n in range(articles):
        feed_id = ids[n % len(ids)]
        when = BASE_TIME - n * 60 - rng.randrange(60)
        title = _text(rng, 6).capitalize()
        text = _text(rng, 60)
        html = f"<p>{text}</p>"
        batch.append((feed_id, f"gen-{n}", title, f"https://example.test/a/{n}", "A. Writer",
                      when, None, when, when, html, html, text, text[:200], "[]", "en", 1,
                      hashlib.blake2b(str(n).encode(), digest_size=8).hexdigest(),
                      int(rng.random() < 0.3)))
        if len(batch) == 5000:
            _insert(db, batch)
            batch.clear()
    _insert(db, batch)
    db.execute("COMMIT")
    db.execute("PRAGMA optimize")
    db.close()
    return config_path, db_path


def _insert(db: Any, rows: list[tuple[object, ...]]) -> None:
    db.executemany(
        """INSERT INTO articles (feed_id, key, title, url, author, published, updated,
               first_seen, sort_time, content_html, summary_html, text, snippet, categories,
               language, read_minutes, content_hash, read)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)


# --- the loopback feed server --------------------------------------------------------

def feed_document(index: int, items: int) -> bytes:
    rng = random.Random(index)
    entries = []
    for k in range(items):
        when = time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                             time.gmtime(BASE_TIME + 3600 + index * 7 + k * 97))
        entries.append(
            f"<item><title>Fresh {index}-{k}: {_text(rng, 5)}</title>"
            f"<link>https://example.test/fresh/{index}/{k}</link>"
            f"<guid>fresh-{index}-{k}</guid><pubDate>{when}</pubDate>"
            f"<description>&lt;p&gt;{_text(rng, 80)}&lt;/p&gt;</description></item>")
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {index}</title>'
            f"<link>https://example.test/{index}</link><description>bench</description>"
            f"{''.join(entries)}</channel></rss>").encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    documents: ClassVar[dict[str, bytes]] = {}

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = self.documents.get(self.path.lstrip("/"))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def start_server(feeds: int, items: int) -> tuple[http.server.ThreadingHTTPServer, str]:
    docs = {f"feed-{i}.xml": feed_document(i, items) for i in range(feeds)}
    handler = type("Handler", (_Handler,), {"documents": docs})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host!s}:{port}"


# --- measuring ----------------------------------------------------------------------

class Probe:
    """Timestamps of the app handing a screen update to its display."""

    def __init__(self, app: ToasterApp) -> None:
        self.app = app
        self.waiters: list[tuple[Callable[[], bool], asyncio.Future[float]]] = []
        original = app._display

        @functools.wraps(original)
        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            now = time.perf_counter()
            for check, future in list(self.waiters):
                if not future.done() and check():
                    future.set_result(now)
                    self.waiters.remove((check, future))

        app._display = display  # type: ignore[method-assign]

    async def press(self, key: str, effect: Callable[[], bool], timeout: float = 10.0) -> float:
        """Seconds from injecting `key` to the first repaint showing `effect`."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiters.append((effect, future))
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(self.app)
        start = time.perf_counter()
        assert self.app._driver is not None
        self.app._driver.send_message(event)
        try:
            return await asyncio.wait_for(future, timeout) - start
        except TimeoutError:
            print(f"no screen update {timeout} s after {key!r}", file=sys.stderr)
            raise


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"n": len(samples), "median_ms": round(statistics.median(samples) * 1000, 2),
            "p99_ms": round(p99 * 1000, 2), "max_ms": round(ordered[-1] * 1000, 2)}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"articles": args.articles, "feeds": args.feeds}
    server, base = start_server(args.feeds, args.items)
    with tempfile.TemporaryDirectory(prefix="toaster-bench-") as tmp:
        started = time.perf_counter()
        config_path, db_path = build_library(Path(tmp), args.articles, args.feeds, base)
        results["build_db_s"] = round(time.perf_counter() - started, 2)

        started = time.perf_counter()
        app = ToasterApp(config_path, db_path)
        async with app.run_test(size=(160, 50)) as pilot:
            articles = app.query_one(ArticleList)
            while not articles.rows:
                await asyncio.sleep(0.001)
            results["launch_to_rows_ms"] = round((time.perf_counter() - started) * 1000, 1)
            results["rows_loaded_at_launch"] = len(articles.rows)
            await pilot.pause(0.5)
            probe = Probe(app)
            # Baseline: the same keys with nothing else going on.
            idle: list[float] = []
            for key in ("j", "j", "k", "j") * 10:
                before = articles.current.id if articles.current else None

                def moved_idle(before: int | None = before) -> bool:
                    return articles.current is not None and articles.current.id != before

                idle.append(await probe.press(key, moved_idle))
            results["latency_idle_jk"] = summary(idle)

            app.start_refresh(None)
            while not app.refreshing:
                await asyncio.sleep(0.01)
            j: list[float] = []
            k: list[float] = []
            enter: list[float] = []
            body: list[float] = []
            reader = app.query_one(ReaderPane)
            presses = 0
            refresh_started = time.perf_counter()
            while presses < args.presses and app.refreshing:
                for key, store in (("j", j), ("j", j), ("k", k), ("j", j)):
                    # New articles may land above while refreshing (the cursor index
                    # shifts to keep the selection), so watch the selected id.
                    before = articles.current.id if articles.current else None

                    def moved(before: int | None = before) -> bool:
                        return articles.current is not None and articles.current.id != before

                    store.append(await probe.press(key, moved))
                    presses += 1
                row = articles.current
                assert row is not None

                def opened(wanted: int = row.id) -> bool:
                    return reader.article_id == wanted

                shown = await probe.press("enter", opened)
                enter.append(shown)
                t0 = time.perf_counter()
                while reader.detail is None or reader.detail.row.id != row.id:
                    await asyncio.sleep(0.002)
                body.append(time.perf_counter() - t0 + shown)
                presses += 1
                await asyncio.sleep(args.gap)
            while app.refreshing:
                await asyncio.sleep(0.05)
            results["refresh_s"] = round(time.perf_counter() - refresh_started, 2)
            results["refresh"] = {
                "feeds_done": len(app.last_report.outcomes) if app.last_report else 0,
                "new_articles": app.last_report.new_articles if app.last_report else 0,
            }
            results["latency_j"] = summary(j)
            results["latency_k"] = summary(k)
            results["latency_enter_header"] = summary(enter)
            results["latency_enter_body"] = summary(body)
    server.shutdown()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--items", type=int, default=40, help="items per served feed")
    parser.add_argument("--presses", type=int, default=200, help="key presses to time")
    parser.add_argument("--gap", type=float, default=0.01,
                        help="seconds between rounds of presses")
    parser.add_argument("--quick", action="store_true", help="10,000 articles, 60 feeds")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args(argv)
    if args.quick:
        args.articles, args.feeds, args.presses = 10_000, 60, 60
    results = asyncio.run(run(args))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"cache: {results['articles']:,} articles, {results['feeds']} feeds "
          f"(built in {results['build_db_s']} s)")
    print(f"(a) launch -> list filled: {results['launch_to_rows_ms']} ms "
          f"({results['rows_loaded_at_launch']} rows loaded, the rest paged on demand)")
    s = results["latency_idle_jk"]
    print(f"    key -> screen update, idle: j/k median {s['median_ms']} ms, p99 {s['p99_ms']} ms")
    print(f"(b) key -> screen update while refreshing {results['feeds']} feeds "
          f"(the refresh took {results['refresh_s']} s; presses only while it ran):")
    for name in ("latency_j", "latency_k", "latency_enter_header", "latency_enter_body"):
        s = results[name]
        print(f"    {name[8:]:<13} median {s['median_ms']:>7} ms   p99 {s['p99_ms']:>7} ms"
              f"   max {s['max_ms']:>7} ms   (n={s['n']})")
    r = results["refresh"]
    print(f"refresh: {r['feeds_done']} feeds done, {r['new_articles']:,} new articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
