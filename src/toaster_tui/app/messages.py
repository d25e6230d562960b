"""Messages that workers post back to the event loop.

Workers never touch widgets: they finish their blocking work, then post one
of these; the handler (on the app or the main screen) updates the widgets.
(A refresh's own messages are in app/refresh.py.)
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message

from toaster_tui.app.data import SidebarData
from toaster_tui.core.models import ArticleDetail, ArticleRow, Config

__all__ = [
    "ArticleLoaded",
    "ConfigFailed",
    "ConfigLoaded",
    "Deferred",
    "SidebarLoaded",
    "Stamp",
]

Stamp = tuple[int, int]
"""(mtime_ns, size) of config.toml as it was read."""


class ConfigLoaded(Message):
    """config.toml was read, validated and synced into the cache."""

    def __init__(
        self, config: Config, stamp: Stamp | None, *, refresh_ids: list[int] | None = None,
        select_id: int | None = None, due_refresh: bool = False,
    ) -> None:
        super().__init__()
        self.config = config
        self.stamp = stamp
        self.refresh_ids = refresh_ids or []
        """Feeds to refresh at once (one just added)."""
        self.select_id = select_id
        """A feed to select in the sidebar."""
        self.due_refresh = due_refresh
        """Startup: the last refresh is older than refresh_minutes."""


class ConfigFailed(Message):
    """config.toml does not parse or validate; the last good config stays."""

    def __init__(self, error: str, stamp: Stamp | None) -> None:
        super().__init__()
        self.error = error
        """Exactly `path:line:col: message`."""
        self.stamp = stamp


class SidebarLoaded(Message):
    """Feeds, their status and the unread counts, freshly queried."""

    def __init__(self, data: SidebarData) -> None:
        super().__init__()
        self.data = data


class ArticleLoaded(Message):
    """The reader's article with its summary, quotes, body and related list."""

    def __init__(self, article_id: int, detail: ArticleDetail | None) -> None:
        super().__init__()
        self.article_id = article_id
        self.detail = detail


class RelatedLoaded(Message):
    """The reader's "You might also want to read" list, which follows the article."""

    def __init__(self, article_id: int, related: tuple[ArticleRow, ...]) -> None:
        super().__init__()
        self.article_id = article_id
        self.related = related


class Deferred(Message):
    """A call to make on the event loop, posted from a worker thread.

    Unlike App.call_from_thread it never blocks the thread, so a worker can't
    hang on a loop that is shutting down.
    """

    def __init__(self, fn: Callable[[], object]) -> None:
        super().__init__()
        self.fn = fn
