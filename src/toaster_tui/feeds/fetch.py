"""HTTP for feeds: conditional GET, bounded in time, bytes and concurrency.

One shared httpx.AsyncClient; a global and a per-host semaphore; redirects
followed by hand (at most 5, http/https only) so permanent ones can be
recorded; bodies streamed raw and decompressed here with a cap on the
decompressed size, so a gzip bomb never inflates past `max_bytes`.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import socket
import ssl
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urljoin, urlsplit

import httpx

from toaster_tui import __version__
from toaster_tui.core.models import Settings
from toaster_tui.core.sanitize import clean_line

USER_AGENT = f"toaster-tui/{__version__} (+https://pypi.org/project/toaster-tui/)"
MAX_REDIRECTS = 5
BIG_BODY = 1024 * 1024
"""A body may grow this large freely; past it, it needs one of BIG_BODY_SLOTS."""
BIG_BODY_SLOTS = 4
"""Downloads past BIG_BODY at once, so bytes in flight stay bounded: about
concurrency x BIG_BODY + BIG_BODY_SLOTS x max_bytes, whatever the servers send.
A slot holder never waits for anything but its server, so this cannot deadlock."""
MAX_RETRY_AFTER = 7 * 86_400
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, "
    "application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


class Outcome(Enum):
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    GONE = "gone"
    FAILED = "failed"


@dataclass(frozen=True)
class FetchResult:
    outcome: Outcome
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None
    """Set when every redirect on the way was permanent (301/308)."""
    error: str | None = None
    retry_after: int | None = None
    """Epoch seconds before which the server asked us not to come back."""
    unreachable: bool = False
    """No answer at all (no connection, no such host, a timeout): the site said nothing."""


class _TooLarge(Exception):
    pass


IDLE_POOLS = 32
"""Connection pools of hosts with nothing in flight kept open (the most recent)."""


class Fetcher:
    """Fetches feeds; use as an async context manager.

    One small connection pool (an httpx client) per origin, all sharing one
    TLS context: httpx scans every connection of a pool on each request, so a
    single pool as big as `concurrency` costs O(connections) per request and,
    with more hosts than connections, closes one host's idle connection to
    open another's. Per-origin pools of `per_host` connections keep every
    host's connections alive for reuse at O(per_host) a request. Pools of
    origins with nothing in flight are closed beyond the IDLE_POOLS most recent.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._all = asyncio.Semaphore(settings.concurrency)
        self._big = asyncio.Semaphore(BIG_BODY_SLOTS)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._tls: ssl.SSLContext | None = None  # made once, on the first pool
        self._pools: dict[str, httpx.AsyncClient] = {}
        self._busy: dict[str, int] = {}
        self._idle: dict[str, None] = {}  # origins with nothing in flight, oldest first

    def _new_client(self) -> httpx.AsyncClient:
        per_host = max(1, self.settings.per_host)
        if self._tls is None:
            self._tls = httpx.create_ssl_context(trust_env=False)
        return httpx.AsyncClient(
            follow_redirects=False,
            verify=self._tls,
            timeout=httpx.Timeout(self.settings.timeout,
                                  connect=min(10.0, self.settings.timeout)),
            limits=httpx.Limits(
                max_connections=per_host,
                max_keepalive_connections=per_host,
                keepalive_expiry=30.0,
            ),
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT,
                     # Only encodings we can decompress with a size cap.
                     "Accept-Encoding": "gzip, deflate"},
            trust_env=False,
        )

    async def __aenter__(self) -> Fetcher:
        # Loading the CA bundle takes ~20 ms: not on the event loop.
        self._tls = await asyncio.to_thread(httpx.create_ssl_context, trust_env=False)
        return self

    async def __aexit__(self, *exc: object) -> None:
        pools = list(self._pools.values())
        self._pools.clear()
        self._idle.clear()
        for client in pools:
            await client.aclose()

    @contextlib.asynccontextmanager
    async def _pooled(self, url: str) -> AsyncIterator[httpx.AsyncClient]:
        """The pool of the URL's origin, marked busy while in use."""
        origin, client = self._pool(url)
        try:
            yield client
        finally:
            await self._release(origin)

    def _pool(self, url: str) -> tuple[str, httpx.AsyncClient]:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}".lower()
        client = self._pools.get(origin)
        if client is None:
            client = self._pools[origin] = self._new_client()
        self._busy[origin] = self._busy.get(origin, 0) + 1
        self._idle.pop(origin, None)
        return origin, client

    async def _release(self, origin: str) -> None:
        left = self._busy[origin] - 1
        if left:
            self._busy[origin] = left
            return
        del self._busy[origin]
        self._idle[origin] = None
        while len(self._idle) > IDLE_POOLS:
            oldest = next(iter(self._idle))
            del self._idle[oldest]
            client = self._pools.pop(oldest, None)
            if client is not None:
                await client.aclose()

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).hostname or ""
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(self.settings.per_host)
        return sem

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        """GET a feed (or, with another `accept`, a web page). Never raises for
        network or server trouble: FAILED."""
        try:
            return await self._fetch(url, etag, last_modified, accept)
        except TimeoutError:
            return FetchResult(Outcome.FAILED, unreachable=True,
                               error=f"timed out after {self.settings.timeout:g} s")
        except (httpx.TimeoutException, httpx.NetworkError) as exc:
            return FetchResult(Outcome.FAILED, error=describe_error(exc), unreachable=True)
        except httpx.HTTPError as exc:
            return FetchResult(Outcome.FAILED, error=describe_error(exc))
        except httpx.InvalidURL as exc:
            return FetchResult(Outcome.FAILED, error=f"invalid URL: {clean_line(str(exc))[:160]}")
        except _TooLarge:
            return FetchResult(Outcome.FAILED, error=(
                f"response larger than {self.settings.max_bytes // 1024} KB, not stored"))
        except (zlib.error, EOFError) as exc:
            return FetchResult(Outcome.FAILED, error=f"corrupt compressed response: {exc}")

    async def _fetch(self, url: str, etag: str | None, last_modified: str | None,
                     accept: str | None) -> FetchResult:
        headers: dict[str, str] = {"Accept": accept} if accept else {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        permanent = True
        current = url
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        for _hop in range(MAX_REDIRECTS + 1):
            # Host slot first: waiting on a busy host must not hold a global slot.
            async with self._host_limit(current), self._all:
                # The clock starts once we hold a slot: queueing is not the
                # server's fault. It covers every hop and the whole body.
                deadline = deadline or loop.time() + self.settings.timeout
                async with self._pooled(current) as client, asyncio.timeout_at(deadline), \
                        client.stream("GET", current, headers=headers) as resp:
                    status = resp.status_code
                    if status in (301, 302, 303, 307, 308):
                        target = resp.headers.get("location")
                        if not target:
                            return FetchResult(Outcome.FAILED, status,
                                               error=f"HTTP {status} redirect without a Location")
                        nxt = urljoin(current, clean_line(target))
                        if urlsplit(nxt).scheme not in ("http", "https"):
                            return FetchResult(Outcome.FAILED, status,
                                               error="redirected to a non-http URL, not followed")
                        permanent = permanent and status in (301, 308)
                        current = nxt
                        continue
                    moved = current if permanent and current != url else None
                    if status == 304:
                        # Never a body (h11 knows): reading the end of it lets
                        # httpx keep the connection for the next request.
                        await resp.aread()
                        return FetchResult(Outcome.NOT_MODIFIED, status, etag=etag,
                                           last_modified=last_modified, permanent_url=moved)
                    if status == 410:
                        return FetchResult(Outcome.GONE, status, permanent_url=moved,
                                           error="HTTP 410 Gone: the feed was removed by its site")
                    if status in (429, 503):
                        after = parse_retry_after(resp.headers.get("retry-after"))
                        reason = "Too Many Requests" if status == 429 else "Service Unavailable"
                        return FetchResult(Outcome.FAILED, status, retry_after=after,
                                           error=f"HTTP {status} {reason}")
                    if status >= 400 or status < 200:
                        return FetchResult(
                            Outcome.FAILED, status,
                            error=f"HTTP {status} {clean_line(resp.reason_phrase)[:60]}".strip(),
                        )
                    body = await self._read_body(resp)
                    return FetchResult(
                        Outcome.OK, status, body,
                        content_type=clean_line(resp.headers.get("content-type"))[:200] or None,
                        etag=clean_line(resp.headers.get("etag"))[:500] or None,
                        last_modified=clean_line(resp.headers.get("last-modified"))[:100] or None,
                        permanent_url=moved,
                    )
        return FetchResult(Outcome.FAILED, error=f"more than {MAX_REDIRECTS} redirects")

    async def _read_body(self, resp: httpx.Response) -> bytes:
        cap = self.settings.max_bytes
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise _TooLarge
        encoding = resp.headers.get("content-encoding", "identity").strip().lower()
        decoder = _decoder(encoding)
        chunks: list[bytes] = []
        size = 0
        big = False
        try:
            async for raw in resp.aiter_raw():
                pieces = [raw] if decoder is None else _inflate(decoder, raw, cap - size)
                for piece in pieces:
                    size += len(piece)
                    if size > cap:
                        raise _TooLarge
                    chunks.append(piece)
                if not big and size > BIG_BODY:
                    await self._big.acquire()  # waits (not reading) while 4 are big
                    big = True
            if decoder is not None:
                tail = decoder.flush()
                size += len(tail)
                if size > cap:
                    raise _TooLarge
                chunks.append(tail)
            return b"".join(chunks)
        finally:
            if big:
                self._big.release()


def _decoder(encoding: str) -> zlib._Decompress | None:
    """None for identity, else a zlib decompressor; DecodingError if unsupported."""
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(zlib.MAX_WBITS)
    raise httpx.DecodingError(f"unsupported Content-Encoding {clean_line(encoding)[:40]!r}")


def _inflate(decoder: zlib._Decompress, raw: bytes, room: int) -> list[bytes]:
    """Decompress without ever producing more than `room` + 1 bytes."""
    out: list[bytes] = []
    data = raw
    while data:
        piece = decoder.decompress(data, max(1, room + 1))
        out.append(piece)
        room -= len(piece)
        if room < 0:
            raise _TooLarge
        data = decoder.unconsumed_tail
        if not piece and not data:
            break
    return out


def parse_retry_after(value: str | None, now: float | None = None) -> int | None:
    """Retry-After as epoch seconds (delta-seconds or an HTTP date), capped."""
    if not value:
        return None
    now = time.time() if now is None else now
    value = value.strip()
    if value.isdigit():
        delay = int(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        delay = int(when.timestamp() - now)
    return int(now) + max(0, min(delay, MAX_RETRY_AFTER))


def describe_error(exc: httpx.HTTPError) -> str:
    """A network error in plain words, one line."""
    kinds: list[tuple[type[httpx.HTTPError], str]] = [
        (httpx.ConnectTimeout, "connection timed out"),
        (httpx.ReadTimeout, "server stopped answering (read timeout)"),
        (httpx.TimeoutException, "timed out"),
        (httpx.ConnectError, "cannot connect"),
        (httpx.RemoteProtocolError, "server broke the HTTP protocol"),
        (httpx.ReadError, "connection lost while reading the response"),
        (httpx.WriteError, "connection lost while sending the request"),
        (httpx.UnsupportedProtocol, "unsupported URL scheme"),
        (httpx.DecodingError, "cannot decode the response"),
    ]
    label = next((text for kind, text in kinds if isinstance(exc, kind)), "network error")
    plain = _os_reason(exc)
    if plain is not None:
        return f"{label}: {plain}"
    # httpx often wraps an OS error with an empty message: say what the OS said.
    cause = exc.__cause__ or exc.__context__
    detail = clean_line(str(exc) or (str(cause) if cause else ""))[:160]
    return f"{label}: {detail}" if detail else label


def _os_reason(exc: BaseException) -> str | None:
    """The usual causes in words, instead of "[Errno -2] Name or service not known",
    "All connection attempts failed" or "[SSL: WRONG_VERSION_NUMBER] …"."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, socket.gaierror):
            return "host name not found"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ssl.SSLError) and cause.reason == "WRONG_VERSION_NUMBER":
            return "TLS handshake failed (does the server speak https?)"
        cause = cause.__cause__ or cause.__context__
    return None
