"""Which feed is fetched next, and when fetching waits for the parsers.

Feeds are worked through host by host: a host once started is finished
before new hosts start (within the per-host limit), so the connections the
fetcher keeps per host are reused and few hosts have connections open.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from urllib.parse import urlsplit

from toaster_tui.store.database import FetchState

BACKLOG_BYTES = 16 * 1024 * 1024
"""Fetched bodies waiting for a parser beyond which no new fetch starts."""


def host_of(state: FetchState) -> str:
    try:
        return (urlsplit(state.fetch_url or state.url).hostname or "").lower()
    except ValueError:
        return ""


class Backlog:
    """Bytes fetched and not yet parsed: new fetches wait while there are too many."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.bytes = 0
        self.drained = asyncio.Event()

    async def room(self) -> None:
        while self.bytes > self.limit:
            self.drained.clear()
            await self.drained.wait()

    def add(self, size: int) -> None:
        self.bytes += size

    def done(self, size: int) -> None:
        self.bytes -= size
        if self.bytes <= self.limit:
            self.drained.set()


class HostQueue:
    """Feeds by host; `take` prefers hosts already under way.

    A host is started only when no started host has both feeds left and a
    free per-host slot, so at any time few hosts have connections open and
    each one's connections are reused for its next feed.
    """

    def __init__(self, states: Sequence[FetchState], per_host: int) -> None:
        self.per_host = max(1, per_host)
        self.waiting: dict[str, deque[FetchState]] = {}
        for state in states:
            self.waiting.setdefault(host_of(state), deque()).append(state)
        self.fresh: deque[str] = deque(self.waiting)  # hosts not started, in order
        self.started: dict[str, None] = {}  # started hosts with feeds left
        self.active: dict[str, int] = {}
        self.changed = asyncio.Event()

    def take(self) -> tuple[str, FetchState] | None:
        for host in self.started:
            if self.active.get(host, 0) < self.per_host:
                return host, self._pop(host)
        if self.fresh:
            host = self.fresh.popleft()
            self.started[host] = None
            return host, self._pop(host)
        return None

    def _pop(self, host: str) -> FetchState:
        queue = self.waiting[host]
        state = queue.popleft()
        if not queue:
            del self.started[host]
        self.active[host] = self.active.get(host, 0) + 1
        return state

    def done(self, host: str) -> None:
        self.active[host] -= 1
        self.changed.set()

    @property
    def empty(self) -> bool:
        return not self.started and not self.fresh
