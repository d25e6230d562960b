"""The three-pane screen: topics, articles, reader — and the keys that act on them.

This module wires the panes, the sidebar, the counts and the listing; the
keys live in its base classes: article_actions.py (open, read, star, links),
feed_actions.py (refresh, add, move, remove), search.py (`/`) and
sync_actions.py (`S`, the status line).

Everything that queries or writes the cache runs in a thread worker
(DataSource methods) and reports back by message; the actions themselves
only change widgets and start workers, so a key press returns at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static, Tree

from toaster_tui.app.data import DataSource, SidebarData
from toaster_tui.app.messages import Deferred, SidebarLoaded
from toaster_tui.app.screens.article_actions import COUNTS_AFTER, ArticleActions
from toaster_tui.app.screens.feed_actions import FeedActions
from toaster_tui.app.screens.narrow import NARROW, NarrowLayout
from toaster_tui.app.screens.save_view import SaveViewDialog, view_of
from toaster_tui.app.screens.search import SearchActions
from toaster_tui.app.screens.sync_actions import SyncActions
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.reader import ReaderPane
from toaster_tui.app.widgets.sidebar import ALL, Sidebar, SidebarEntry
from toaster_tui.app.widgets.status import StatusBar
from toaster_tui.config import edit as config_edit
from toaster_tui.core.models import ArticleRow, Config
from toaster_tui.core.rules import ViewRule
from toaster_tui.refresh.outcomes import RefreshReport
from toaster_tui.store.listing import ArticleFilter
from toaster_tui.store.views import view_filter

__all__ = ["NARROW", "MainScreen"]

TAGLINE = "No algorithm. No ads. Just feeds. Chronological."
SEARCH_HINT = "Search…  Enter: the results · Esc: back"  # fits the list's 44 columns at 120
RELOAD_EVERY = 0.5
"""Seconds between re-queries while a refresh writes new articles."""


# ArticleActions first: its `current_row` is the one FeedActions asks the subclass for.
class MainScreen(ArticleActions, FeedActions, SearchActions, SyncActions, NarrowLayout,
                 Screen[None]):
    """Owns the listing state (which topic, unread only, search) and wires the panes:
    the sidebar picks the listing, the list opens articles in the reader. Under
    NARROW columns one pane shows at a time (narrow.py)."""

    AUTO_FOCUS = "#articles"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", show=False),
        Binding("left_square_bracket", "step_topic(-1)", "Prev topic", show=False),
        Binding("right_square_bracket", "step_topic(1)", "Next topic", show=False),
        Binding("space", "reader_page", "Page", show=False),
        Binding("n", "next_unread", "Next unread"),
        Binding("p", "previous_unread", "Prev unread", show=False),
        Binding("m", "toggle_read", "Read", show=False),
        Binding("A", "mark_all_read", "All read", show=False),
        Binding("s", "toggle_star", "Star", show=False),
        Binding("u", "toggle_unread", "Unread only", show=False),
        Binding("slash", "search", "Search"),
        Binding("v", "save_view", "Save view", show=False),
        Binding("escape", "clear_search", "Clear search", show=False),
        Binding("o", "open_link", "Browser", show=False),
        Binding("y", "copy_link", "Copy link", show=False),
        Binding("r", "refresh", "Refresh"),
        Binding("R", "refresh_all", "Refresh all", show=False),
        Binding("S", "sync", "Sync", show=False),
        Binding("a", "add_feed", "Add"),
        Binding("t", "move_feed", "Move feed", show=False),
        Binding("d", "remove_feed", "Remove feed", show=False),
        Binding("exclamation_mark", "feed_errors", "Feed errors", show=False),
        Binding("e", "app.edit_config", "Edit config", show=False),
        Binding("T", "toggle_topics", "Topics"),  # narrow terminals only (f is the full article)
        Binding("tab", "next_pane(1)", "Next pane", show=False),
        Binding("shift+tab", "next_pane(-1)", "Previous pane", show=False),
    ]

    def __init__(
        self, data: DataSource, now: Callable[[], datetime], *, demo: bool = False
    ) -> None:
        super().__init__(id="main")
        self.data = data
        self.now = now
        self.demo = demo
        self.config: Config | None = None
        self.sidebar_data: SidebarData | None = None
        self.entry: SidebarEntry = ALL
        self.unread_only = False
        self.search: str | None = None
        self._counts_timer: Timer | None = None
        self._sidebar_running = False
        self._sidebar_again = False
        self._reload_timer: Timer | None = None
        self._last_reload = 0.0
        self._select_feed: int | None = None
        self._mounted = False

    def compose(self) -> ComposeResult:
        yield Static(f" [b]toaster[/b]  ·  {TAGLINE}", id="app-header")
        with Horizontal(id="panes"):
            with Vertical(id="sidebar-pane"):
                yield Sidebar(id="sidebar")
            with Vertical(id="list-pane"):
                yield Input(placeholder=SEARCH_HINT, id="search", compact=True)
                yield Static("", id="feed-error", markup=False)
                yield ArticleList(self.data, self.now, id="articles")
            yield ReaderPane(self.now, id="reader")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self._mounted = True
        self.query_one("#sidebar-pane").border_title = "Topics"
        self.query_one("#reader").border_title = "Reader"
        self.query_one("#search").display = False
        self.query_one("#feed-error").display = False
        self.show_listing()
        self.reload_sidebar()
        self.host.reload_config()

    # --- widgets ------------------------------------------------------------------

    @property
    def closing(self) -> bool:
        """Late worker results and timers may land while the app tears down
        (a node is no longer attached once the app has begun to exit)."""
        # The second: torn down without exit() (as a test harness does).
        return not self.is_attached or not self.app.is_running

    @property
    def live(self) -> bool:
        """Its widgets exist: mounted (a cache watch may fire before that) and not closing."""
        return self._mounted and not self.closing

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def articles(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def reader(self) -> ReaderPane:
        return self.query_one(ReaderPane)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    # --- config and counts ------------------------------------------------------------

    def apply_config(self, config: Config, *, select_feed: int | None = None) -> None:
        """A (re)loaded config.toml, already synced into the cache."""
        self.config = config
        self._select_feed = select_feed
        self.reload_sidebar()
        self.articles.reload()

    def reload_sidebar(self) -> None:
        if self.closing:
            return
        if self._sidebar_running:
            self._sidebar_again = True  # one query at a time, however often asked
            return
        self._sidebar_running = True
        self.run_worker(self._query_sidebar, thread=True, group="sidebar", exit_on_error=False)

    def _query_sidebar(self) -> None:
        try:
            data = self.data.sidebar(self.config.views if self.config else ())
        except BaseException:
            self.post_message(Deferred(self._sidebar_done))
            raise
        self.post_message(SidebarLoaded(data))

    def _sidebar_done(self) -> None:
        self._sidebar_running = False
        if self._sidebar_again:
            self._sidebar_again = False
            self.reload_sidebar()

    def schedule_counts(self, delay: float = COUNTS_AFTER) -> None:
        """Counts change after a write: re-query once things settle (each call
        starts the wait again, so a burst of keys costs one query)."""
        if self._counts_timer is not None:
            self._counts_timer.stop()
        self._counts_timer = self.set_timer(delay, self.reload_sidebar)

    @on(Deferred)
    def _deferred(self, message: Deferred) -> None:
        if self.closing:
            return
        message.fn()

    @on(SidebarLoaded)
    def _sidebar_loaded(self, message: SidebarLoaded) -> None:
        if self.closing:
            return
        self._sidebar_done()
        self.sidebar_data = message.data
        self.sidebar.set_data(self.config or Config(path=self.host.config_path), message.data)
        if self._select_feed is not None and self.sidebar.select_key(("feed", self._select_feed)):
            self._select_feed = None
        entry = self.sidebar.find(self.entry.key)
        if entry is not None and entry.data is not None:
            self.entry = entry.data  # fresh feed status for the banner
        elif self.entry.kind in ("topic", "feed", "view"):
            self.sidebar.select_key(ALL.key)  # its topic, feed or view went away
        self._show_titles()

    def _show_titles(self) -> None:
        data = self.sidebar_data
        counts = data.counts if data else None
        unread = 0
        if counts is not None:
            entry = self.entry
            unread = {"all": counts.total, "starred": 0,
                      "view": data.views.get(entry.title, 0) if data else 0,
                      "topic": counts.by_topic.get(entry.topic or "", 0),
                      "feed": counts.by_feed.get(entry.feed.id if entry.feed else -1, 0),
                      }[entry.kind]
        pane = self.query_one("#list-pane")
        if self.search is not None:
            shown = len(self.articles.rows)
            more = "+" if self.articles.has_more else ""
            title = f"Search “{self.search}” · {shown}{more} found"
        else:
            title = self.entry.title + (f" · {unread:,} unread" if unread else "")
            title += " · unread only" if self.unread_only else ""
        # Plain text: Textual's markup escape misses "[Podcast]" in a feed's title.
        plain = Content(title)
        if pane.border_title != plain.markup:
            pane.border_title = plain
        self.show_status()
        self._show_feed_error()

    def _show_feed_error(self) -> None:
        banner = self.query_one("#feed-error", Static)
        entry = self.entry
        message = ""
        if self.search is None and entry.kind == "feed" and entry.error:
            message = f"! Last refresh failed: {entry.error}  (r retries)"
        elif self.search is None and entry.kind == "topic":
            failing = [f for f in self.sidebar.feeds_of(entry) if f.last_error]
            if failing:
                message = f"! {len(failing)} feed(s) here failed to refresh — press ! for why"
        if str(banner.content) != message:
            banner.update(message)
            banner.display = bool(message)

    # --- listing ----------------------------------------------------------------------

    def listing_filter(self) -> ArticleFilter:
        if self.search is not None:
            return ArticleFilter(search=self.search)
        entry = self.entry
        if entry.kind == "view" and entry.view is not None:
            flt = view_filter(entry.view)
            return replace(flt, unread_only=flt.unread_only or self.unread_only)
        return ArticleFilter(
            topic=entry.topic if entry.kind == "topic" else None,
            feed_id=entry.feed.id if entry.kind == "feed" and entry.feed else None,
            starred_only=entry.kind == "starred",
            unread_only=self.unread_only,
            all_topics=entry.kind == "all",
        )

    def show_listing(self, keep_id: int | None = None) -> None:
        current = self.articles.current
        self.articles.show(self.listing_filter(), keep_id=keep_id or
                           (current.id if current else None), empty=self._empty_message())
        self._show_titles()

    def _empty_message(self) -> str:
        """What an empty list says: why it is empty, and what to do about it."""
        if self.search is not None:
            return f"Nothing cached matches “{self.search}”."
        if self.unread_only:
            return f"No unread articles in {self.entry.title}. Press u to show all."
        if self.entry.kind == "starred":
            return "No starred articles yet. Press s on one to star it."
        if self.entry.kind == "view":
            return f"Nothing in the view {self.entry.title} right now."
        if self.status.has_class("-refreshing"):  # not "press r" while r's work runs
            return f"No articles in {self.entry.title} yet. Refreshing…"
        return f"No articles in {self.entry.title} yet. Press r to refresh."

    @on(Tree.NodeHighlighted, "#sidebar")
    def _entry_highlighted(self, event: Tree.NodeHighlighted[SidebarEntry]) -> None:
        self._choose(event.node.data)

    @on(Tree.NodeSelected, "#sidebar")
    def _entry_selected(self, event: Tree.NodeSelected[SidebarEntry]) -> None:
        self._choose(event.node.data)
        self.articles.focus()

    def _choose(self, entry: SidebarEntry | None) -> None:
        if entry is None or (entry.key == self.entry.key and self.search is None):
            if entry is not None:
                self.entry = entry
            return
        self.entry = entry
        if self.search is not None:
            self._close_search()
        self.show_listing()

    @on(ArticleList.Loaded)
    def _list_loaded(self) -> None:
        if self.closing:
            return
        self._show_titles()

    def action_step_topic(self, delta: int) -> None:
        self.show_pane("list")  # narrow: the new topic's list, not the old article
        self.sidebar.step_topic(delta)

    # --- narrow terminals: which pane the keys bring up (narrow.py) --------------------

    def open_article(self, row: ArticleRow) -> None:
        super().open_article(row)
        self.show_pane("reader")

    def action_reader_page(self) -> None:
        reader, current = self.reader.row, self.articles.current
        if self.narrow and not self.reading and reader is not None and (
                current is None or current.id == reader.id):
            self.show_pane("reader")  # back to it where it was, not a page further
            return
        super().action_reader_page()

    def action_search(self) -> None:
        self.show_pane("list")
        super().action_search()

    def action_clear_search(self) -> None:
        if not self.back_to_list():
            super().action_clear_search()

    def action_save_view(self) -> None:
        """`v`: the current search, topic or feed and unread toggle as a [[views]] table."""
        view = view_of(self.entry, self.search, self.unread_only)
        taken = [v.name for v in (self.config or self.host.config).views]
        self.app.push_screen(SaveViewDialog(view, taken), partial(self._save_view, view))

    def _save_view(self, view: ViewRule, name: str | None) -> None:
        if name:
            self._edit(partial(config_edit.add_view, self._config_path(),
                               replace(view, name=name)), f"Saved the view “{name}”.")

    def action_toggle_unread(self) -> None:
        self.unread_only = not self.unread_only
        self.notify("Unread articles only." if self.unread_only else "All articles.", timeout=2)
        if self.search is None:
            self.show_listing()

    # --- refresh progress (called by the app) -------------------------------------------

    def refresh_started(self, total: int) -> None:
        self.status.start_refresh(total)
        self.articles.set_empty(self._empty_message())

    def refresh_progress(self, done: int, total: int, changed: bool) -> None:
        """More feeds are done; `changed`: some stored articles (or failed)."""
        if self.closing:
            return
        self.status.progress(done, total)
        if not changed:
            return  # nothing new to show (the final reload catches the rest)
        # Re-query at most every RELOAD_EVERY seconds, however fast feeds finish.
        wait = self._last_reload + RELOAD_EVERY - time.monotonic()
        if wait <= 0:
            self._reload_now()
        elif self._reload_timer is None:
            self._reload_timer = self.set_timer(wait, self._reload_now)

    def _reload_now(self) -> None:
        if self.closing:
            return
        self._reload_timer = None
        self._last_reload = time.monotonic()
        self.reload_sidebar()
        self.articles.reload()

    def cache_changed(self) -> None:
        """Another process wrote to the cache: show it, selection and reader kept."""
        if self._reload_timer is None:  # one is due anyway
            self._reload_now()

    def refresh_cancelled(self) -> None:
        if self.closing:
            return
        self._reload_now()  # what it stored before it stopped
        self._refresh_over("Refresh cancelled ")

    def _refresh_over(self, summary: str) -> None:
        self.status.finish_refresh(summary)
        self.articles.set_empty(self._empty_message())

    def refresh_finished(self, report: RefreshReport | None, error: str | None) -> None:
        if self.closing:
            return
        self._reload_now()
        if report is None:
            self._refresh_over("Refresh failed ")
            self.notify(f"Refresh failed: {error}", severity="error")
            return
        failed = len(report.failures)
        summary = f"{report.new_articles:,} new"
        if failed:
            summary += f" · {failed} failed"
        self._refresh_over(f"Refreshed: {summary} ")
        if failed:
            self.notify(f"{failed} feed(s) failed to refresh — press ! to see why.",
                        severity="warning", timeout=5)

