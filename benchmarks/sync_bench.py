"""`toaster sync` against a real Miniflux, beside newsboat's Miniflux source.

    python benchmarks/sync_bench.py            # 500 feeds, 20,000 items, 3 runs each
    python benchmarks/sync_bench.py --quick    # 50 feeds, 2,000 items: a fast check

Starts a throwaway PostgreSQL and Miniflux (tests/miniflux_server.py; build
Miniflux first with tests/miniflux/build.sh) and the loopback feed farm
(benchmarks/farm.py), subscribes a Miniflux user to every farm feed through
Miniflux's REST API and waits until Miniflux holds all their items. Then it
times, as separate processes with their peak memory (the process's own max
RSS from wait4):

1. toaster's first sync into an empty cache (every item's contents come down);
2. an incremental sync with nothing new;
3. a sync that pushes 1,000 read/unread changes made locally, checked article
   by article against Miniflux's REST API;

and newsboat (`urls-source "miniflux"`, installed with apt-get when it can be)
reloading from the same server: a first reload into an empty cache and a
second one. Prints a table of medians (min-max over --runs). Everything runs
with HOME and XDG directories in a temporary directory; all traffic stays on
127.0.0.0/8.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from farm import Farm  # noqa: E402  (the farm sits next to this file)
from miniflux_server import Account, MinifluxServer, missing  # noqa: E402
from run import Sandbox, ensure_newsboat  # noqa: E402

PY = sys.executable
CHANGES = 1000
"""State changes the push figure makes locally before its sync."""
CATEGORIES = 10
SUBSCRIBERS = 4
"""Feeds subscribed at once: each POST /v1/feeds makes Miniflux fetch and store the feed."""
NEWSBOAT_THREADS = 8


def say(msg: str) -> None:
    print(msg, flush=True)


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    output: str


def measured(cmd: list[str], env: dict[str, str], timeout: float = 3600) -> Run:
    """Run `cmd` to its end: wall time, CPU seconds and its own peak RSS (wait4)."""
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    try:
        out = proc.stdout.read().decode("utf-8", "replace")  # until the child closes it
    finally:
        killer.cancel()
        proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}... exited {proc.returncode}:\n{out[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out)


# --- Miniflux ---------------------------------------------------------------------------------

def subscribe_all(account: Account, urls: list[str]) -> None:
    """Every URL as a Miniflux feed, in CATEGORIES folders; Miniflux fetches each as it is added."""
    with account.api() as api:
        cats = [api.post("/categories", json={"title": f"Topic {n}"}).json()["id"]
                for n in range(CATEGORIES)]

    def add(job: tuple[int, str]) -> None:
        k, url = job
        with account.api() as api:
            made = api.post("/feeds", json={"feed_url": url, "category_id": cats[k % CATEGORIES]})
            if made.status_code != 201:
                raise RuntimeError(f"Miniflux refused {url}: {made.status_code} {made.text}")

    with ThreadPoolExecutor(SUBSCRIBERS) as pool:
        for done, _ in enumerate(pool.map(add, enumerate(urls)), 1):
            if done % 100 == 0 or done == len(urls):
                say(f"  subscribed {done}/{len(urls)}")


def wait_for_items(account: Account, expected: int, timeout: float = 600) -> None:
    """Until Miniflux holds `expected` entries for the user (all fetched and stored)."""
    deadline = time.monotonic() + timeout
    with account.api() as api:
        while True:
            total = int(api.get("/entries", params={"limit": 1}).json()["total"])
            if total >= expected:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"Miniflux holds {total} items, expected {expected}")
            time.sleep(1)


def read_on_server(account: Account) -> set[str]:
    """The ids of the read entries, by Miniflux's REST API (1,000 at most a page)."""
    found: set[str] = set()
    with account.api() as api:
        while True:
            entries = api.get("/entries", params={"status": "read", "limit": 1000, "order": "id",
                                                  "offset": len(found)}).json()["entries"]
            found |= {str(e["id"]) for e in entries}
            if len(entries) < 1000:
                return found


# --- the two programs -------------------------------------------------------------------------

