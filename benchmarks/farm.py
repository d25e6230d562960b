"""A loopback feed farm: N deterministic RSS 2.0 and Atom feeds over many hosts.

Serves feeds on 127.0.1.1 .. 127.0.1.H (one listening socket per address, the
same port on each), so per-host connection limits behave as on the real web.
Every response can be delayed by a configurable latency; ETag and
Last-Modified are honoured with 304s; bodies are gzipped when the client
asks; connections are kept alive (HTTP/1.1). Counters of 200s and 304s are
served as JSON at /_stats. Only ever binds 127.0.0.0/8 addresses.

    python benchmarks/farm.py --feeds 1000 --latency-ms 50      # serve until ^C

From Python (what run.py does): `with Farm(feeds=1000) as farm: farm.urls()`,
which runs the server in a child process so it never shares the GIL with
the program being measured.

Control endpoints (any host): GET /_stats, /_reset, /_latency/<ms>.
Feed k is http://127.0.1.<k % H + 1>:PORT/feed/<k>.xml; odd k are Atom.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from xml.sax.saxutils import escape

HOST_PREFIX = "127.0.1."
BASE_TIME = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
"""Entries are dated back from here: in the past, so no reader clamps them."""

# --- deterministic content --------------------------------------------------

_WORDS = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with",
    "be", "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but",
    "have", "an", "they", "you", "were", "her", "she", "there", "been", "one", "all", "we",
    "their", "has", "would", "when", "what", "if", "will", "more", "no", "out", "so", "said",
    "up", "its", "about", "than", "into", "them", "can", "only", "other", "new", "some", "could",
    "time", "these", "two", "may", "then", "do", "first", "any", "my", "now", "such", "like",
    "our", "over", "man", "me", "even", "most", "made", "after", "also", "did", "many", "before",
    "must", "through", "back", "years", "where", "much", "your", "way", "well", "down", "should",
    "because", "each", "just", "those", "people", "how", "too", "little", "state", "good",
    "very", "make", "world", "still", "own", "see", "men", "work", "long", "get", "here",
    "between", "both", "life", "being", "under", "never", "day", "same", "another", "know",
    "while", "last", "might", "us", "great", "old", "year", "off", "come", "since", "against",
    "go", "came", "right", "used", "take", "three", "garden", "soil", "compost", "seed",
    "tomato", "river", "bridge", "engine", "kernel", "compiler", "library", "server", "cache",
    "network", "protocol", "latency", "throughput", "bicycle", "mountain", "harbour", "kitchen",
    "recipe", "bread", "butter", "saffron", "lemon", "forest", "winter", "summer", "autumn",
    "spring", "planet", "telescope", "galaxy", "orbit", "climate", "ocean", "glacier", "desert",
    "museum", "gallery", "painting", "sculpture", "novel", "poetry", "chapter", "editor",
    "reader", "writer", "journal", "election", "council", "budget", "market", "inventory",
    "startup", "founder", "product", "design", "typeface", "pixel", "colour", "canvas",
    "interface", "keyboard", "terminal", "window", "cursor", "screen", "function", "variable",
    "module", "package", "release", "version", "patch"]
_NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Kay", "Barbara Liskov", "Ken Thompson",
          "Margaret Hamilton", "Edsger Dijkstra", "Frances Allen", "Niklaus Wirth",
          "Radia Perlman", "Donald Knuth", "Sophie Wilson"]
_TAGS = ["Technology", "Design", "Science", "Food", "Travel", "Books", "Programming",
         "Politics", "Music", "Art", "Climate", "Open Source", "Gardening", "Cities"]


def _sentence(rng: random.Random, lo: int = 8, hi: int = 22) -> str:
    words = rng.choices(_WORDS, k=rng.randint(lo, hi))
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", ".", "?", "!"])


def _inline(rng: random.Random, k: int, n: int) -> str:
    """A paragraph's inner HTML with some inline markup and entities."""
    parts = []
    for i in range(n):
        s = _sentence(rng)
        roll = rng.random()
        if roll < 0.25:
            w = s.split()
            j = rng.randrange(len(w))
            w[j] = f'<a href="https://site{k}.example/{rng.randrange(10**6)}">{w[j]}</a>'
            s = " ".join(w)
        elif roll < 0.35:
            s = s.replace(" the ", " <em>the</em> ", 1)
        elif roll < 0.45:
            s = f"&#8220;{s[:-1]}&#8221; said {rng.choice(_NAMES)} &amp; friends."
        elif roll < 0.5:
            s = s.replace(" of ", " of <code>x &lt; y</code> ", 1)
        elif roll < 0.55:
            s = f"<strong>{s}</strong>"
        parts.append(s if i == 0 else " " + s)
    return "".join(parts)


