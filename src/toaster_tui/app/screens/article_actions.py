"""The article keys of the main screen: open, page, next / previous unread,
read, star, mark all read, and the article's link.

A base class of MainScreen, kept apart so each module stays one readable
size. The article's body and its related list are read in a thread worker
and come back by message; read and star are shown at once and written in a
worker, so a key press returns at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events, on
from textual.binding import Binding, BindingType
from textual.screen import Screen

from toaster_tui.app.data import DataSource
from toaster_tui.app.host import AppHost
from toaster_tui.app.messages import ArticleLoaded, Deferred, RelatedLoaded
from toaster_tui.app.screens.confirm import ConfirmDialog
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.reader import ReaderPane
from toaster_tui.app.widgets.sidebar import SidebarEntry
from toaster_tui.app.widgets.status import StatusBar
from toaster_tui.core.models import ArticleRow, Settings
from toaster_tui.core.sanitize import safe_url
from toaster_tui.store.listing import ArticleFilter

if TYPE_CHECKING:  # refresh.pages (httpx, trafilatura) is imported when a page is fetched
    from toaster_tui.refresh.pages import PageReport

__all__ = ["COUNTS_AFTER", "FEW_UNREAD", "ArticleActions"]

COUNTS_AFTER = 0.3
"""Seconds after the last write (read, star, ...) that the unread counts are re-queried."""
FEW_UNREAD = 5
"""`A` on a single feed with at most this many unread marks them without asking."""


class ArticleActions(Screen[None]):
    """Needs from the subclass: `data`, `entry`, `search`, `demo`, `closing`, `articles`,
    `reader`, `listing_filter` and `schedule_counts`."""

    # Merged with MainScreen's BINDINGS (Textual merges them along the MRO).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("O", "open_enclosure", "Play", show=False),
        Binding("f", "full_article", "Full article", show=False),
    ]

    data: DataSource
    entry: SidebarEntry
    search: str | None
    demo: bool
    _wanted_id: int | None = None
    """The article the reader should show (the last one asked for)."""

    @property
    def closing(self) -> bool:
        raise NotImplementedError

    @property
    def articles(self) -> ArticleList:
        raise NotImplementedError

    @property
    def reader(self) -> ReaderPane:
        raise NotImplementedError

    def listing_filter(self) -> ArticleFilter:
        raise NotImplementedError

    def schedule_counts(self, delay: float = COUNTS_AFTER) -> None:
        raise NotImplementedError

    @property
    def status(self) -> StatusBar:
        raise NotImplementedError

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._feed_texts: set[int] = set()
        """Articles the reader shows with the feed's text though the page's is cached (f)."""
        self._fetching: set[int] = set()
        """Articles whose web page is being fetched (f)."""

    # --- reading ----------------------------------------------------------------------

    @on(ArticleList.OpenRequested)
    def _open_requested(self, event: ArticleList.OpenRequested) -> None:
        self.open_article(event.row)

    @on(ReaderPane.RelatedChosen)
    def _related_chosen(self, event: ReaderPane.RelatedChosen) -> None:
        if self.articles.select_id(event.article_id):
            self.articles.request_open()  # listed: select it there too, then open it
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
        detail = self.data.detail(article_id, "feed" if article_id in self._feed_texts else None)
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
            row = self.articles.choose()
            if row is not None:
                self.open_article(row)
            return
        if not self.reader.page_down():
            self.action_next_unread()

    def action_next_unread(self) -> None:
        current = self.articles.current
        if (current is not None and not current.read
                and current.id not in (self.reader.article_id, self.articles.requested_id)):
            # The highlighted article is unread and was never opened (a fresh
            # start, say): it is the next one to read, as newsboat's first `n` is.
            self.articles.choose()
            self.open_article(current)
            return
        if self.articles.open_next_unread() is False:
            self.notify(f"No more unread articles in {self.entry.title}.", timeout=3)

    def action_previous_unread(self) -> None:
        if not self.articles.open_previous_unread():
            self.notify("No unread articles above this one.", timeout=3)

    # --- the full article (f) ----------------------------------------------------------

    def action_full_article(self) -> None:
        """f: fetch the article's web page for its full text; then f toggles between
        the page's text and the feed's."""
        row, shown = self.reader.row, self.reader.detail
        if row is None:
            self.notify("Open an article first: f fetches its full text.", timeout=3)
            return
        if shown is None or shown.row.id != row.id:
            self.notify("The article is still loading.", timeout=2)
            return
        if shown.has_page:
            if shown.text_source == "page":
                self._feed_texts.add(row.id)
            else:
                self._feed_texts.discard(row.id)
            self._wanted_id = row.id
            self.run_worker(partial(self._load_detail, row.id, False), thread=True,
                            group="detail", exit_on_error=False)
            return
        if row.url is None:
            self.notify("This article has no web page to fetch.", severity="warning", timeout=3)
            return
        if self.demo:  # its links are under .invalid: a fetch could only fail
            self.notify("The demo is offline: its articles have no web pages to fetch.",
                        timeout=4)
            return
        if row.id in self._fetching:
            self.notify("Already fetching the full article.", timeout=2)
            return
        self._fetching.add(row.id)
        self.status.set_note("Fetching the full article… ")
        settings = cast(AppHost, self.app).config.settings
        self.run_worker(partial(self._fetch_full, row.id, settings), thread=True,
                        group="full-article", exit_on_error=False)

    def _fetch_full(self, article_id: int, settings: Settings) -> None:
        """On a thread: its own event loop fetches the page, the UI loop never waits."""
        from toaster_tui.refresh.pages import fetch_pages

        try:
            report = asyncio.run(fetch_pages(self.data.db_path, settings,
                                             article_ids=[article_id]))
            outcome = report.outcomes[0] if report.outcomes else None
            error = "the article is gone" if outcome is None else outcome.error
        except Exception as exc:  # a fetch must never take the app down
            error = f"{type(exc).__name__}: {exc}"
        self.post_message(Deferred(partial(self._full_fetched, article_id, error)))

    def _full_fetched(self, article_id: int, error: str | None) -> None:
        self._fetching.discard(article_id)
        if self.closing:
            return
        self._feed_texts.discard(article_id)
        if error is not None:
            self.status.set_note("Full article not fetched ")
            self.notify(f"Full article not fetched: {error}", severity="warning", timeout=5)
        else:
            self.status.set_note("Full article fetched ")
        if self.reader.article_id == article_id:  # still on screen: show the page's text
            self._wanted_id = article_id
            self.run_worker(partial(self._load_detail, article_id, False), thread=True,
                            group="detail", exit_on_error=False)
        self.articles.reload()  # the new read time in the list

    def pages_fetched(self, report: PageReport) -> None:
        """A refresh fetched full articles: new read times, and the reader's article
        redrawn when its page is among them."""
        stored = {o.article_id for o in report.stored}
        if stored:
            self.status.set_note(f"{len(stored):,} full article(s) fetched ")
            self.articles.reload()
        article_id = self.reader.article_id
        if article_id is not None and article_id in stored and article_id not in self._fetching:
            self._wanted_id = article_id
            self.run_worker(partial(self._load_detail, article_id, False), thread=True,
                            group="detail", exit_on_error=False)

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

    def _mark_all_filter(self) -> ArticleFilter:
        """What `A` marks: the listing, whether or not it shows unread only."""
        return replace(self.listing_filter(), unread_only=False)

    def action_mark_all_read(self) -> None:
        # There is no undo, so it asks first, saying how many and where; the
        # count is a query, so it runs in a worker and the question follows.
        flt = self._mark_all_filter()
        where = (f"the results for “{self.search}”" if self.search is not None
                 else self.entry.title)
        one_feed = self.search is None and self.entry.kind == "feed"
        upto = int(time.time())  # what arrives after the key press stays unread

        def count() -> None:
            unread = self.data.count(replace(flt, unread_only=True))
            self.post_message(Deferred(partial(self._ask_mark_all, flt, where, one_feed,
                                               unread, upto)))

        self.run_worker(count, thread=True, group="mark-all", exit_on_error=False)

    def _ask_mark_all(self, flt: ArticleFilter, where: str, one_feed: bool, unread: int,
                      upto: int) -> None:
        if unread == 0:
            self.notify(f"No unread articles in {where}.", timeout=3)
        elif one_feed and unread <= FEW_UNREAD:
            self._mark_all(flt, where, upto)  # all of one feed's few: cheap to redo with m
        else:
            noun = "article" if unread == 1 else "articles"
            message = (f"Mark {unread:,} unread {noun} in {where} read?\n\n"
                       "There is no undo (m marks one article unread again).")
            self.app.push_screen(ConfirmDialog("Mark all read", message, "Mark read"),
                                 partial(self._mark_all_confirmed, flt, where, upto))

    def _mark_all_confirmed(self, flt: ArticleFilter, where: str, upto: int,
                            yes: bool | None) -> None:
        if yes and not self.closing:
            self._mark_all(flt, where, upto)

    def _mark_all(self, flt: ArticleFilter, where: str, upto: int) -> None:
        if self._mark_all_filter() == flt:  # still the listing on screen: show it at once
            self.articles.mark_all_read_locally()
            if self.reader.row is not None and self.articles.row_by_id(self.reader.row.id):
                self.reader.update_row(_with(self.reader.row, read=True))
        self._write(partial(self.data.mark_all_read, flt, upto=upto),
                    lambda n: self.notify(f"Marked {n:,} article(s) read in {where}.", timeout=3))

    def _write(self, fn: Callable[[], object], done: Callable[[int], None] | None = None) -> None:
        def work() -> None:
            result = fn()
            self.post_message(Deferred(partial(self.schedule_counts, 0.05)))
            if done is not None:
                self.post_message(Deferred(partial(done, int(cast(int, result)))))

        self.run_worker(work, thread=True, group="writes", exit_on_error=False)

    # --- links ------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        # Digits open the body's links by number (ReaderPane.link_key). Here, not
        # as bindings: Enter must finish a number being typed before the list's
        # own Enter binding sees it (bindings are looked up after this handler).
        if self.reader.link_key(event.key):
            event.stop()
            event.prevent_default()

    def action_open_link(self) -> None:
        row = self.current_row()
        url = safe_url(row.url) if row is not None else None
        if url is None:
            self.notify("This article has no web link to open (only http and https open).",
                        severity="warning", timeout=3)
            return
        self.app.open_url(url)
        self.notify(f"Opening {url}", timeout=2)

    def action_open_enclosure(self) -> None:
        """O: the first audio or video (else the first file) of the article in the reader."""
        enclosures = self.reader.enclosures
        media = next((e for e in enclosures if e.kind is not None), None)
        chosen = media or (enclosures[0] if enclosures else None)
        if chosen is None:
            what = "This article" if self.reader.row is not None else "The reader"
            self.notify(f"{what} has no audio or video to open.", severity="warning",
                        timeout=3)
            return
        self.app.open_url(chosen.url)
        self.notify(f"Opening {chosen.url}", timeout=2)

    def action_copy_link(self) -> None:
        row = self.current_row()
        url = safe_url(row.url) if row is not None else None
        if url is None:
            self.notify("This article has no link to copy.", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied {url}", timeout=2)


def _with(row: ArticleRow, *, read: bool | None = None, starred: bool | None = None) -> ArticleRow:
    return replace(row, read=row.read if read is None else read,
                   starred=row.starred if starred is None else starred)
