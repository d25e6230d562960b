"""Host scheduling: hosts are worked through one after another, every feed once."""

from __future__ import annotations

import asyncio

from toaster_tui.refresh.scheduling import HostQueue
from toaster_tui.store.database import FetchState


def state(i: int, url: str) -> FetchState:
    return FetchState(i, url, None, None, None, None, 0, False, None)


def test_hosts_are_worked_through_one_after_another() -> None:
    async def go() -> None:
        states = [state(i, f"http://h{i % 3}.example/{i}") for i in range(9)]
        queue = HostQueue(states, per_host=2)
        taken = [queue.take() for _ in range(4)]
        hosts = [t[0] for t in taken if t is not None]
        # Two slots on the first host, then the next host: never a third one early.
        assert hosts == ["h0.example", "h0.example", "h1.example", "h1.example"]
        queue.done("h0.example")
        nxt = queue.take()
        assert nxt is not None and nxt[0] == "h0.example"  # a started host first
        while (t := queue.take()) is not None:
            assert queue.active[t[0]] <= 2
        assert not queue.empty  # some feeds wait for a slot on their host

    asyncio.run(go())


def test_every_feed_is_taken_once() -> None:
    async def go() -> None:
        states = [state(i, f"http://h{i % 5}.example/{i}") for i in range(50)]
        queue = HostQueue(states, per_host=3)
        seen = []
        while not queue.empty:
            taken = queue.take()
            assert taken is not None
            seen.append(taken[1].id)
            queue.done(taken[0])
        assert sorted(seen) == list(range(50))

    asyncio.run(go())