class ToasterSync:
    def __init__(self, box: Sandbox, account: Account) -> None:
        self.dir = box.root / "toaster"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.config = self.dir / "config.toml"
        self.db = self.dir / "toaster.db"
        self.config.write_text(
            f'[sync]\nservice = "greader"\nurl = "{account.url}"\n'
            f'username = "{account.greader[0]}"\n', encoding="utf-8")
        self.env = {**box.env, "TOASTER_SYNC_PASSWORD": account.greader[1]}

    def wipe(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.db}{suffix}").unlink(missing_ok=True)

    def sync(self) -> tuple[Run, dict[str, int]]:
        run = measured([PY, "-m", "toaster_tui", "sync", "--config", str(self.config),
                        "--db", str(self.db)], self.env)
        found = re.search(r"synced: (\d+) server feeds, (\d+) new articles, (\d+) changes "
                          r"sent, (\d+) read/star updates", run.output)
        if not found:
            raise RuntimeError(f"toaster sync said: {run.output.strip()[-500:]}")
        keys = ("feeds", "new", "sent", "updates")
        return run, dict(zip(keys, map(int, found.groups()), strict=True))

    def articles(self) -> int:
        with sqlite3.connect(self.db) as db:
            return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def mark(self, count: int, read: bool) -> set[str]:
        """Mark `count` server articles read (or unread) as the app does: through the outbox."""
        from toaster_tui.store.database import Store

        store = Store(self.db)
        try:
            rows = store.db.execute("SELECT id, server_id FROM articles WHERE server_id IS NOT"
                                    " NULL ORDER BY id LIMIT ?", (count,)).fetchall()
            store.set_read([row[0] for row in rows], read)
            waiting = store.db.execute("SELECT count(*) FROM outbox").fetchone()[0]
        finally:
            store.close()
        if waiting != count:
            raise RuntimeError(f"{waiting} changes queued, expected {count}")
        return {str(row[1]) for row in rows}


class NewsboatMiniflux:
    """newsboat with urls-source "miniflux": it reads feeds and items through /v1."""

    def __init__(self, box: Sandbox, account: Account) -> None:
        self.dir = box.root / "newsboat"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.urls, self.cache, self.conf = (self.dir / n for n in ("urls", "cache.db", "config"))
        self.urls.write_text("", encoding="utf-8")
        self.conf.write_text(
            f'urls-source "miniflux"\nminiflux-url "{account.url}/"\n'
            f'miniflux-login "{account.login[0]}"\nminiflux-password "{account.login[1]}"\n'
            f"reload-threads {NEWSBOAT_THREADS}\ndownload-timeout 60\n", encoding="utf-8")
        self.env = box.env

    def wipe(self) -> None:
        for path in self.dir.glob("cache.db*"):
            path.unlink()

    def reload(self) -> Run:
        return measured(["newsboat", "-u", str(self.urls), "-c", str(self.cache),
                         "-C", str(self.conf), "-x", "reload"], self.env)

    def items(self) -> int:
        with sqlite3.connect(self.cache) as db:
            return int(db.execute("SELECT count(*) FROM rss_item").fetchone()[0])


# --- figures and the table --------------------------------------------------------------------

@dataclass
class Figure:
    name: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    check: str = ""

    def add(self, run: Run) -> None:
        self.seconds.append(run.wall)
        self.peak_mb.append(run.peak_mb)
        self.cpu.append(run.cpu)


def cell(xs: list[float], unit: str) -> str:
    if not xs:
        return "—"
    spec = {"s": "{:.2f} s", "MB": "{:.0f} MB"}[unit]
    text = spec.format(statistics.median(xs))
    if len(xs) > 1:
        text += f" ({spec.format(min(xs))}–{spec.format(max(xs))})"
    return text


