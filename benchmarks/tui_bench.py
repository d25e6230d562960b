"""TUI benchmark: launch time with a big cache, and key latency during a refresh.

    python benchmarks/tui_bench.py                  # 100,000 articles, 500 feeds
    python benchmarks/tui_bench.py --feeds 300      # the same with 300 feeds
    python benchmarks/tui_bench.py --repeat 3       # 3 fresh runs, samples pooled
    python benchmarks/tui_bench.py --long-bodies    # Enter opens 1.5-3 KB articles
    python benchmarks/tui_bench.py --quick          # 10,000 articles, 60 feeds
    python benchmarks/tui_bench.py --trace-slow 10  # also list loop callbacks > 10 ms

(a) launch: from creating ToasterApp to the article list showing rows
    (headless run_test, fixed terminal size);
(b) latency: key press -> the screen repainted with its effect, for j / k
    (the cursor moved) and Enter (the reader shows the article, its body
    included: loaded and rendered by workers; the first repaint with the
    title alone is reported apart). The same rounds of keys are
    timed twice in one run: first idle (the baseline), then while a refresh
    of every feed runs against a loopback HTTP server, and the ratio of the
    two is printed, so a noisy machine shows up in both figures alike;
(c) loop lag: how late a 5 ms heartbeat on the app's event loop wakes, idle
    and while refreshing: the loop's own responsiveness, whatever the keys;
    and the full garbage collections (each stops the whole process).

Keys are injected through the driver like real input, and "repainted" is the
first compositor update the app hands to its display after the effect, so
the figures include waiting for a busy event loop. The feed server runs in a
child process (this script with --serve), so its work never competes with
the app for this process's GIL: the figures measure the app, not the server.
Textual paints at most TEXTUAL_FPS (60) times a second, and each key here is
sent right after the previous one's repaint, so ~17 ms is the floor of these
figures. On a shared machine compare a run's refreshing figures with its own
idle ones (and pool a few runs with --repeat): the p99 of one run is its
second-worst press or so.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import hashlib
import http.server
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from textual import events

from toaster_tui.app.app import ToasterApp
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.reader import ReaderPane
from toaster_tui.config.load import parse_config
from toaster_tui.store.database import Store, connect
from toaster_tui.store.schema import index_articles_after

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


def long_body(rng: random.Random) -> str:
    """An article body of 1.5-3 KB as feeds carry them: paragraphs with links and
    emphasis, a heading, a list, a quote (the reader lays out a block for each)."""
    parts = []
    for block in range(rng.randint(6, 9)):
        roll = rng.random()
        if block and roll < 0.15:
            parts.append(f"<h2>{_text(rng, 4).capitalize()}</h2>")
        elif block and roll < 0.3:
            parts.append("<ul>" + "".join(f"<li>{_text(rng, 8)}</li>" for _ in range(3))
                         + "</ul>")
        elif block and roll < 0.4:
            parts.append(f"<blockquote><p>{_text(rng, 25).capitalize()}.</p></blockquote>")
        else:
            parts.append(f"<p>{_text(rng, 20).capitalize()} <a href=\"https://example.test/"
                         f"x/{rng.randrange(10**6)}\">{_text(rng, 2)}</a> {_text(rng, 25)} "
                         f"<em>{_text(rng, 3)}</em> {_text(rng, 15)}.</p>")
    return "".join(parts)


LONG_BODIES = 2_000
"""With --long-bodies, the newest this many articles (the ones the keys open) get one."""


def build_library(directory: Path, articles: int, feeds: int,
                  url_of: Callable[[int], str], long_bodies: bool = False) -> tuple[Path, Path]:
    """config.toml with `feeds` feeds and a cache with `articles` articles (executemany)."""
    directory.mkdir(parents=True, exist_ok=True)
    config_path, db_path = directory / "config.toml", directory / "toaster.db"
    lines = ["[settings]", "refresh_minutes = 0", "concurrency = 32", ""]
    for i in range(feeds):
        lines += ["[[feeds]]", f'url = "{url_of(i)}"',
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
        if long_bodies and n < LONG_BODIES:
            html = long_body(rng)
            text = re.sub(r"<[^>]+>", " ", html)
        else:
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
    index_articles_after(db, 0)  # one pass over all of them: searchable like the store's
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


# --- the loopback feed server (a child process) --------------------------------------

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
    protocol_version = "HTTP/1.1"  # keep-alive, as real feed hosts do
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


def host_address(index: int, hosts: int) -> str:
    """Feed `index`'s server address: 127.0.0.1, or 127.0.1.1 .. 127.0.1.H (loopback)."""
    return "127.0.0.1" if hosts <= 1 else f"127.0.1.{index % hosts + 1}"


