"""The REFRESH part of fulltext_bench.py: a real `toaster refresh` of excerpt-only
feeds with `full_text = true`, fetching every article's page from loopback.

A server in a child process (so it never shares the GIL with what is measured)
listens on 127.0.1.1 .. 127.0.1.H, one host per feed as on the web (the
fetcher's per-host limit applies), with HTTP/1.1 keep-alive. Feed f is
http://127.0.1.<f % H + 1>:PORT/feed/<f>.xml: ITEMS excerpt items (a line,
then "Read more"), newest first, whose links are pages of that host. The pages
are benchmarks/pages' 17 (15 articles, 2 with none), cycled; with
`pad_kb` each is padded to about that size with what real pages carry around
the article (inline scripts and styles, a long menu, teasers, a footer), since
the corpus pages are small (2-8 KB) and a news page is often 100 KB or more.

`toaster refresh` runs as a subprocess in a temporary HOME with XDG dirs there.
It prints the feeds' line, then fetches the pages and prints
"N full articles: X fetched, Y failed": the time between the two lines is the
pages phase. A sampler reads /proc every 10 ms for the process tree's summed
RSS and CPU seconds (the parse processes included while they live).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from xml.sax.saxutils import escape

PAGES = Path(__file__).parent / "pages"
HOST_PREFIX = "127.0.1."
TICK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_FEEDS_LINE = re.compile(r"^\d+ feeds?:")
_PAGES_LINE = re.compile(r"^(\d+) full articles?: (\d+) fetched, (\d+) failed")


# --- what is served -----------------------------------------------------------------------

def corpus_pages(pad_kb: int) -> list[bytes]:
    """The corpus's pages, padded to ~pad_kb KB: its 15 articles and its 2 pages
    with none (a home page, a sign-in form), which end as "no article text
    found", as some links of real feeds do."""
    return [_pad(path.read_text(encoding="utf-8"), pad_kb, n).encode()
            for n, path in enumerate(sorted(PAGES.glob("*.html")))]


