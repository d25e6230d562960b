"""The three-pane screen: topics, articles, reader — and the keys that act on them.

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
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.markup import escape as escape_markup
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static, Tree

from toaster_tui.app.data import DataSource, SidebarData
from toaster_tui.app.messages import ArticleLoaded, Deferred, RelatedLoaded, SidebarLoaded
from toaster_tui.app.screens.actions import FeedActions
from toaster_tui.app.screens.search import SearchActions
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.reader import ReaderPane
from toaster_tui.app.widgets.sidebar import ALL, Sidebar, SidebarEntry
from toaster_tui.app.widgets.status import StatusBar
from toaster_tui.core.models import ArticleRow, Config
from toaster_tui.core.sanitize import safe_url
from toaster_tui.refresh.update import RefreshReport
from toaster_tui.store.queries import ArticleFilter

if TYPE_CHECKING:
    from toaster_tui.app.app import ToasterApp

__all__ = ["MainScreen"]

TAGLINE = "No algorithm. No ads. Just feeds. Chronological."
NARROW = 110
"""Terminal width under which the panes make more room for the reader."""
RELOAD_EVERY = 0.5
"""Seconds between re-queries while a refresh writes new articles."""
COUNTS_AFTER = 0.3
"""Seconds after the last write (read, star, ...) that the unread counts are re-queried."""


class MainScreen(FeedActions, SearchActions, Screen[None]):
    """Owns the listing state (which topic, unread only, search) and the article keys."""

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
        Binding("escape", "clear_search", "Clear search", show=False),
        Binding("o", "open_link", "Browser", show=False),
        Binding("y", "copy_link", "Copy link", show=False),
        Binding("r", "refresh", "Refresh"),
        Binding("R", "refresh_all", "Refresh all", show=False),
        Binding("a", "add_feed", "Add"),
        Binding("t", "move_feed", "Move feed", show=False),
        Binding("d", "remove_feed", "Remove feed", show=False),
        Binding("exclamation_mark", "feed_errors", "Feed errors", show=False),
        Binding("e", "app.edit_config", "Edit config", show=False),
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
        self._wanted_id: int | None = None
        """The article the reader should show (the last one asked for)."""

    @property
    def toaster(self) -> ToasterApp:
        return cast("ToasterApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(f" [b]toaster[/b]  ·  {TAGLINE}", id="app-header")
        with Horizontal(id="panes"):
            with Vertical(id="sidebar-pane"):
                yield Sidebar(id="sidebar")
            with Vertical(id="list-pane"):
                yield Input(placeholder="Search all articles…  (Enter: go to the results, Esc: "
                            "back)", id="search", compact=True)
                yield Static("", id="feed-error", markup=False)
                yield ArticleList(self.data, self.now, id="articles")
            yield ReaderPane(self.now, id="reader")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sidebar-pane").border_title = "Topics"
        self.query_one("#reader").border_title = "Reader"
        self.query_one("#search").display = False
        self.query_one("#feed-error").display = False
        self.show_listing()
        self.reload_sidebar()
        self.toaster.reload_config()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    # --- widgets ------------------------------------------------------------------

    @property
    def closing(self) -> bool:
        """Late worker results and timers may land while the app tears down."""
        return self.app._closing or not self.is_attached

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
            data = self.data.sidebar()
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
        self.sidebar.set_data(self.config or Config(path=self.toaster.config_path), message.data)
        if self._select_feed is not None and self.sidebar.select_key(("feed", self._select_feed)):
            self._select_feed = None
        entry = self.sidebar.find(self.entry.key)
        if entry is not None and entry.data is not None:
            self.entry = entry.data  # fresh feed status for the banner
        elif self.entry.kind in ("topic", "feed"):
            self.sidebar.select_key(ALL.key)  # its topic or feed went away
        self._show_titles()

    def _show_titles(self) -> None:
        data = self.sidebar_data
        counts = data.counts if data else None
        unread = 0
        if counts is not None:
            entry = self.entry
            unread = {"all": counts.total, "starred": 0,
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
        # Border titles are markup: escape the feed's title and the query.
        title = escape_markup(title)
        if pane.border_title != title:
            pane.border_title = title
        if counts is not None and data is not None:
            feeds = len(data.feeds)
            failed = sum(1 for f in data.feeds if f.last_error)
            text = f" {counts.total:,} unread · {feeds} feeds"
            if failed:
                text += f" · {failed} failing (press !)"
            self.status.set_text(text)
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
        return ArticleFilter(
            topic=entry.topic if entry.kind == "topic" else None,
            feed_id=entry.feed.id if entry.kind == "feed" and entry.feed else None,
            starred_only=entry.kind == "starred",
            unread_only=self.unread_only,
        )

    def show_listing(self, keep_id: int | None = None) -> None:
        if self.search is not None:
            empty = f"Nothing cached matches “{self.search}”."
        elif self.unread_only:
            empty = f"No unread articles in {self.entry.title}. Press u to show all."
        elif self.entry.kind == "starred":
            empty = "No starred articles yet. Press s on one to star it."
        else:
            empty = f"No articles in {self.entry.title} yet. Press r to refresh."
        current = self.articles.current
        self.articles.show(self.listing_filter(), keep_id=keep_id or
                           (current.id if current else None), empty=empty)
        self._show_titles()

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

    # --- reading ----------------------------------------------------------------------

    @on(ArticleList.OpenRequested)
    def _open_requested(self, event: ArticleList.OpenRequested) -> None:
        self.open_article(event.row)

    @on(ReaderPane.RelatedChosen)
    def _related_chosen(self, event: ReaderPane.RelatedChosen) -> None:
        row = self.articles.row_by_id(event.article_id)
        if row is not None:
            self.articles.select_id(row.id)
            self.open_article(row)
            return
        self._wanted_id = event.article_id
        self.run_worker(partial(self._load_detail, event.article_id, True), thread=True,
                        group="detail", exit_on_error=False)

    def open_article(self, row: ArticleRow) -> None:
        was_unread = not row.read
        if was_unread:
            row = self.articles.set_flags(row.id, read=True) or _with(row, read=True)
        self.reader.show_row(row)
        self._wanted_id = row.id
        self.run_worker(partial(self._load_detail, row.id, was_unread), thread=True,
                        group="detail", exit_on_error=False)

    def _load_detail(self, article_id: int, mark_read: bool) -> None:
        # Read first: the write may wait for a refresh's transaction to end.
        # The article before its related list: ranking related articles is
        # most of the work, and the body is what the key press is waiting for.
        detail = self.data.detail(article_id)
        self.post_message(ArticleLoaded(article_id, detail))
        if detail is not None:
            self.post_message(RelatedLoaded(article_id, self.data.related(article_id)))
        if mark_read:
            self.data.set_read([article_id], True)
            # The row shows it read at once; the counts (a sidebar query and a
            # repaint of the list pane's title) follow once keys pause.
            self.post_message(Deferred(self.schedule_counts))

    @on(ArticleLoaded)
    async def _article_loaded(self, message: ArticleLoaded) -> None:
        if self.closing:
            return
        detail = message.detail
        if detail is None:
            self.reader.show_missing(message.article_id)
            return
        if message.article_id != self._wanted_id:
            return  # another article was asked for meanwhile
        if self.reader.article_id != message.article_id:
            self.reader.show_row(detail.row)  # a related article: no row shown yet
        self.articles.set_flags(message.article_id, read=True)
        await self.reader.show_detail(detail)

    @on(RelatedLoaded)
    def _related_loaded(self, message: RelatedLoaded) -> None:
        if not self.closing:
            self.reader.show_related(message.article_id, message.related)

    def current_row(self) -> ArticleRow | None:
        """The article keys act on: the reader's when it has focus, else the list's."""
        reader = self.reader
        if reader.row is not None and (reader.has_focus or reader.has_focus_within):
            return self.articles.row_by_id(reader.row.id) or reader.row
        return self.articles.current or reader.row

    def action_open(self) -> None:
        self.articles.action_open()

    def action_reader_page(self) -> None:
        if self.reader.row is None:
            if self.articles.current is not None:
                self.open_article(self.articles.current)
            return
        if not self.reader.page_down():
            self.action_next_unread()

    def action_next_unread(self) -> None:
        if self.articles.open_next_unread() is False:
            self.notify(f"No more unread articles in {self.entry.title}.", timeout=3)

    def action_previous_unread(self) -> None:
        if not self.articles.open_previous_unread():
            self.notify("No unread articles above this one.", timeout=3)

    def action_step_topic(self, delta: int) -> None:
        self.sidebar.step_topic(delta)

    # --- article state ----------------------------------------------------------------

    def _changed(self, row: ArticleRow) -> None:
        self.articles.update_row(row)
        self.reader.update_row(row)

    def action_toggle_read(self) -> None:
        row = self.current_row()
        if row is None:
            return
        read = not row.read
        self._changed(self.articles.set_flags(row.id, read=read) or _with(row, read=read))
        self._write(partial(self.data.set_read, [row.id], read))

    def action_toggle_star(self) -> None:
        row = self.current_row()
        if row is None:
            return
        starred = not row.starred
        self._changed(self.articles.set_flags(row.id, starred=starred)
                      or _with(row, starred=starred))
        self._write(partial(self.data.set_starred, row.id, starred))
        self.notify("Starred." if starred else "Unstarred.", timeout=2)

    def action_mark_all_read(self) -> None:
        flt = self.listing_filter()
        flt = ArticleFilter(topic=flt.topic, feed_id=flt.feed_id, starred_only=flt.starred_only,
                            search=flt.search)
        self.articles.mark_all_read_locally()
        if self.reader.row is not None:
            self.reader.update_row(_with(self.reader.row, read=True))
        where = f"“{self.search}”" if self.search is not None else self.entry.title
        self._write(partial(self.data.mark_all_read, flt),
                    lambda n: self.notify(f"Marked {n:,} article(s) read in {where}.", timeout=3))

    def _write(self, fn: Callable[[], object], done: Callable[[int], None] | None = None) -> None:
        def work() -> None:
            result = fn()
            self.post_message(Deferred(partial(self.schedule_counts, 0.05)))
            if done is not None:
                self.post_message(Deferred(partial(done, int(cast(int, result)))))

        self.run_worker(work, thread=True, group="writes", exit_on_error=False)

    def action_toggle_unread(self) -> None:
        self.unread_only = not self.unread_only
        self.notify("Unread articles only." if self.unread_only else "All articles.", timeout=2)
        if self.search is None:
            self.show_listing()

    # --- links ------------------------------------------------------------------------

    def action_open_link(self) -> None:
        row = self.current_row()
        url = safe_url(row.url) if row is not None else None
        if url is None:
            self.notify("This article has no web link to open (only http and https open).",
                        severity="warning", timeout=3)
            return
        self.app.open_url(url)
        self.notify(f"Opening {url}", timeout=2)

    def action_copy_link(self) -> None:
        row = self.current_row()
        url = safe_url(row.url) if row is not None else None
        if url is None:
            self.notify("This article has no link to copy.", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied {url}", timeout=2)

    # --- refresh progress (called by the app) -------------------------------------------

    def refresh_started(self, total: int) -> None:
        self.status.start_refresh(total)

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
        self.status.finish_refresh("Refresh cancelled ")

    def refresh_finished(self, report: RefreshReport | None, error: str | None) -> None:
        if self.closing:
            return
        self._reload_now()
        if report is None:
            self.status.finish_refresh("Refresh failed ")
            self.notify(f"Refresh failed: {error}", severity="error")
            return
        failed = len(report.failures)
        summary = f"{report.new_articles:,} new"
        if failed:
            summary += f" · {failed} failed"
        self.status.finish_refresh(f"Refreshed: {summary} ")
        if failed:
            self.notify(f"{failed} feed(s) failed to refresh — press ! to see why.",
                        severity="warning", timeout=5)


def _with(row: ArticleRow, *, read: bool | None = None, starred: bool | None = None) -> ArticleRow:
    return replace(row, read=row.read if read is None else read,
                   starred=row.starred if starred is None else starred)
