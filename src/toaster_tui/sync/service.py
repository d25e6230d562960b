"""What a sync needs from a feed server, whatever protocol the server speaks.

sync/engine.py and sync/sub_push.py talk only to a `SyncService`. The Google
Reader API client (sync/greader.py) is the one so far; another protocol
(Miniflux's own API, Nextcloud News, Tiny Tiny RSS) is a class with these
methods, mapping its items to `Item` and its feeds to `Subscription`, plus a
line in SERVICES below and its name in config/validate.py's SYNC_SERVICES.
Every method blocks and raises SyncError (SyncAuthError for a refused login)
with one line for the user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol

from toaster_tui.core.errors import SyncError
from toaster_tui.core.models import SyncSpec
from toaster_tui.sync.greader import GReaderClient, Subscription
from toaster_tui.sync.items import Item

__all__ = ["SERVICES", "SyncService", "open_service"]


class SyncService(Protocol):
    """One account on one server; used as a context manager (closes its connections)."""

    def __enter__(self) -> SyncService: ...

    def __exit__(self, *exc: object) -> None: ...

    def login(self) -> None: ...

    def subscriptions(self) -> list[Subscription]:
        """The account's feeds, with their folders (topics)."""
        ...

    def item_ids(self, *, limit: int | None = None) -> list[str]:
        """Ids of the newest items of every feed, newest first, each once."""
        ...

    def unread_ids(self) -> set[str]: ...

    def starred_ids(self) -> set[str]: ...

    def items(self, ids: Sequence[str], *, batch: int) -> Iterator[Item]:
        """The contents of `ids`, asked for `batch` at a time."""
        ...

    def mark_read(self, ids: Iterable[str], read: bool = True) -> None: ...

    def star(self, ids: Iterable[str], starred: bool = True) -> None: ...

    def subscribe(self, url: str, *, title: str | None = None,
                  folder: str | None = None) -> None: ...

    def unsubscribe(self, stream_id: str) -> None: ...

    def edit_subscription(self, stream_id: str, *, title: str | None = None,
                          folder: str | None = None) -> None: ...

    def quickadd(self, url: str) -> str | None:
        """Let the server find the feed at `url` (a page or a feed); its id, if it did."""
        ...


ServiceFactory = Callable[..., SyncService]

SERVICES: dict[str, ServiceFactory] = {"greader": GReaderClient}
"""`[sync] service` → the class that speaks it, called (url, username, password, timeout=)."""


def open_service(spec: SyncSpec, password: str, *, timeout: float) -> SyncService:
    """A client for the server `spec` names (not yet logged in)."""
    factory = SERVICES.get(spec.service)
    if factory is None:  # config validation keeps this from happening
        raise SyncError(f"unknown sync service {spec.service!r}")
    return factory(spec.url, spec.username, password, timeout=timeout)