def serve(feeds: int, items: int, hosts: int, nice: int) -> None:
    """The child process: serve until stdin closes; the port goes to stdout first.

    Niced: on the real web the servers' work is done on other machines, so here
    it should take the CPU only when the app does not want it.
    """
    if nice:
        os.nice(nice)
    docs = {f"feed-{i}.xml": feed_document(i, items) for i in range(feeds)}
    handler = type("Handler", (_Handler,), {"documents": docs})
    port = 0
    servers = []
    for h in range(max(1, hosts)):
        server = http.server.ThreadingHTTPServer((host_address(h, hosts), port), handler)
        server.daemon_threads = True
        port = server.server_address[1]
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"port": port}), flush=True)
    sys.stdin.read()  # the parent closes our stdin (or exits) when done


@contextmanager
def server_process(feeds: int, items: int, hosts: int,
                   nice: int) -> Iterator[Callable[[int], str]]:
    """The feed server in a child process; yields feed index -> url."""
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve", "--feeds", str(feeds),
         "--items", str(items), "--hosts", str(hosts), "--server-nice", str(nice)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the feed server did not start")
        port = json.loads(line)["port"]
        yield lambda i: f"http://{host_address(i, hosts)}:{port}/feed-{i}.xml"
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
        return (await self.press_all(key, [effect], timeout))[0]

    async def press_all(self, key: str, effects: list[Callable[[], bool]],
                        timeout: float = 10.0) -> list[float]:
        """Seconds from injecting `key` to the first repaint showing each effect."""
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[float]] = [loop.create_future() for _ in effects]
        self.waiters.extend(zip(effects, futures, strict=True))
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(self.app)
        start = time.perf_counter()
        assert self.app._driver is not None
        self.app._driver.send_message(event)
        try:
            done = await asyncio.wait_for(asyncio.gather(*futures), timeout)
        except TimeoutError:
            print(f"no screen update {timeout} s after {key!r}", file=sys.stderr)
            raise
        return [t - start for t in done]


class Heartbeat:
    """How late a short sleep on the event loop wakes up: the loop's lag."""

    def __init__(self, period: float = 0.005) -> None:
        self.period = period
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _beat(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.period)
            self.samples.append(max(0.0, time.perf_counter() - start - self.period))

    def start(self) -> None:
        self.samples = []
        self._task = asyncio.get_running_loop().create_task(self._beat())

    def stop(self) -> list[float]:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        return self.samples


class GcWatch:
    """Full (oldest-generation) garbage collections and how long each one took.

    A collection holds the GIL from start to end, so whichever thread runs it,
    the event loop stands still meanwhile.
    """

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self._started: dict[int, float] = {}
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started[threading.get_ident()] = time.perf_counter()
        elif (began := self._started.pop(threading.get_ident(), None)) is not None:
            self.pauses.append(time.perf_counter() - began)

    def take(self) -> list[float]:
        pauses, self.pauses = self.pauses, []
        return pauses

    def close(self) -> None:
        gc.callbacks.remove(self._callback)


def _schedstat_reader() -> Callable[[], tuple[float, float]]:
    """This thread's (CPU seconds, seconds spent runnable but waiting for a core).

    From Linux's /proc/thread-self/schedstat; elsewhere (0, 0). Whatever part of
    a callback's wall time is neither was spent off the CPU: in this program,
    waiting for the GIL.
    """
    try:
        fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
    except OSError:
        return lambda: (time.thread_time(), 0.0)

    def read() -> tuple[float, float]:
        fields = os.pread(fd, 100, 0).split()
        return int(fields[0]) / 1e9, int(fields[1]) / 1e9

    return read