def body_html(rng: random.Random, k: int, target: int) -> str:
    """An article body of about `target` bytes (1-3 KB), realistic markup."""
    blocks: list[str] = []
    size = 0
    while size < target:
        roll = rng.random()
        if roll < 0.62 or not blocks:
            b = f"<p>{_inline(rng, k, rng.randint(2, 4))}</p>"
        elif roll < 0.72:
            b = "<ul>" + "".join(f"<li>{_sentence(rng, 4, 9)}</li>"
                                 for _ in range(rng.randint(2, 4))) + "</ul>"
        elif roll < 0.8:
            b = f"<blockquote><p>{_sentence(rng, 10, 20)}</p></blockquote>"
        elif roll < 0.86:
            b = f"<h2>{_sentence(rng, 3, 6)[:-1]}</h2>"
        elif roll < 0.92:
            b = (f'<figure><img src="https://cdn{k}.example/img/{rng.randrange(10**6)}.jpg" '
                 f'alt="{_sentence(rng, 3, 6)[:-1]}" width="800" height="450">'
                 f"<figcaption>{_sentence(rng, 4, 8)}</figcaption></figure>")
        else:
            b = ("<pre><code>for (int i = 0; i &lt; n; i++) {\n    total += "
                 f"values[i] * {rng.randint(2, 99)};\n}}</code></pre>")
        blocks.append(b)
        size += len(b)
    return "\n".join(blocks)


@dataclass(frozen=True)
class FeedDoc:
    body: bytes
    content_type: str
    etag: str
    last_modified: str


def make_feed(k: int, entries: int = 20, seed: int = 1) -> FeedDoc:
    """Feed k: deterministic in (seed, k, entries). Odd k are Atom 1.0."""
    rng = random.Random(f"{seed}:{k}:{entries}")
    newest = BASE_TIME - timedelta(minutes=37 * k)
    title = f"Farm feed {k}: {_sentence(rng, 2, 4)[:-1]}"
    site = f"https://site{k}.example/"
    items = []
    for n in range(entries):
        when = newest - timedelta(hours=5 * n, minutes=rng.randrange(60))
        body = body_html(rng, k, rng.randint(1000, 3000))
        summary = _sentence(rng, 15, 30)
        items.append((n, when, _sentence(rng, 4, 10)[:-1], body, summary,
                      rng.choice(_NAMES), rng.sample(_TAGS, rng.randint(1, 3))))
    if k % 2:
        doc = _atom(k, title, site, newest, items, xhtml_every=7 if k % 4 == 1 else 0)
        ctype = "application/atom+xml; charset=utf-8"
    else:
        doc = _rss(k, title, site, newest, items, cdata=k % 4 == 0)
        ctype = "application/rss+xml; charset=utf-8"
    data = doc.encode("utf-8")
    return FeedDoc(data, ctype, '"' + hashlib.sha1(data).hexdigest()[:20] + '"',
                   format_datetime(newest, usegmt=True))


