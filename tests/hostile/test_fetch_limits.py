"""Fetcher limits that the whole-corpus run cannot single out."""

from __future__ import annotations

import asyncio
import time

from hostile.cases import rss
from hostile.server import Conn, HostileServer
from toaster_tui.core.models import Settings
from toaster_tui.feeds import fetch
from toaster_tui.feeds.fetch import Fetcher, FetchResult, Outcome, describe_error


def test_big_downloads_share_a_few_slots_and_all_finish() -> None:
    """Twelve 3 MB bodies at once: at most BIG_BODY_SLOTS grow past BIG_BODY
    together (bytes in flight stay bounded), and none deadlocks."""
    body = rss(b"<item><title>x</title><description>" + b"y" * (3 * 1024 * 1024)
               + b"</description></item>")

    def send(conn: Conn) -> None:
        conn.head(200, {"Content-Type": "application/rss+xml",
                        "Content-Length": str(len(body)), "Connection": "close"})
        for start in range(0, len(body), 65536):
            conn.send(body[start:start + 65536])

    with HostileServer(max_seconds=30) as server:
        urls = [server.route(f"/big{i}", send) for i in range(12)]
        holding = 0
        most = 0

        async def go() -> list[FetchResult]:
            nonlocal holding, most
            async with Fetcher(Settings(timeout=20, per_host=16, concurrency=32)) as fetcher:
                acquire, release = fetcher._big.acquire, fetcher._big.release

                async def counted_acquire() -> bool:
                    nonlocal holding, most
                    await acquire()
                    holding += 1
                    most = max(most, holding)
                    return True

                def counted_release() -> None:
                    nonlocal holding
                    holding -= 1
                    release()

                fetcher._big.acquire = counted_acquire  # type: ignore[method-assign]
                fetcher._big.release = counted_release  # type: ignore[method-assign]
                return await asyncio.gather(*(fetcher.fetch(u) for u in urls))

        began = time.monotonic()
        results = asyncio.run(go())
        assert time.monotonic() - began < 20
    assert [r.outcome for r in results] == [Outcome.OK] * 12
    assert all(len(r.body) == len(body) for r in results)
    assert 1 <= most <= fetch.BIG_BODY_SLOTS
    assert holding == 0


def test_a_reset_connection_says_what_happened() -> None:
    def reset(conn: Conn) -> None:
        import socket
        import struct
        conn.head(200, {"Content-Type": "application/rss+xml", "Content-Length": "100000"})
        conn.send(b"<rss>" * 100)
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.sock.close()

    with HostileServer() as server:
        url = server.route("/reset", reset)

        async def go() -> FetchResult:
            async with Fetcher(Settings(timeout=5)) as fetcher:
                return await fetcher.fetch(url)

        result = asyncio.run(go())
    assert result.outcome is Outcome.FAILED
    assert result.error is not None
    assert result.error != "network error"  # the cause is named
    assert describe_error.__doc__


def test_escape_sequences_in_a_redirect_are_not_followed_or_echoed() -> None:
    def redirect(conn: Conn) -> None:
        conn.respond(302, b"", None, {"Location": "\x1b]52;c;SGk=\x07javascript:alert(1)"})

    with HostileServer() as server:
        url = server.route("/r", redirect)

        async def go() -> FetchResult:
            async with Fetcher(Settings(timeout=5)) as fetcher:
                return await fetcher.fetch(url)

        result = asyncio.run(go())
    assert result.outcome is Outcome.FAILED
    assert result.error is not None and "\x1b" not in result.error
    # httpx refuses the control character itself, or the scheme is refused here.
    assert "non-http" in result.error or "Invalid URL" in result.error