class SlowCallbacks:
    """Every event-loop callback on this thread that ran longer than `threshold`,
    with how its time splits into CPU, waiting for a core and waiting for the GIL.

    A diagnostic (--trace-slow): wraps asyncio's Handle._run, so it slows the
    loop a little itself; the figures of a traced run are not the headline ones.
    """

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.thread = threading.get_ident()
        self.by_name: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
        self.recording = False
        self._original: Any = None
        self._schedstat = _schedstat_reader()

    @staticmethod
    def describe(handle: Any) -> str:
        callback = handle._callback
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, asyncio.Task):
            coro = owner.get_coro()
            frame = getattr(coro, "cr_frame", None)
            where = (f" @ {frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno}"
                     if frame is not None else "")
            return f"task {getattr(coro, '__qualname__', coro)}{where}"
        name = getattr(callback, "__qualname__", None) or repr(callback)
        return str(name)

    def install(self) -> None:
        original = self._original = asyncio.events.Handle._run
        tracer = self

        def _run(handle: Any) -> None:
            if not tracer.recording or threading.get_ident() != tracer.thread:
                original(handle)
                return
            name = tracer.describe(handle)  # before: a task's frame moves on
            cpu, queued = tracer._schedstat()
            start = time.perf_counter()
            original(handle)
            took = time.perf_counter() - start
            if took >= tracer.threshold:
                cpu_after, queued_after = tracer._schedstat()
                tracer.by_name[name].append((took, cpu_after - cpu, queued_after - queued))

        asyncio.events.Handle._run = _run  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if self._original is not None:
            asyncio.events.Handle._run = self._original  # type: ignore[method-assign]

    def report(self) -> list[dict[str, Any]]:
        rows = []
        for name, times in self.by_name.items():
            wall, cpu, queued = (sum(t[i] for t in times) for i in range(3))
            rows.append({"callback": name, "n": len(times), "total_ms": round(wall * 1000, 1),
                         "cpu_ms": round(cpu * 1000, 1), "core_wait_ms": round(queued * 1000, 1),
                         "gil_wait_ms": round(max(0.0, wall - cpu - queued) * 1000, 1),
                         "max_ms": round(max(t[0] for t in times) * 1000, 1)})
        return sorted(rows, key=lambda r: -r["total_ms"])


def stuck(what: str) -> None:
    """Fail loudly with where every task on the loop waits, instead of hanging."""
    print(f"stuck: {what}; the event loop's tasks:", file=sys.stderr)
    for task in asyncio.all_tasks():
        task.print_stack(limit=6, file=sys.stderr)
    raise SystemExit(2)


def summary(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"n": 0, "median_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"n": len(samples), "median_ms": round(statistics.median(samples) * 1000, 2),
            "p99_ms": round(p99 * 1000, 2), "max_ms": round(ordered[-1] * 1000, 2)}


KEYS = ("j", "k", "enter")


async def press_rounds(probe: Probe, app: ToasterApp, rounds: int, gap: float,
                       go_on: Callable[[], bool]) -> dict[str, list[float]]:
    """Rounds of j j k j Enter, each key timed to the repaint showing its effect."""
    articles = app.query_one(ArticleList)
    reader = app.query_one(ReaderPane)
    out: dict[str, list[float]] = {"j": [], "k": [], "enter": [], "title": []}
    done = 0
    while done < rounds and go_on():
        for key in ("j", "j", "k", "j"):
            # New articles may land above while refreshing (the cursor index
            # shifts to keep the selection), so watch the selected id.
            before = articles.current.id if articles.current else None

            def moved(before: int | None = before) -> bool:
                return articles.current is not None and articles.current.id != before

            out[key].append(await probe.press(key, moved))
        row = articles.current
        assert row is not None

        def titled(wanted: int = row.id) -> bool:
            return reader.article_id == wanted

        def opened(wanted: int = row.id) -> bool:
            # The body too: the article is readable, not only its title.
            return reader.article_id == wanted and reader.body_article_id == wanted

        title, whole = await probe.press_all("enter", [titled, opened])
        out["title"].append(title)
        out["enter"].append(whole)
        done += 1
        await asyncio.sleep(gap)
    return out