def _rss(k: int, title: str, site: str, newest: datetime,
         items: list[tuple[int, datetime, str, str, str, str, list[str]]], cdata: bool) -> str:
    out = [f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{escape(title)}</title>
<link>{site}</link>
<atom:link href="{site}feed.xml" rel="self" type="application/rss+xml"/>
<description>Deterministic benchmark feed number {k}</description>
<language>en-us</language>
<lastBuildDate>{format_datetime(newest)}</lastBuildDate>
<generator>toaster-tui feed farm</generator>
"""]
    for n, when, t, body, summary, author, tags in items:
        content = f"<![CDATA[{body}]]>" if cdata else escape(body)
        cats = "".join(f"<category>{escape(c)}</category>" for c in tags)
        out.append(f"""<item>
<title>{escape(t)}</title>
<link>{site}posts/{n}</link>
<guid isPermaLink="false">farm-{k}-{n}</guid>
<pubDate>{format_datetime(when)}</pubDate>
<dc:creator>{escape(author)}</dc:creator>
{cats}
<description>{escape(summary)}</description>
<content:encoded>{content}</content:encoded>
</item>
""")
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def _atom(k: int, title: str, site: str, newest: datetime,
          items: list[tuple[int, datetime, str, str, str, str, list[str]]],
          xhtml_every: int) -> str:
    out = [f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>{escape(title)}</title>
<subtitle>Deterministic benchmark feed number {k}</subtitle>
<link href="{site}" rel="alternate" type="text/html"/>
<link href="{site}atom.xml" rel="self"/>
<id>tag:site{k}.example,2026:feed</id>
<updated>{newest.isoformat()}</updated>
"""]
    for n, when, t, body, summary, author, tags in items:
        cats = "".join(f'<category term="{escape(c)}"/>' for c in tags)
        if xhtml_every and n % xhtml_every == 0:
            content = ('<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                       f"<p>{escape(summary)}</p></div></content>")
        else:
            content = f'<content type="html">{escape(body)}</content>'
        out.append(f"""<entry>
<title type="html">{escape(t)}</title>
<link href="{site}posts/{n}" rel="alternate" type="text/html"/>
<id>tag:site{k}.example,2026:post-{n}</id>
<published>{when.isoformat()}</published>
<updated>{(when + timedelta(minutes=10)).isoformat()}</updated>
<author><name>{escape(author)}</name></author>
{cats}
<summary type="text">{escape(summary)}</summary>
{content}
</entry>
""")
    out.append("</feed>\n")
    return "".join(out)


# --- the server ---------------------------------------------------------------

class FarmServer:
    """The asyncio HTTP/1.1 server; one process, one loop, many addresses."""

    def __init__(self, feeds: int, entries: int, hosts: int, latency: float, seed: int) -> None:
        self.hosts = hosts
        self.latency = latency
        self.docs = [make_feed(k, entries, seed) for k in range(feeds)]
        self._gz: dict[int, bytes] = {}
        self.counts: dict[str, int] = {}
        self.reset()

    def reset(self) -> None:
        self.counts = {"requests": 0, "200": 0, "304": 0, "404": 0, "gzip": 0,
                       "connections": 0, "bytes": 0}

    def gz(self, k: int) -> bytes:
        data = self._gz.get(k)
        if data is None:
            data = self._gz[k] = gzip.compress(self.docs[k].body, 6, mtime=0)
        return data

    def precompress(self) -> None:
        for k in range(len(self.docs)):
            self.gz(k)

    def respond(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self.counts["requests"] += 1
        if path.startswith("/_"):
            return self._control(path)
        k = _feed_number(path)
        if k is None or not 0 <= k < len(self.docs):
            self.counts["404"] += 1
            return 404, {"Content-Type": "text/plain"}, b"no such feed\n"
        doc = self.docs[k]
        meta = {"ETag": doc.etag, "Last-Modified": doc.last_modified,
                "Cache-Control": "max-age=0"}
        inm = headers.get("if-none-match")
        ims = headers.get("if-modified-since")
        if inm is not None:
            fresh = doc.etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        elif ims is not None:
            fresh = _not_newer(ims, doc.last_modified)
        else:
            fresh = False
        if fresh:
            self.counts["304"] += 1
            return 304, meta, b""
        self.counts["200"] += 1
        meta["Content-Type"] = doc.content_type
        if "gzip" in headers.get("accept-encoding", "").lower():
            self.counts["gzip"] += 1
            meta["Content-Encoding"] = "gzip"
            meta["Vary"] = "Accept-Encoding"
            body = self.gz(k)
        else:
            body = doc.body
        self.counts["bytes"] += len(body)
        return 200, meta, body

    def _control(self, path: str) -> tuple[int, dict[str, str], bytes]:
        self.counts["requests"] -= 1
        if path == "/_reset":
            self.reset()
        elif path.startswith("/_latency/"):
            self.latency = float(path.rsplit("/", 1)[1]) / 1000
        elif path != "/_stats":
            return 404, {"Content-Type": "text/plain"}, b"unknown control\n"
        out = {**self.counts, "latency_ms": self.latency * 1000, "feeds": len(self.docs)}
        return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()


def _feed_number(path: str) -> int | None:
    path = path.split("?", 1)[0]
    if not (path.startswith("/feed/") and path.endswith(".xml")):
        return None
    num = path[6:-4]
    return int(num) if num.isdigit() else None


def _not_newer(since: str, last_modified: str) -> bool:
    try:
        return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):
        return False


_REASONS = {200: "OK", 304: "Not Modified", 400: "Bad Request", 404: "Not Found"}


class _Conn(asyncio.Protocol):
    """One client connection: parse GET requests, answer each in turn."""

    def __init__(self, farm: FarmServer) -> None:
        self.farm = farm
        self.buf = b""
        self.transport: asyncio.Transport | None = None
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.farm.counts["connections"] += 1
        self.task = asyncio.get_running_loop().create_task(self._serve())

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > 65536 and self.transport is not None:
                    self.transport.close()
                return
            head, self.buf = self.buf[:end], self.buf[end + 4:]
            self.queue.put_nowait(head)

    def connection_lost(self, exc: Exception | None) -> None:
        self.queue.put_nowait(None)

    async def _serve(self) -> None:
        while True:
            head = await self.queue.get()
            if head is None or self.transport is None or self.transport.is_closing():
                return
            lines = head.decode("latin-1").split("\r\n")
            try:
                method, path, version = lines[0].split(" ", 2)
            except ValueError:
                self.transport.close()
                return
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if not path.startswith("/_") and self.farm.latency > 0:
                await asyncio.sleep(self.farm.latency)
            status, meta, body = self.farm.respond(path, headers)
            keep = (version == "HTTP/1.1" and headers.get("connection", "").lower() != "close")
            out = [f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}",
                   "Server: toaster-farm", f"Content-Length: {len(body)}",
                   "Connection: keep-alive" if keep else "Connection: close"]
            out += [f"{k}: {v}" for k, v in meta.items()]
            self.transport.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
            if method != "HEAD" and status != 304:
                self.transport.write(body)
            if not keep:
                self.transport.close()
                return


