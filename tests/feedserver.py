"""A real HTTP server on 127.0.0.1 for tests: feeds with ETag/Last-Modified,
gzip, redirects, errors, Retry-After and slow responses. Every request is
logged so tests can assert on what the client sent."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering."""
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None
    """Takes over the whole response when set."""


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up on purpose (size caps, timeouts) are expected


@dataclass(frozen=True)
class Hit:
    path: str
    headers: dict[str, str]
    status: int


class FeedServer:
    """Start with `with FeedServer() as server:`; routes can change at any time."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet tests
                pass

            def do_GET(self) -> None:
                server._handle(self)

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, **kwargs: Any) -> Route:
        route = Route(**kwargs)
        self.routes[path] = route
        return route

    def hits_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    def _log(self, req: BaseHTTPRequestHandler, status: int) -> None:
        with self._lock:
            self.hits.append(Hit(req.path, {k.lower(): v for k, v in req.headers.items()}, status))

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        route = self.routes.get(req.path)
        if route is None:
            self._send(req, 404, b"not found", {"Content-Type": "text/plain"})
            return
        if route.delay:
            time.sleep(route.delay)
        if route.handler is not None:
            self._log(req, 0)
            route.handler(req)
            return
        headers = {"Content-Type": route.content_type, **route.headers}
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        if route.status == 200:
            inm = req.headers.get("If-None-Match")
            ims = req.headers.get("If-Modified-Since")
            if (route.etag and inm == route.etag) or (
                route.last_modified and not route.etag and ims == route.last_modified
            ):
                self._send(req, 304, b"", {k: v for k, v in headers.items()
                                           if k in ("ETag", "Last-Modified")})
                return
        body = route.body
        if route.gzip and "gzip" in req.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        self._send(req, route.status, body, headers)

    def _send(self, req: BaseHTTPRequestHandler, status: int, body: bytes,
              headers: dict[str, str]) -> None:
        self._log(req, status)
        req.send_response(status)
        for key, value in headers.items():
            req.send_header(key, value)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        if body and status != 304:
            req.wfile.write(body)