def table(figures: list[Figure]) -> str:
    rows = [("", "time, median (min–max)", "CPU", "peak RSS", "checked")]
    rows += [(f.name, cell(f.seconds, "s"), cell(f.cpu, "s").split(" (")[0],
              cell(f.peak_mb, "MB").split(" (")[0], f.check) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
             for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


# --- the run ----------------------------------------------------------------------------------

def bench_toaster(toaster: ToasterSync, account: Account, feeds: int, items: int,
                  runs: int) -> list[Figure]:
    first = Figure(f"toaster: first sync, {feeds} feeds / {items:,} items")
    for n in range(runs):
        toaster.wipe()
        run, said = toaster.sync()
        stored = toaster.articles()
        # Every item is unread on the server: a read/star update would mean an id
        # missing from the server's unread list as the client paged it.
        if (said["feeds"], said["new"], said["updates"], stored) != (feeds, items, 0, items):
            raise RuntimeError(f"first sync brought {said} and stored {stored} articles, "
                               f"expected {feeds} feeds and {items} unread items")
        first.add(run)
        say(f"  first sync {n + 1}/{runs}: {run.wall:.2f} s, {run.peak_mb:.0f} MB")
    first.check = f"{items:,} articles stored, all unread, {feeds} feeds"

    again = Figure("toaster: incremental sync, nothing new")
    for n in range(runs):
        run, said = toaster.sync()
        if said["new"] or said["sent"] or said["updates"]:
            raise RuntimeError(f"a sync with nothing new brought {said}")
        again.add(run)
        say(f"  incremental sync {n + 1}/{runs}: {run.wall:.2f} s, {run.peak_mb:.0f} MB")
    again.check = "0 new, 0 sent, 0 updates"

    push = Figure(f"toaster: sync pushing {CHANGES:,} read/unread changes")
    for n in range(runs):
        read = n % 2 == 0  # read, then unread again, then read: always CHANGES changes
        changed = toaster.mark(CHANGES, read)
        run, said = toaster.sync()
        on_server = read_on_server(account)
        arrived = changed <= on_server if read else not changed & on_server
        if said["sent"] != CHANGES or not arrived:
            raise RuntimeError(f"the push sync said {said}; all {CHANGES} on the server as "
                               f"{'read' if read else 'unread'}: {arrived}")
        push.add(run)
        say(f"  push sync {n + 1}/{runs} ({'read' if read else 'unread'}): {run.wall:.2f} s")
    push.check = f"each run: all {CHANGES:,} read/unread in Miniflux's REST API"
    return [first, again, push]


def bench_newsboat(newsboat: NewsboatMiniflux, items: int, runs: int) -> list[Figure]:
    first = Figure("newsboat (miniflux): first reload")
    second = Figure("newsboat (miniflux): second reload")
    for n in range(runs):
        newsboat.wipe()
        one = newsboat.reload()
        stored = newsboat.items()
        two = newsboat.reload()
        if stored != items:
            raise RuntimeError(f"newsboat stored {stored} items, expected {items}")
        first.add(one)
        second.add(two)
        say(f"  newsboat {n + 1}/{runs}: first {one.wall:.2f} s ({one.peak_mb:.0f} MB), "
            f"second {two.wall:.2f} s")
    first.check = f"{items:,} items in its cache"
    second.check = "same server, nothing new"
    return [first, second]


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up as on ^C
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="50 feeds, 2,000 items")
    ap.add_argument("--feeds", type=int, help="feeds (default 500; --quick 50)")
    ap.add_argument("--entries", type=int, default=40, help="items per feed (default 40)")
    ap.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    ap.add_argument("--no-newsboat", action="store_true", help="toaster only")
    ap.add_argument("--no-install", action="store_true", help="never apt-get install newsboat")
    args = ap.parse_args()
    feeds = args.feeds or (50 if args.quick else 500)
    items = feeds * args.entries
    reason = missing()
    if reason:
        say(f"cannot start Miniflux: {reason}")
        return 2
    if args.entries > 100:
        say("--entries: at most 100 (newsboat gets the newest 100 items of each feed)")
        return 2
    newsboat = None if args.no_newsboat else ensure_newsboat(not args.no_install)
    say(f"newsboat: {newsboat or 'not installed; its rows are left out'}")
    tmp = Path(tempfile.mkdtemp(prefix="toaster-sync-bench-"))
    began = time.perf_counter()
    try:
        box = Sandbox(tmp)
        with Farm(feeds, entries=args.entries) as farm, \
                MinifluxServer(settings={"LOG_LEVEL": "warning"}) as server:
            account = server.new_account()
            say(f"Miniflux on {server.url}: subscribing {feeds} farm feeds ...")
            started = time.perf_counter()
            subscribe_all(account, farm.urls())
            wait_for_items(account, items)
            say(f"  Miniflux holds {items:,} items ({time.perf_counter() - started:.0f} s)")
            figures = bench_toaster(ToasterSync(box, account), account, feeds, items, args.runs)
            if newsboat:
                figures += bench_newsboat(NewsboatMiniflux(box, account), items, args.runs)
        say("")
        say(f"Sync benchmark: {feeds} feeds, {items:,} items, {args.runs} run"
            f"{'' if args.runs == 1 else 's'} each; "
            f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; "
            f"{newsboat or 'no newsboat'}; {time.perf_counter() - began:.0f} s in all")
        say(table(figures))
        if newsboat:
            say(f"{newsboat.split(' - ')[0]} has no freshrss source. Its feedhq source (a "
                "Google Reader API client with a settable URL) logs in to Miniflux and lists "
                "the feeds but asks for items at /reader/atom/<stream>, which Miniflux does "
                "not serve: it cannot sync with Miniflux.")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (httpx.HTTPError, RuntimeError) as exc:  # a failed check or server: no traceback
        print(f"sync_bench: {exc}", file=sys.stderr)
        sys.exit(1)
