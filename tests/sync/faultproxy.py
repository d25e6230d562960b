"""A loopback HTTP proxy in front of the real server that can be told to fail.

Requests pass through unchanged until `fail` is set: then it answers with that
status, or hangs ("hang"), or drops the connection ("drop"). `after` lets that
many more requests through first, to fail in the middle of a sync; `only`
limits the failure (and that count) to paths that contain it. `hung` is set
once a request hangs.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx


class FaultProxy:
    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.fail: int | str | None = None
        self.after = 0
        self.only: str | None = None
        self.hung = threading.Event()
        self.paths: list[str] = []
        self._lock = threading.Lock()
        self._upstream = httpx.Client(timeout=30)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                proxy._handle(self)

            def do_POST(self) -> None:
                proxy._handle(self)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._upstream.close()

    def _fault(self, path: str) -> int | str | None:
        with self._lock:
            if self.fail is None or (self.only is not None and self.only not in path):
                return None
            if self.after > 0:
                self.after -= 1
                return None
            return self.fail

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        self.paths.append(req.path)
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        fault = self._fault(req.path)
        if fault == "hang":
            self.hung.set()
            time.sleep(5)
            req.close_connection = True
            return
        if fault == "drop":
            req.close_connection = True
            req.connection.close()
            return
        if isinstance(fault, int):
            self._reply(req, fault, b"injected failure", {"Content-Type": "text/plain"})
            return
        headers = {k: v for k, v in req.headers.items()
                   if k.lower() not in ("host", "content-length", "connection")}
        resp = self._upstream.request(req.command, self.target + req.path, content=body,
                                      headers=headers)
        self._reply(req, resp.status_code, resp.content,
                    {"Content-Type": resp.headers.get("Content-Type", "text/plain")})

    def _reply(self, req: BaseHTTPRequestHandler, status: int, body: bytes,
               headers: dict[str, str]) -> None:
        req.send_response(status)
        for key, value in headers.items():
            req.send_header(key, value)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)
