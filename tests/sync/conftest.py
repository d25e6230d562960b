"""The sync tests' real server: one Miniflux (and its PostgreSQL) per session,
a fresh user per test. Skips with the reason when the server is not built here;
.ci/run builds it and sets TOASTER_REQUIRE_MINIFLUX, which turns a skip into a
failure."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from feedserver import FeedServer
from miniflux_server import Account, MinifluxServer, missing


@pytest.fixture(scope="session")
def miniflux_server() -> Iterator[MinifluxServer]:
    reason = missing()
    if reason:
        if os.environ.get("TOASTER_REQUIRE_MINIFLUX"):
            pytest.fail(reason)
        pytest.skip(reason)
    with MinifluxServer() as server:
        yield server


@pytest.fixture
def account(miniflux_server: MinifluxServer) -> Account:
    return miniflux_server.new_account()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    """The tests' loopback feed server, which Miniflux fetches from."""
    with FeedServer() as srv:
        yield srv