async def run_once(args: argparse.Namespace, config_path: Path, db_path: Path,
                   tracer: SlowCallbacks | None) -> dict[str, Any]:
    """One app: launch, the idle rounds, then a refresh of every feed with the same rounds."""
    out: dict[str, Any] = {}
    started = time.perf_counter()
    app = ToasterApp(config_path, db_path)
    async with app.run_test(size=(160, 50)) as pilot:
        articles = app.query_one(ArticleList)
        while not articles.rows:
            await asyncio.sleep(0.001)
        out["launch_to_rows_ms"] = round((time.perf_counter() - started) * 1000, 1)
        out["rows_loaded_at_launch"] = len(articles.rows)
        await pilot.pause(0.5)
        probe = Probe(app)
        heartbeat = Heartbeat()
        gc_watch = GcWatch()
        if tracer is not None:
            tracer.install()

        # The baseline: the same rounds of keys with nothing else going on.
        gc_watch.take()
        heartbeat.start()
        out["idle"] = await press_rounds(probe, app, args.rounds, args.gap, lambda: True)
        out["idle_lag"] = heartbeat.stop()
        out["idle_gc"] = gc_watch.take()
        await pilot.pause(0.3)

        app.start_refresh(None)
        refresh_started = time.perf_counter()
        gc_watch.take()
        heartbeat.start()
        if tracer is not None:
            tracer.recording = True
        out["busy"] = await press_rounds(probe, app, args.rounds, args.gap,
                                         lambda: app.refreshing)
        while app.refreshing:
            if time.perf_counter() - refresh_started > args.refresh_timeout:
                stuck(f"the refresh still runs after {args.refresh_timeout} s")
            await asyncio.sleep(0.05)
        if tracer is not None:
            tracer.recording = False
            tracer.uninstall()
        out["busy_lag"] = heartbeat.stop()
        out["busy_gc"] = gc_watch.take()
        gc_watch.close()
        out["refresh_s"] = round(time.perf_counter() - refresh_started, 2)
        report = app.last_report
        out["refresh"] = {
            "feeds_done": len(report.outcomes) if report else 0,
            "new_articles": report.new_articles if report else 0,
            "failed": len(report.failures) if report else 0,
        }
    return out


