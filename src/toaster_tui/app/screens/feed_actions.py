"""The feed keys of the main screen: refresh, add, move, remove, errors.

A base class of MainScreen, kept apart so each module stays one readable
size. Config edits go through config_edit in a thread worker; the app then
re-reads config.toml as it does for edits made by hand. A feed of the sync
server (one that config.toml does not list) is moved and removed in the cache
at once and queued for the server (sync/subscriptions.py): the next sync
tells the server.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from textual.screen import Screen

from toaster_tui.app.data import DataSource
from toaster_tui.app.host import AppHost
from toaster_tui.app.messages import Deferred
from toaster_tui.app.screens.add_feed import AddedFeed, AddFeedDialog
from toaster_tui.app.screens.confirm import ConfirmDialog
from toaster_tui.app.screens.feed_errors import FeedErrorsDialog
from toaster_tui.app.screens.topic import TopicDialog
from toaster_tui.app.widgets.sidebar import ALL
from toaster_tui.config import edit as config_edit
from toaster_tui.core.errors import ToasterError
from toaster_tui.core.models import ArticleRow, Config, FeedRow
from toaster_tui.sync.subscriptions import move_server_feed, remove_server_feed

if TYPE_CHECKING:
    from toaster_tui.app.widgets.sidebar import Sidebar, SidebarEntry

__all__ = ["FeedActions"]


class FeedActions(Screen[None]):
    """Needs from the subclass: `sidebar`, `entry`, `config`, `demo`, `current_row`."""

    demo: bool
    config: Config | None
    entry: SidebarEntry
    data: DataSource

    @property
    def sidebar(self) -> Sidebar:
        raise NotImplementedError

    def current_row(self) -> ArticleRow | None:
        raise NotImplementedError

    @property
    def host(self) -> AppHost:
        """The app, as far as screens may use it (they never import it)."""
        return cast(AppHost, self.app)

    def _topics(self) -> list[str]:
        config = self.config or self.host.config
        return config.topic_order()

    def _target_feed(self) -> FeedRow | None:
        """The feed t / d act on: the selected article's, else the sidebar's feed."""
        row = self.current_row()
        if row is not None:
            known = next((f for f in self.sidebar.feeds_of(ALL) if f.id == row.feed_id), None)
            # The sidebar may still be loading (just after launch): the row
            # itself says which feed it is, which is all t and d need.
            return known or _feed_of(row)
        entry = self.sidebar.entry
        return entry.feed if entry.kind == "feed" else None

    # --- refresh ----------------------------------------------------------------------

    def action_refresh(self) -> None:
        here = self.sidebar.feeds_of(self.entry)
        feeds = [f for f in here if f.server_id is None]  # server feeds come with S
        if not feeds:
            self.notify("Server feeds come with a sync: press S." if here else
                        "No feeds to refresh here.", timeout=3)
            return
        self.host.start_refresh([f.id for f in feeds])

    def action_refresh_all(self) -> None:
        self.host.start_refresh(None)

    def action_feed_errors(self) -> None:
        self.app.push_screen(FeedErrorsDialog(self.sidebar.failing_feeds()))

    # --- subscriptions ------------------------------------------------------------------

    def action_add_feed(self) -> None:
        if self.demo:
            self.notify("The demo is offline: adding feeds is off. Run `toaster` for the real "
                        "thing.", severity="warning", timeout=4)
            return
        config = self.config or self.host.config
        topic = self.entry.topic or "Personal"
        host = (urlsplit(config.sync.url).hostname or config.sync.url) if config.sync else None
        dialog = AddFeedDialog(config.path, config.settings, self._topics(), topic,
                               {f.url for f in config.feeds}, sync_host=host,
                               db_path=self.data.db_path)
        self.app.push_screen(dialog, self._feed_added)

    def _feed_added(self, added: AddedFeed | None) -> None:
        if added is None:
            return
        if not added.server:
            self.notify(f"Added {added.title} to {added.topic}.", timeout=3)
            self.host.reload_config(refresh_url=added.url, select_url=added.url)
            return
        if added.unchecked_why is None:
            self.notify(f"Added {added.title} to {added.topic} for the feed server: the next "
                        "sync subscribes it there and brings its articles.", timeout=5)
        else:
            self.notify(f"Queued {added.url} in {added.topic}: it will be added on the next "
                        f"sync. It could not be checked from here ({added.unchecked_why}).",
                        severity="warning", timeout=8)
        self.host.reload_config()  # the sidebar lists it at once

    def action_move_feed(self) -> None:
        feed = self._target_feed()
        if feed is None:
            self.notify("Select an article (or a feed) first.", timeout=3)
            return
        if self._unsynced_server_feed(feed):
            return
        self.app.push_screen(TopicDialog(feed.title, feed.topic, self._topics()),
                             partial(self._move_chosen, feed))

    def _move_chosen(self, feed: FeedRow, topic: str | None) -> None:
        if topic is None or topic == feed.topic:
            return
        if self.config is None:
            self.notify("config.toml is still being read: try again in a moment.", timeout=4)
            return
        if self._unsynced_server_feed(feed):
            return
        if self._on_server(feed):
            self._edit(partial(move_server_feed, self.data.db_path, feed.id, topic),
                       f"Moved {feed.title} to {topic}; the next sync moves it on the feed "
                       "server.")
            return
        self._edit(partial(config_edit.move_feed, self._config_path(), feed.url, topic),
                   f"Moved {feed.title} to {topic}.")

    def action_remove_feed(self) -> None:
        feed = self._target_feed()
        if feed is None:
            self.notify("Select an article (or a feed) first.", timeout=3)
            return
        if self.config is None:  # which question to ask depends on config.toml
            self.notify("config.toml is still being read: try again in a moment.", timeout=4)
            return
        if self._unsynced_server_feed(feed):
            return
        if self._on_server(feed):
            message = (f"Unsubscribe from {feed.title} on the feed server?\n{feed.url}\n\n"
                       "It goes from here now, and from the server (for every device that "
                       "syncs) at the next sync. Its articles stay cached here.")
        else:
            message = (f"Unsubscribe from {feed.title}?\n{feed.url}\n\nIts articles stay "
                       "cached: adding it again brings them back with their read and starred "
                       "state.")
        self.app.push_screen(ConfirmDialog("Remove feed", message, "Remove"),
                             partial(self._remove_confirmed, feed))

    def _remove_confirmed(self, feed: FeedRow, yes: bool | None) -> None:
        if not yes:
            return
        if self._on_server(feed):
            self._edit(partial(remove_server_feed, self.data.db_path, feed.id),
                       f"Removed {feed.title}; the next sync unsubscribes it on the feed "
                       "server.")
            return
        self._edit(partial(config_edit.remove_feed, self._config_path(), feed.url),
                   f"Removed {feed.title}.")

    def _unsynced_server_feed(self, feed: FeedRow) -> bool:
        """A server feed with no [sync] to tell the server: says so (True) and does nothing.

        Until config.toml has been read (just after launch) this cannot be told:
        False, and the change itself asks again."""
        if self.config is None:
            return False
        if not self._on_server(feed) or self.config.sync is not None:
            return False
        self.notify(f"{feed.title} is a feed of the sync server, and config.toml has no "
                    "[sync] table to reach it.", severity="error", timeout=6)
        return True

    def _on_server(self, feed: FeedRow) -> bool:
        """A feed config.toml does not list is the sync server's (the sidebar lists
        only those two kinds); the worker checks it against the cache."""
        if feed.server_id is not None:
            return True
        return feed.url not in {f.url for f in (self.config or self.host.config).feeds}

    def _config_path(self) -> Path:
        return (self.config or self.host.config).path

    def _edit(self, change: Callable[[], object], done: str) -> None:
        def work() -> None:
            try:
                change()
            except ToasterError as exc:
                error = str(exc)
                self.post_message(Deferred(
                    lambda: self.notify(error, severity="error", timeout=8)))
                return
            self.post_message(Deferred(lambda: self.notify(done, timeout=3)))
            self.post_message(Deferred(self.host.reload_config))

        self.run_worker(work, thread=True, group="config-edit", exit_on_error=False)


def _feed_of(row: ArticleRow) -> FeedRow:
    """The feed of an article as far as its row tells (no counts, no fetch status)."""
    return FeedRow(id=row.feed_id, url=row.feed_url, topic=row.topic, title=row.feed_title,
                   site_url=None, fetch_url=None, article_count=0, unread_count=0,
                   last_fetched=None, last_status=None, last_error=None, gone=False)
