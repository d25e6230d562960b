"""The fetch path against a real loopback server: limits in time and bytes,
redirects, conditional requests and status handling."""

from __future__ import annotations

import asyncio
import gzip
import time
from http.server import BaseHTTPRequestHandler

import pytest

from feedsamples import make_items, rss2
from feedserver import FeedServer
from toaster_tui.core.models import Settings
from toaster_tui.feeds.fetch import USER_AGENT, Fetcher, FetchResult, Outcome, parse_retry_after


def fetch(server: FeedServer, path: str, settings: Settings | None = None,
          **kwargs: str) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(settings or Settings(timeout=5)) as fetcher:
            return await fetcher.fetch(server.url(path), **kwargs)

    return asyncio.run(go())


def test_ok_sends_user_agent_and_decompresses_gzip(server: FeedServer) -> None:
    body = rss2(make_items("gz", 3))
    server.route("/f.xml", body=body, gzip=True, etag='"e1"', last_modified="Sun, 01 Nov 2026")
    result = fetch(server, "/f.xml")
    assert result.outcome is Outcome.OK
    assert result.body == body
    assert result.etag == '"e1"'
    hit = server.hits_for("/f.xml")[0]
    assert hit.headers["user-agent"] == USER_AGENT
    assert "gzip" in hit.headers["accept-encoding"]


def test_conditional_request_gets_not_modified(server: FeedServer) -> None:
    server.route("/f.xml", body=b"<rss/>", etag='"v9"')
    result = fetch(server, "/f.xml", etag='"v9"')
    assert result.outcome is Outcome.NOT_MODIFIED
    assert server.hits_for("/f.xml")[0].headers["if-none-match"] == '"v9"'


def test_size_cap_with_and_without_content_length(server: FeedServer) -> None:
    small = Settings(timeout=5, max_bytes=10_000)
    server.route("/big.xml", body=b"x" * 50_000)
    result = fetch(server, "/big.xml", small)
    assert result.outcome is Outcome.FAILED
    assert "larger than" in result.error

    def endless(req: BaseHTTPRequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Type", "application/rss+xml")
        req.send_header("Connection", "close")
        req.end_headers()
        try:
            for _ in range(10_000):
                req.wfile.write(b"<item>" * 200)
        except OSError:
            pass

    server.route("/endless.xml", handler=endless)
    result = fetch(server, "/endless.xml", small)
    assert result.outcome is Outcome.FAILED
    assert "larger than" in result.error


def test_gzip_bomb_is_stopped_after_decompression(server: FeedServer) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)  # ~50 KB on the wire
    assert len(bomb) < 100_000

    def send(req: BaseHTTPRequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Type", "application/rss+xml")
        req.send_header("Content-Encoding", "gzip")
        req.send_header("Content-Length", str(len(bomb)))
        req.end_headers()
        req.wfile.write(bomb)

    server.route("/bomb.xml", handler=send)
    result = fetch(server, "/bomb.xml", Settings(timeout=5, max_bytes=1_000_000))
    assert result.outcome is Outcome.FAILED
    assert "larger than 976 KB" in result.error


def test_slow_server_times_out(server: FeedServer) -> None:
    server.route("/slow.xml", body=b"<rss/>", delay=3)
    began = time.monotonic()
    result = fetch(server, "/slow.xml", Settings(timeout=1))
    assert time.monotonic() - began < 2.5
    assert result.outcome is Outcome.FAILED
    assert result.error is not None
    assert "timed out" in result.error or "read timeout" in result.error


def test_redirects_permanent_temporary_loops_and_schemes(server: FeedServer) -> None:
    server.route("/a", status=301, headers={"Location": "/b"})
    server.route("/b", status=308, headers={"Location": "/feed.xml"})
    server.route("/feed.xml", body=b"<rss/>")
    result = fetch(server, "/a")
    assert result.outcome is Outcome.OK
    assert result.permanent_url == server.url("/feed.xml")

    server.route("/t", status=302, headers={"Location": "/feed.xml"})
    result = fetch(server, "/t")
    assert result.outcome is Outcome.OK
    assert result.permanent_url is None

    server.route("/loop", status=302, headers={"Location": "/loop"})
    result = fetch(server, "/loop")
    assert result.outcome is Outcome.FAILED
    assert result.error == "more than 5 redirects"
    assert len(server.hits_for("/loop")) == 6

    server.route("/file", status=302, headers={"Location": "file:///etc/passwd"})
    result = fetch(server, "/file")
    assert result.outcome is Outcome.FAILED
    assert "non-http" in result.error


def test_status_codes(server: FeedServer) -> None:
    server.route("/gone", status=410)
    server.route("/missing", status=404)
    server.route("/busy", status=503, headers={"Retry-After": "120"})
    assert fetch(server, "/gone").outcome is Outcome.GONE
    missing = fetch(server, "/missing")
    assert missing.error == "HTTP 404 Not Found"
    busy = fetch(server, "/busy")
    assert busy.status == 503
    assert busy.retry_after == pytest.approx(time.time() + 120, abs=5)


def test_dead_port_is_a_clear_error() -> None:
    async def go() -> FetchResult:
        async with Fetcher(Settings(timeout=5)) as fetcher:
            return await fetcher.fetch("http://127.0.0.1:9/feed.xml")

    result = asyncio.run(go())
    assert result.outcome is Outcome.FAILED
    assert result.error == "cannot connect: connection refused"


def fetch_error(url: str) -> str:
    async def go() -> FetchResult:
        async with Fetcher(Settings(timeout=5)) as fetcher:
            return await fetcher.fetch(url)

    result = asyncio.run(go())
    assert result.outcome is Outcome.FAILED
    return result.error


def test_an_unknown_host_and_https_to_a_plain_server_are_said_in_words(
        server: FeedServer) -> None:
    # Not "[Errno -2] Name or service not known" nor "[SSL: WRONG_VERSION_NUMBER] …".
    assert fetch_error("http://no-such-host.invalid/feed.xml") == (
        "cannot connect: host name not found")
    server.route("/feed.xml", body=rss2(make_items("a", 1)))
    plain = server.url("/feed.xml")
    assert fetch_error("https" + plain.removeprefix("http")) == (
        "cannot connect: TLS handshake failed (does the server speak https?)")


def test_parse_retry_after_forms() -> None:
    now = 1_800_000_000.0
    assert parse_retry_after("60", now) == int(now) + 60
    assert parse_retry_after("Fri, 15 Jan 2027 08:00:00 GMT", now) is not None
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("99999999999", now) == int(now) + 7 * 86_400
