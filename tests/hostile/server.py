"""A hostile HTTP server on 127.0.0.1 for tests.

It speaks raw sockets so a handler can do anything a malicious server does:
drip bytes, never answer, lie in Content-Length, send a gzip bomb, loop
redirects, put escape sequences in the reason phrase. Every connection is
bounded all the same (the server's own safety): at most `max_seconds` and
`max_bytes`, and everything stops when the server is closed.

Each request is logged with when it arrived and when its handler ended (the
client hanging up ends a waiting handler), so tests can bound per-feed time
from the server's side.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Handler = Callable[["Conn"], None]


class Stop(Exception):
    """The connection is over: budget spent, client gone, or server closing."""


@dataclass
class Hit:
    path: str
    started: float
    ended: float | None = None
    sent: int = 0
    client_closed: bool = False

    @property
    def seconds(self) -> float:
        return (self.ended or time.monotonic()) - self.started


@dataclass
class Conn:
    sock: socket.socket
    server: HostileServer
    method: str
    path: str
    headers: dict[str, str]
    hit: Hit
    deadline: float
    budget: int
    closed_by_client: bool = field(default=False)

    # --- bounded primitives ------------------------------------------------------

    def _check(self) -> None:
        if self.server.stopping.is_set():
            raise Stop("server closing")
        if time.monotonic() > self.deadline:
            raise Stop("time budget spent")

    def send(self, data: bytes) -> None:
        self._check()
        if self.hit.sent + len(data) > self.budget:
            raise Stop("byte budget spent")
        try:
            self.sock.sendall(data)
        except OSError as exc:  # the client hung up: that is its right
            self.hit.client_closed = True
            raise Stop("client closed") from exc
        self.hit.sent += len(data)

    def sleep(self, seconds: float) -> None:
        """Wait, but stop early if the client hangs up or the server closes."""
        end = time.monotonic() + seconds
        while True:
            self._check()
            left = end - time.monotonic()
            if left <= 0:
                return
            if self.client_gone(min(left, 0.05)):
                self.hit.client_closed = True
                raise Stop("client closed")

    def client_gone(self, wait: float = 0.0) -> bool:
        try:
            ready, _, _ = select.select([self.sock], [], [], wait)
            if not ready:
                return False
            return self.sock.recv(4096, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def hold(self) -> None:
        """Say nothing until the client gives up (or the budget ends)."""
        while True:
            self.sleep(0.05)

    # --- conveniences --------------------------------------------------------------

    def head(self, status: int, headers: dict[str, str] | list[tuple[str, str]] | None = None,
             reason: bytes | None = None) -> None:
        reason = reason if reason is not None else _REASONS.get(status, b"Whatever")
        lines = [b"HTTP/1.1 %d %s" % (status, reason)]
        items = headers.items() if isinstance(headers, dict) else (headers or [])
        for key, value in items:
            lines.append(key.encode("latin-1") + b": " + value.encode("latin-1"))
        self.send(b"\r\n".join(lines) + b"\r\n\r\n")

    def respond(self, status: int, body: bytes = b"",
                content_type: str | None = "application/rss+xml; charset=utf-8",
                headers: dict[str, str] | None = None, reason: bytes | None = None) -> None:
        out = {"Content-Length": str(len(body)), "Connection": "close"}
        if content_type is not None:
            out["Content-Type"] = content_type
        out.update(headers or {})
        self.head(status, out, reason)
        if body:
            self.send(body)


_REASONS = {200: b"OK", 301: b"Moved Permanently", 302: b"Found", 304: b"Not Modified",
            307: b"Temporary Redirect", 308: b"Permanent Redirect", 404: b"Not Found",
            410: b"Gone", 429: b"Too Many Requests", 500: b"Internal Server Error",
            503: b"Service Unavailable"}


class HostileServer:
    """`with HostileServer() as srv:`; add routes with `srv.route(path, handler)`."""

    def __init__(self, *, max_seconds: float = 60.0, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_seconds = max_seconds
        self.max_bytes = max_bytes
        self.routes: dict[str, Handler] = {}
        self.hits: list[Hit] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))  # loopback only, never a public address
        self._listener.listen(256)
        self.port = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True,
                                          name="hostile-accept")

    def __enter__(self) -> HostileServer:
        self._acceptor.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.stopping.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                conn.close()
        for thread in [self._acceptor, *self._threads]:
            thread.join(timeout=5)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def hits_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    # --- plumbing -------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _addr = self._listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True,
                                      name="hostile-conn")
            with self._lock:
                self._conns.add(sock)
                self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        started = time.monotonic()
        try:
            sock.settimeout(5.0)  # a send to a client that stopped reading gives up
            head = self._read_head(sock, started + 10.0)
            if head is None:
                return
            method, path, headers = head
            hit = Hit(path, started)
            with self._lock:
                self.hits.append(hit)
            conn = Conn(sock, self, method, path, headers, hit,
                        started + self.max_seconds, self.max_bytes)
            handler = self.routes.get(path.split("?", 1)[0], _not_found)
            try:
                handler(conn)
            except Stop:
                pass
            except OSError:
                hit.client_closed = True
            finally:
                hit.ended = time.monotonic()
        finally:
            with self._lock:
                self._conns.discard(sock)
            with contextlib.suppress(OSError):
                sock.close()

    def _read_head(self, sock: socket.socket,
                   deadline: float) -> tuple[str, str, dict[str, str]] | None:
        data = b""
        while b"\r\n\r\n" not in data:
            if len(data) > 64 * 1024 or time.monotonic() > deadline or self.stopping.is_set():
                return None
            try:
                ready, _, _ = select.select([sock], [], [], 0.1)
                if not ready:
                    continue
                chunk = sock.recv(4096)
            except OSError:
                return None
            if not chunk:
                return None
            data += chunk
        lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) < 2:
            return None
        headers = {}
        for line in lines[1:]:
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        return parts[0], parts[1], headers


def _not_found(conn: Conn) -> None:
    conn.respond(404, b"not found", "text/plain")