def _pad(html: str, kb: int, seed: int) -> str:
    """`html` with page chrome added until it is about `kb` KB: a quarter each of
    inline script, inline style, a menu of links and teasers with a footer."""
    if kb <= 0 or len(html) >= kb * 1024:
        return html
    quarter = (kb * 1024 - len(html)) // 4
    script = "<script>window.__STATE__={" + ",".join(
        f'"k{seed}_{i}":{{"id":{i},"slot":"ad-{i % 7}","tracking":"u{i * 7919 % 10007}"}}'
        for i in range(quarter // 52)) + "};</script>"
    style = "<style>" + "".join(
        f".c{seed}-{i}{{margin:{i % 9}px;padding:{i % 5}px;color:#{i * 4099 % 4096:03x}}}"
        for i in range(quarter // 44)) + "</style>"
    menu = '<nav class="mega-menu"><ul>' + "".join(
        f'<li><a href="/section/{i}">Section {i}</a></li>'
        for i in range(quarter // 44)) + "</ul></nav>"
    teasers = '<aside class="more-stories">' + "".join(
        f'<div class="teaser"><a href="/story/{i}"><h4>Story {i} of the day</h4></a>'
        f"<p>A line about story {i}.</p></div>"
        for i in range(quarter // 100)) + "</aside>"
    html = html.replace("</head>", script + style + "</head>", 1)
    html = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + menu, html, count=1)
    return html.replace("</body>", teasers + "</body>", 1)


def excerpt_feed(f: int, host: str, items: int) -> bytes:
    """RSS 2.0: `items` excerpts of feed f, each linking to its page on `host`."""
    rows = []
    for i in range(items):
        link = f"http://{host}/story/{f}/{i}"
        rows.append(
            f"<item><title>Story {i} of feed {f}</title><link>{escape(link)}</link>"
            f"<guid>{escape(link)}</guid>"
            f"<pubDate>Mon, {1 + i % 28:02d} Jun 2026 12:00:00 +0000</pubDate>"
            f"<description>{escape(f'<p>The first line of story {i}. Read more…</p>')}"
            f"</description></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Excerpts {f}</title><link>http://{host}/</link>"
            f"<description>Excerpts</description>{''.join(rows)}</channel></rss>").encode()


# --- the server, in a child process ----------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: ClassVar[dict[str, tuple[bytes, str]]] = {}

    def do_GET(self) -> None:
        host = self.headers.get("Host", "")
        found = self.routes.get(host + self.path)
        body, ctype = found or (b"no such page\n", "text/plain")
        self.send_response(200 if found else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(feeds: int, items: int, hosts: int, pad_kb: int,
           ready: multiprocessing.Queue[int]) -> None:
    first = ThreadingHTTPServer((HOST_PREFIX + "1", 0), _Handler)
    port = first.server_address[1]
    servers = [first] + [ThreadingHTTPServer((f"{HOST_PREFIX}{h}", port), _Handler)
                         for h in range(2, hosts + 1)]
    pages = corpus_pages(pad_kb)
    routes: ClassVar[dict[str, tuple[bytes, str]]] = {}
    for f in range(feeds):
        host = f"{HOST_PREFIX}{f % hosts + 1}:{port}"
        routes[f"{host}/feed/{f}.xml"] = (excerpt_feed(f, host, items), "application/rss+xml")
        for i in range(items):
            routes[f"{host}/story/{f}/{i}"] = (pages[(f * items + i) % len(pages)],
                                               "text/html; charset=utf-8")
    _Handler.routes = routes
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ready.put(port)
    threading.Event().wait()  # until terminated


@contextlib.contextmanager
def page_server(feeds: int, items: int, hosts: int, pad_kb: int) -> Any:
    """Yields the port; the feeds are http://127.0.1.<f % hosts + 1>:PORT/feed/<f>.xml."""
    ctx = multiprocessing.get_context("spawn")
    ready: multiprocessing.Queue[int] = ctx.Queue()
    proc = ctx.Process(target=_serve, args=(feeds, items, hosts, pad_kb, ready), daemon=True)
    proc.start()
    try:
        yield ready.get(timeout=60)
    finally:
        proc.terminate()
        proc.join(10)


# --- measuring one refresh ------------------------------------------------------------------

def _tree(pid: int) -> list[int]:
    family, todo = [], [pid]
    while todo:
        p = todo.pop()
        family.append(p)
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children", encoding="ascii") as fh:
                    todo += [int(c) for c in fh.read().split()]
    return family


class _Sampler(threading.Thread):
    """Every 10 ms: (time, the tree's summed RSS, the main process's RSS, the tree's
    CPU seconds); the CPU of a process that ended stays counted at its last reading."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, int, int, float]] = [(time.perf_counter(), 0, 0, 0.0)]
        self.cpu: dict[int, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            tree = main = 0
            for p in _tree(self.pid):
                with contextlib.suppress(OSError, IndexError, ValueError):
                    with open(f"/proc/{p}/stat", encoding="latin-1") as fh:
                        stat = fh.read()
                    f = stat[stat.rfind(")") + 2:].split()
                    rss = int(f[21]) * PAGE_SIZE
                    tree += rss
                    main = rss if p == self.pid else main
                    self.cpu[p] = (int(f[11]) + int(f[12])) / TICK
            if tree:
                self.samples.append((time.perf_counter(), tree, main, sum(self.cpu.values())))
            self.stop.wait(0.01)


@dataclass
class RefreshRun:
    feeds_s: float  # start to the feeds' line
    pages_s: float  # the feeds' line to the pages' line
    pages: int
    fetched: int
    failed: int
    pages_cpu_s: float  # CPU seconds of the process tree in the pages phase
    main_at_feeds: int  # the main process's RSS when the feeds' line came
    main_pages_peak: int  # its peak during the pages phase
    tree_peak: int  # the tree's summed RSS, peak over the whole run (parse processes too)


def refresh_once(port: int, feeds: int, hosts: int, root: Path) -> RefreshRun:
    """A fresh database, `toaster refresh` of every feed with full_text = true."""
    home = root / "home"
    for sub in ("config", "data", "cache", "state"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    config, db = root / "config.toml", root / "toaster.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    lines = ["[settings]", "full_text = true", ""]
    for f in range(feeds):
        lines += ["[[feeds]]", f'url = "http://{HOST_PREFIX}{f % hosts + 1}:{port}/feed/{f}.xml"',
                  'topic = "News"', ""]
    config.write_text("\n".join(lines), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")
           and k not in ("TOASTER_CONFIG", "TOASTER_DB")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
               XDG_STATE_HOME=str(home / "state"), LC_ALL="C.UTF-8")
    began = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "toaster_tui", "refresh", "--config",
                             str(config), "--db", str(db)], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = _Sampler(proc.pid)
    sampler.start()
    errors: list[str] = []
    drain = threading.Thread(target=lambda: errors.extend(proc.stderr or ()), daemon=True)
    drain.start()
    t_feeds = t_pages = None
    counts = (0, 0, 0)
    assert proc.stdout is not None
    for line in proc.stdout:
        if t_feeds is None and _FEEDS_LINE.match(line):
            t_feeds = time.perf_counter()
        elif (m := _PAGES_LINE.match(line)) is not None:
            t_pages = time.perf_counter()
            counts = (int(m[1]), int(m[2]), int(m[3]))
    proc.wait()
    sampler.stop.set()
    sampler.join()
    drain.join()
    if t_feeds is None or t_pages is None:
        raise RuntimeError(f"toaster refresh exited {proc.returncode}: {''.join(errors)[-2000:]}")
    samples = sampler.samples
    at_feeds = max((s for s in samples if s[0] <= t_feeds), key=lambda s: s[0])
    in_pages = [s for s in samples if t_feeds <= s[0] <= t_pages] or [at_feeds]
    return RefreshRun(
        feeds_s=t_feeds - began, pages_s=t_pages - t_feeds, pages=counts[0],
        fetched=counts[1], failed=counts[2], pages_cpu_s=in_pages[-1][3] - at_feeds[3],
        main_at_feeds=at_feeds[2], main_pages_peak=max(s[2] for s in in_pages),
        tree_peak=max(s[1] for s in samples))


def refresh_runs(runs: int, feeds: int, items: int, hosts: int, pad_kb: int) -> list[RefreshRun]:
    with page_server(feeds, items, hosts, pad_kb) as port, \
            tempfile.TemporaryDirectory(prefix="toaster-fulltext-") as tmp:
        return [refresh_once(port, feeds, hosts, Path(tmp)) for _ in range(runs)]