async def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"articles": args.articles, "feeds": args.feeds,
                               "hosts": args.hosts, "cpus": os.cpu_count(),
                               "long_bodies": args.long_bodies,
                               "repeat": args.repeat,
                               "loadavg_before": [round(x, 2) for x in os.getloadavg()]}
    tracer = SlowCallbacks(args.trace_slow / 1000) if args.trace_slow else None
    runs: list[dict[str, Any]] = []
    with server_process(args.feeds, args.items, args.hosts, args.server_nice) as url_of, \
            tempfile.TemporaryDirectory(prefix="toaster-bench-") as tmp:
        started = time.perf_counter()
        base = Path(tmp) / "base"
        build_library(base, args.articles, args.feeds, url_of, args.long_bodies)
        results["build_db_s"] = round(time.perf_counter() - started, 2)
        for n in range(args.repeat):
            # A fresh copy each time: every feed is new to it, so all are fetched,
            # parsed and stored, as in the first run.
            work = Path(tmp) / f"run-{n}"
            shutil.copytree(base, work)
            runs.append(await run_once(args, work / "config.toml", work / "toaster.db",
                                       tracer if n == 0 else None))
            shutil.rmtree(work)
    results["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    results["launch_to_rows_ms"] = statistics.median(r["launch_to_rows_ms"] for r in runs)
    results["rows_loaded_at_launch"] = runs[0]["rows_loaded_at_launch"]
    results["refresh_s"] = [r["refresh_s"] for r in runs]
    results["refresh"] = [r["refresh"] for r in runs]
    for key in (*KEYS, "title"):
        idle = [x for r in runs for x in r["idle"][key]]
        busy = [x for r in runs for x in r["busy"][key]]
        base_s, during = summary(idle), summary(busy)
        results[f"latency_{key}"] = {
            "idle": base_s, "refreshing": during,
            "ratio_median": round(during["median_ms"] / base_s["median_ms"], 2)
            if base_s["median_ms"] else None,
            "ratio_p99": round(during["p99_ms"] / base_s["p99_ms"], 2)
            if base_s["p99_ms"] else None,
            "per_run": [{"idle": summary(r["idle"][key]), "refreshing": summary(r["busy"][key])}
                        for r in runs],
        }
    results["loop_lag"] = {
        "idle": summary([x for r in runs for x in r["idle_lag"]]),
        "refreshing": summary([x for r in runs for x in r["busy_lag"]])}
    results["full_gc"] = {
        "idle": summary([x for r in runs for x in r["idle_gc"]]),
        "refreshing": summary([x for r in runs for x in r["busy_gc"]])}
    if tracer is not None:
        results["slow_callbacks"] = tracer.report()[:25]
    return results


def print_results(results: dict[str, Any]) -> None:
    bodies = "1.5-3 KB bodies" if results["long_bodies"] else "one-paragraph bodies"
    print(f"cache: {results['articles']:,} articles ({bodies}), {results['feeds']} feeds on "
          f"{results['hosts']} host(s) (built in {results['build_db_s']} s); "
          f"load average before {results['loadavg_before'][0]}, "
          f"after {results['loadavg_after'][0]} on {results['cpus']} CPUs")
    print(f"(a) launch -> list filled: {results['launch_to_rows_ms']} ms "
          f"({results['rows_loaded_at_launch']} rows loaded, the rest paged on demand)")
    runs = results["refresh"]
    done = "; ".join(f"{s} s: {r['feeds_done']} feeds, {r['new_articles']:,} new, "
                     f"{r['failed']} failed" for s, r in zip(results["refresh_s"], runs,
                                                             strict=True))
    print(f"(b) key -> screen update, idle (baseline) and while refreshing {results['feeds']} "
          f"feeds, {results['repeat']} run(s) pooled ({done}):")
    print(f"    {'':<12} {'idle median':>11} {'p99':>8}   {'refreshing median':>17} "
          f"{'p99':>8} {'max':>8}   {'ratio median':>12} {'p99':>6}")
    for key in (*KEYS, "title"):
        s = results[f"latency_{key}"]
        base, during = s["idle"], s["refreshing"]
        name = "enter (title)" if key == "title" else key
        print(f"    {name:<12} {base['median_ms']:>8} ms {base['p99_ms']:>5} ms   "
              f"{during['median_ms']:>14} ms {during['p99_ms']:>5} ms {during['max_ms']:>5} ms"
              f"   {s['ratio_median']!s:>11}x {s['ratio_p99']!s:>5}x   (n={during['n']})")
    if results["repeat"] > 1:
        print("    per run, refreshing median / p99 (ms):")
        for key in (*KEYS, "title"):
            name = "enter (title)" if key == "title" else key
            cells = "  ".join(f"{r['refreshing']['median_ms']:>6} /{r['refreshing']['p99_ms']:>7}"
                              for r in results[f"latency_{key}"]["per_run"])
            print(f"    {name:<12} {cells}")
    lag = results["loop_lag"]
    print(f"(c) event-loop lag (5 ms heartbeat): idle median {lag['idle']['median_ms']} ms, "
          f"p99 {lag['idle']['p99_ms']} ms; refreshing median {lag['refreshing']['median_ms']}"
          f" ms, p99 {lag['refreshing']['p99_ms']} ms, max {lag['refreshing']['max_ms']} ms")
    full = results["full_gc"]
    print(f"    full garbage collections (the whole process stands still): idle "
          f"{full['idle']['n']} (max {full['idle']['max_ms']} ms), refreshing "
          f"{full['refreshing']['n']} (max {full['refreshing']['max_ms']} ms)")
    slow = results.get("slow_callbacks", [])
    if slow:
        print("    loop callbacks slower than the --trace-slow threshold while refreshing "
              "(first run; ms: wall = CPU + waiting for a core + waiting for the GIL):")
    for row in slow:
        print(f"    {row['total_ms']:>8} = {row['cpu_ms']:>7} + {row['core_wait_ms']:>7} + "
              f"{row['gil_wait_ms']:>7} in {row['n']:>4} (max {row['max_ms']:>6})  "
              f"{row['callback']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=40, help="items per served feed")
    parser.add_argument("--hosts", type=int, default=1,
                        help="loopback addresses the feeds are spread over (1: 127.0.0.1)")
    parser.add_argument("--server-nice", type=int, default=10,
                        help="niceness of the feed server process (0: compete with the app)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs (each a fresh app on a fresh copy of the cache), pooled")
    parser.add_argument("--long-bodies", action="store_true",
                        help=f"1.5-3 KB article bodies (headings, lists, quotes) for the "
                             f"newest {LONG_BODIES:,} articles instead of one paragraph")
    parser.add_argument("--rounds", type=int, default=40,
                        help="rounds of j j k j Enter to time, idle and while refreshing")
    parser.add_argument("--gap", type=float, default=0.01,
                        help="seconds between rounds of presses")
    parser.add_argument("--quick", action="store_true", help="10,000 articles, 60 feeds")
    parser.add_argument("--trace-slow", type=float, default=0, metavar="MS",
                        help="list event-loop callbacks slower than MS while refreshing")
    parser.add_argument("--refresh-timeout", type=float, default=300,
                        help="seconds after which a refresh that still runs is an error")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.hosts <= 254:
        parser.error("--hosts must be 1..254")
    if args.serve:
        serve(args.feeds, args.items, args.hosts, args.server_nice)
        return 0
    if args.quick:
        args.articles, args.feeds, args.rounds = 10_000, 60, 12
    results = asyncio.run(run(args))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_results(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