async def _serve(farm: FarmServer, port: int, ready: Path | None) -> None:
    loop = asyncio.get_running_loop()
    servers = []
    for attempt in range(20):
        servers = []
        try:
            first = await loop.create_server(lambda: _Conn(farm), HOST_PREFIX + "1", port,
                                             backlog=1024, reuse_address=True)
            chosen = first.sockets[0].getsockname()[1]
            servers.append(first)
            for h in range(2, farm.hosts + 1):
                servers.append(await loop.create_server(
                    lambda: _Conn(farm), f"{HOST_PREFIX}{h}", chosen,
                    backlog=1024, reuse_address=True))
            port = chosen
            break
        except OSError:
            for s in servers:
                s.close()
            if port or attempt == 19:
                raise
    info = json.dumps({"port": port, "hosts": farm.hosts, "feeds": len(farm.docs),
                       "pid": os.getpid()})
    if ready is not None:
        ready.write_text(info)
    print(info, flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for s in servers:
        s.close()


# --- the client side: run a farm in a child process ---------------------------

class Farm:
    """A farm in a child process: `with Farm(feeds=1000, latency=0.05) as farm:`."""

    def __init__(self, feeds: int, *, entries: int = 20, hosts: int = 50,
                 latency: float = 0.0, seed: int = 1) -> None:
        self.feeds, self.entries, self.hosts = feeds, entries, hosts
        self.latency, self.seed = latency, seed
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def __enter__(self) -> Farm:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--feeds", str(self.feeds),
               "--entries", str(self.entries), "--hosts", str(self.hosts),
               "--latency-ms", str(self.latency * 1000), "--seed", str(self.seed),
               "--precompress"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            raise RuntimeError("the feed farm did not start")
        self.port = int(json.loads(line)["port"])
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def url(self, k: int) -> str:
        return f"http://{HOST_PREFIX}{k % self.hosts + 1}:{self.port}/feed/{k}.xml"

    def urls(self, n: int | None = None) -> list[str]:
        return [self.url(k) for k in range(self.feeds if n is None else n)]

    def _get(self, path: str) -> dict[str, float]:
        with self._opener.open(f"http://{HOST_PREFIX}1:{self.port}{path}", timeout=30) as r:
            data: dict[str, float] = json.loads(r.read())
            return data

    def stats(self) -> dict[str, float]:
        return self._get("/_stats")

    def reset(self) -> dict[str, float]:
        return self._get("/_reset")

    def set_latency(self, seconds: float) -> None:
        self._get(f"/_latency/{seconds * 1000:g}")
        self.latency = seconds


@contextlib.contextmanager
def farm(feeds: int, **kwargs: object) -> Iterator[Farm]:
    with Farm(feeds, **kwargs) as f:  # type: ignore[arg-type]
        yield f


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--entries", type=int, default=20, help="entries per feed")
    ap.add_argument("--hosts", type=int, default=50, help="addresses 127.0.1.1 .. 127.0.1.H")
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--precompress", action="store_true", help="gzip every feed before ready")
    ap.add_argument("--ready-file", type=Path)
    args = ap.parse_args()
    if not 1 <= args.hosts <= 254:
        ap.error("--hosts must be 1..254")
    began = time.perf_counter()
    server = FarmServer(args.feeds, args.entries, args.hosts, args.latency_ms / 1000, args.seed)
    if args.precompress:
        server.precompress()
    print(f"farm: {args.feeds} feeds generated in {time.perf_counter() - began:.1f} s",
          file=sys.stderr)
    asyncio.run(_serve(server, args.port, args.ready_file))
    return 0


if __name__ == "__main__":
    sys.exit(main())
