"""The article list's rows and how they are fetched: keyset pages in thread workers.

Rows are fetched in keyset pages as the cursor or the scrollbar nears the end
of what is loaded, so a topic with 100,000 articles opens as fast as one with
ten. Every query runs in a thread worker; results come back as `_Page`
messages and are dropped when a newer listing was asked for meanwhile (the
generation number). This base class owns the rows, the cursor among them and
the loading; ArticleList (article_list.py) adds the keys, the mouse and the
painting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Literal

from textual import on
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.worker import Worker, WorkerState

from toaster_tui.app.data import DataSource
from toaster_tui.app.messages import Deferred
from toaster_tui.core.models import ArticleRow
from toaster_tui.store.listing import ArticleFilter, Cursor, cursor_of

__all__ = ["PAGE", "ROW_HEIGHT", "ArticlePages"]

ROW_HEIGHT = 2
PAGE = 200
LOAD_AHEAD = 40
"""Rows left below the cursor (or the viewport) when the next page is fetched."""
RELOAD_MAX = 5000
"""Loaded rows beyond which a refresh no longer re-queries the listing live."""

Mode = Literal["replace", "reload", "append"]


class ArticlePages(ScrollView):
    """Loaded rows (newest first), the cursor among them, and the page queries."""

    class OpenRequested(Message):
        """Enter or a click on a row: show it in the reader."""

        def __init__(self, row: ArticleRow) -> None:
            super().__init__()
            self.row = row

    class Loaded(Message):
        """The rows changed after a (re)load; `rows` is how many are loaded."""

        def __init__(self, rows: int, has_more: bool) -> None:
            super().__init__()
            self.rows = rows
            self.has_more = has_more

    class _Page(Message):
        def __init__(
            self, generation: int, mode: Mode, rows: list[ArticleRow], has_more: bool,
            after: Cursor | None, keep_id: int | None, open_id: int | None = None,
        ) -> None:
            super().__init__()
            self.generation = generation
            self.mode = mode
            self.rows = rows
            self.has_more = has_more
            self.after = after
            self.keep_id = keep_id
            self.open_id = open_id

    def __init__(self, data: DataSource, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._data = data
        self._rows: list[ArticleRow] = []
        self._index: dict[int, int] = {}
        self._cursor = 0
        self._generation = 0
        self._loading = False
        self._loading_more = False
        self._has_more = False
        self._reload_pending = False
        self._reloading = False
        """A re-query is running: the next one waits for it (`_reload_pending`)."""
        self._pending_moves = 0
        self._moved = False
        """The user chose a row (moved the cursor or opened one): re-queries keep
        that article selected. Until then the cursor stays on the newest row."""
        self._empty_text = "Loading…"
        self.filter: ArticleFilter | None = None
        self.requested_id: int | None = None
        """The last row asked to open (its OpenRequested may still be on its way)."""

    # --- what the rest of the app reads ------------------------------------------

    @property
    def rows(self) -> Sequence[ArticleRow]:
        return self._rows

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def current(self) -> ArticleRow | None:
        return self._rows[self._cursor] if self._rows else None

    @property
    def has_more(self) -> bool:
        return self._has_more

    @property
    def waiting(self) -> bool:
        """A listing or the next page is being fetched."""
        return self._loading or self._loading_more or self._reload_pending

    @property
    def placeholder(self) -> str:
        """What shows while there are no rows."""
        return "Loading…" if self._loading else self._empty_text

    def row_by_id(self, article_id: int) -> ArticleRow | None:
        index = self._index.get(article_id)
        return None if index is None else self._rows[index]

    # --- loading ------------------------------------------------------------------

    def show(self, flt: ArticleFilter, *, keep_id: int | None = None, empty: str = "") -> None:
        """List `flt` from the top (keeping `keep_id` selected if it is there)."""
        self.filter = flt
        self._generation += 1
        self._loading = True
        self._reload_pending = False
        self._pending_moves = 0
        self._empty_text = empty or "No articles here yet."
        self._fetch("replace", after=None, limit=PAGE, keep_id=keep_id)

    def set_empty(self, text: str) -> None:
        """Change what the list says while it has no rows (e.g. once a refresh ends)."""
        if text != self._empty_text:
            self._empty_text = text
            self.refresh()

    def reload(self) -> None:
        """Re-query what is loaded, keeping the selection and its place on screen."""
        if self.filter is None:
            return
        if self._loading or self._reloading:
            # After the first page (or the re-query under way) lands: re-queries
            # never pile up, however slow the cache is under a refresh's writes.
            self._reload_pending = True
            return
        if len(self._rows) > RELOAD_MAX:
            return  # deep in a long listing: keep these rows, don't re-read thousands
        self._reloading = True
        tail = self._rows[-1] if self._rows else None
        work = partial(self._query_window, self._generation, self.filter, tail)
        self.run_worker(work, thread=True, group="article-pages", exit_on_error=False)

    def _query_window(self, generation: int, flt: ArticleFilter, tail: ArticleRow | None) -> None:
        # Runs in a thread: everything from the top down to the loaded tail, so the
        # selected row is still among them however many new rows landed above.
        rows, more = self._data.window(flt, tail, PAGE)
        self.post_message(self._Page(generation, "reload", rows, more, None, None))

    def _fetch(
        self, mode: Mode, *, after: Cursor | None, limit: int, keep_id: int | None,
    ) -> None:
        assert self.filter is not None
        work = partial(self._query, self._generation, mode, self.filter, after, limit, keep_id)
        self.run_worker(work, thread=True, group="article-pages", exit_on_error=False)

    def _query(
        self, generation: int, mode: Mode, flt: ArticleFilter, after: Cursor | None,
        limit: int, keep_id: int | None,
    ) -> None:
        # Runs in a thread: one extra row tells whether there is more to load.
        rows = self._data.page(flt, after=after, limit=limit + 1)
        self.post_message(self._Page(generation, mode, rows[:limit], len(rows) > limit,
                                     after, keep_id))

    def _load_more(self) -> None:
        if not self._has_more or self._loading or self._loading_more or not self._rows:
            return
        self._loading_more = True
        self._fetch("append", after=cursor_of(self._rows[-1]), limit=PAGE, keep_id=None)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        # A failed query must not leave the list "Loading…" for ever.
        if event.worker.group != "article-pages" or event.state != WorkerState.ERROR:
            return
        event.stop()
        self._loading = self._loading_more = self._reload_pending = self._reloading = False
        self._empty_text = f"Could not read the cache: {event.worker.error}"
        self.notify(self._empty_text, severity="error", timeout=8)
        self.refresh()

    @on(Deferred)
    def _deferred(self, message: Deferred) -> None:
        message.stop()
        message.fn()

    @on(_Page)
    def _page_arrived(self, message: _Page) -> None:
        message.stop()
        if not self.is_attached:  # the app is exiting: a late page has nowhere to go
            return
        if message.mode == "reload":
            self._reloading = False
            if (message.generation != self._generation and self._reload_pending
                    and not self._loading):
                # An older listing's re-query held up one for this listing.
                self._reload_pending = False
                self.reload()
        if message.generation != self._generation:
            return  # an older listing's page
        if message.mode == "append":
            self._loading_more = False
            if not self._append(message):
                self._load_more()  # the list changed meanwhile: ask again from its tail
                return
        elif message.mode == "replace":
            self._loading = False
            self._loading_more = False
            self._set_rows(message.rows, message.has_more)
            self._cursor = self._index.get(message.keep_id or -1, 0)
            # The article the user chose is still listed (lower down, or chosen):
            # it stays chosen; otherwise the new listing starts untouched, at its top.
            self._moved = message.keep_id in self._index and (self._moved or self._cursor > 0)
            self.scroll_to(y=0, animate=False, immediate=True)
            self._scroll_cursor_visible()
            if self._reload_pending:
                self._reload_pending = False
                self.reload()
        else:
            self._apply_reload(message.rows, message.has_more)
            if self._reload_pending:
                self._reload_pending = False
                self.reload()  # asked for while this one ran
        if message.open_id is not None and message.open_id in self._index:
            self.select_id(message.open_id)
            self.request_open()
        self.post_message(self.Loaded(len(self._rows), self._has_more))
        self._check_load_more()

    def _append(self, message: _Page) -> bool:
        """Add a page below the tail; False when it does not join up with it."""
        if not self._rows:
            return False
        tail = self._rows[-1]
        tail_key = (tail.when, tail.id)
        after = message.after
        if after is not None and after == cursor_of(tail):
            # The page starts right below the tail (in any order: search results
            # are by relevance); a re-ranked row already loaded is not repeated.
            rows = [r for r in message.rows if r.id not in self._index]
        elif self.filter is not None and self.filter.search is not None:
            return False  # ranked: dates cannot tell where the page joins up
        elif after is None or (after.sort_time, after.id) < (int(tail.when.timestamp()),
                                                             tail.id):
            return False  # the page starts below the tail: there would be a gap
        else:
            # A reload may have moved the tail down meanwhile: keep what lies below it.
            rows = [r for r in message.rows if (r.when, r.id) < tail_key]
        if not rows and message.has_more and message.rows:
            return False
        self._set_rows(self._rows + rows, message.has_more)
        if self._pending_moves and rows:
            moves, self._pending_moves = self._pending_moves, 0
            self.select_index(self._cursor + moves)
        return True

    def _apply_reload(self, rows: list[ArticleRow], has_more: bool) -> None:
        # The selection as it is now, not when the reload was asked for: the user
        # may have moved while the query ran.
        old_cursor = self._cursor
        old_row = self.current
        keep_id = old_row.id if old_row is not None else None
        flt = self.filter
        left_by_state = old_row is not None and flt is not None and (
            (flt.unread_only and old_row.read) or (flt.starred_only and not old_row.starred))
        if old_row is not None and left_by_state and all(r.id != keep_id for r in rows):
            # The selected article left the listing because the user read (or
            # unstarred) it: keep it in place until they move on, so nothing
            # jumps under the cursor.
            key = (old_row.when, old_row.id)
            at = next((i for i, r in enumerate(rows) if (r.when, r.id) < key), len(rows))
            if flt is not None and flt.search is not None:
                at = min(old_cursor, len(rows))  # ranked: where it was
            rows = [*rows[:at], old_row, *rows[at:]]
        self._set_rows(rows, has_more)
        if not self._moved:
            # Nothing chosen yet (the first refresh of an empty cache, say): stay
            # on the newest row, at the top, however the rows arrive.
            self._cursor = 0
        elif keep_id is not None and keep_id in self._index:
            self._cursor = self._index[keep_id]
        else:
            self._cursor = min(old_cursor, max(0, len(self._rows) - 1))
        # Rows inserted above the cursor: scroll by as much, so the selected row
        # stays on the same screen line.
        shift = (self._cursor - old_cursor) * ROW_HEIGHT
        if shift:
            self.scroll_to(y=self.scroll_y + shift, animate=False, immediate=True)

    def _set_rows(self, rows: list[ArticleRow], has_more: bool) -> None:
        self._rows = rows
        self._index = {row.id: i for i, row in enumerate(rows)}
        self._has_more = has_more
        self._cursor = min(self._cursor, max(0, len(rows) - 1))
        self.fit_virtual_size()
        self.refresh()

    def fit_virtual_size(self) -> None:
        """Scroll over exactly the rows loaded (one row's height when there are none)."""
        self.virtual_size = Size(self.scrollable_content_region.width,
                                 max(1, len(self._rows)) * ROW_HEIGHT)

    # --- changes made by the app ----------------------------------------------

    def update_row(self, row: ArticleRow) -> None:
        """Show a row's new read / starred state (when it is loaded)."""
        index = self._index.get(row.id)
        if index is not None:
            self._rows[index] = row
            self.refresh_row(index)

    def set_flags(self, article_id: int, *, read: bool | None = None,
                  starred: bool | None = None) -> ArticleRow | None:
        row = self.row_by_id(article_id)
        if row is None:
            return None
        row = replace(row, read=row.read if read is None else read,
                      starred=row.starred if starred is None else starred)
        self.update_row(row)
        return row

    def mark_all_read_locally(self) -> None:
        self._rows = [r if r.read else replace(r, read=True) for r in self._rows]
        self.refresh()

    # --- cursor -----------------------------------------------------------------

    def choose(self) -> ArticleRow | None:
        """The selected row, which the user is opening: from now on it stays
        selected as rows arrive above it."""
        row = self.current
        if row is not None:
            self._moved = True
            self.requested_id = row.id
        return row

    def request_open(self) -> None:
        """Ask the screen to open the selected row in the reader."""
        row = self.choose()
        if row is not None:
            self.post_message(self.OpenRequested(row))

    def select_index(self, index: int) -> None:
        if not self._rows:
            return
        index = max(0, min(index, len(self._rows) - 1))
        if index == self._cursor:
            self._scroll_cursor_visible()
            return
        self._moved = True
        old, self._cursor = self._cursor, index
        self.refresh_row(old)
        self.refresh_row(index)
        self._scroll_cursor_visible()
        self._check_load_more()

    def select_id(self, article_id: int) -> bool:
        index = self._index.get(article_id)
        if index is None:
            return False
        self.select_index(index)
        return True

    def _scroll_cursor_visible(self) -> None:
        region = Region(0, self._cursor * ROW_HEIGHT, self.size.width, ROW_HEIGHT)
        self.scroll_to_region(region, animate=False, force=True, immediate=True)

    def _check_load_more(self) -> None:
        visible_end = (self.scroll_y + self.size.height) // ROW_HEIGHT
        if max(self._cursor, visible_end) >= len(self._rows) - LOAD_AHEAD:
            self._load_more()

    def select_next(self) -> None:
        """One row down; at the loaded end, once the next page is in (not never)."""
        if self._rows and self._cursor == len(self._rows) - 1 and self._has_more:
            self._pending_moves = 1
            self._load_more()
            return
        self.select_index(self._cursor + 1)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._check_load_more()

    def refresh_row(self, index: int) -> None:
        self.refresh_lines(index * ROW_HEIGHT, ROW_HEIGHT)
