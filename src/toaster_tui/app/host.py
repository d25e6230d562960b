"""What a screen may ask of the app it runs in.

The app builds the screens, so screens sit below it and never import it:
they reach up through `AppHost`, which ToasterApp satisfies (app/app.py has
mypy check that it keeps doing so).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from toaster_tui.core.models import Config

__all__ = ["AppHost"]


class AppHost(Protocol):
    """The app's side of config.toml and refreshes, as screens use it."""

    @property
    def config(self) -> Config:
        """The last good config (defaults until the file is first read)."""
        ...

    @property
    def config_path(self) -> Path: ...

    def reload_config(self, *, refresh_url: str | None = None,
                      select_url: str | None = None) -> None:
        """Re-read config.toml in a worker; then refresh and select a feed by URL."""
        ...

    def start_refresh(self, feed_ids: Sequence[int] | None, *, due_only: bool = False,
                      quiet: bool = False) -> None:
        """Refresh `feed_ids` (None: every subscribed feed) in the background."""
        ...

    def start_sync(self, *, auto: bool = False) -> bool:
        """Sync with [sync]'s server in the background; False when none starts."""
        ...
