"""The article list: a virtual list of two-line rows, the keys (next / previous
unread among them) and the mouse on it.

Only the rows on screen are rendered (Line API), and a painted row is kept
until it changes. Which rows are loaded, the cursor and the page queries are
the base class's (article_pages.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import ClassVar

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.strip import Strip

from toaster_tui.app.data import DataSource
from toaster_tui.app.messages import Deferred
from toaster_tui.app.widgets.article_pages import ROW_HEIGHT, ArticlePages
from toaster_tui.app.widgets.article_row import (
    RowStyles,
    message_lines,
    message_strip,
    render_row,
)
from toaster_tui.store.listing import ArticleFilter, Cursor, cursor_of

__all__ = ["ArticleList"]


class ArticleList(ArticlePages, can_focus=True):
    """Newest first; unread rows bold with a dot, read rows dimmed, starred marked."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False),
        Binding("k,up", "cursor_up", "Up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("enter", "open", "Open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--title",
        "article-list--title-read",
        "article-list--meta",
        "article-list--meta-read",
        "article-list--dot",
        "article-list--star",
        "article-list--cursor",
        "article-list--hover",
        "article-list--empty",
    }

    DEFAULT_CSS = """
    ArticleList {
        height: 1fr;
        overflow-x: hidden;
    }
    """

    def __init__(
        self, data: DataSource, now: Callable[[], datetime], *, id: str | None = None
    ) -> None:
        super().__init__(data, id=id)
        self._now = now
        self._hover: int | None = None
        # Painted rows by (row, cursor, hover, focus, width, minute): a row that
        # did not change is not painted again, however often the listing is
        # re-queried (a refresh re-queries it every RELOAD_EVERY seconds).
        self._cache: LRUCache[tuple[object, ...], tuple[Strip, Strip]] = LRUCache(256)
        self._row_styles: dict[bool, RowStyles] = {}

    # --- keys -------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.select_next()

    def action_cursor_up(self) -> None:
        self.select_index(self.cursor - 1)

    def action_page_down(self) -> None:
        self.select_index(self.cursor + max(1, self.size.height // ROW_HEIGHT - 1))

    def action_page_up(self) -> None:
        self.select_index(self.cursor - max(1, self.size.height // ROW_HEIGHT - 1))

    def action_first(self) -> None:
        self.select_index(0)

    def action_last(self) -> None:
        self.select_index(len(self.rows) - 1)

    def action_open(self) -> None:
        self.request_open()

    # --- unread navigation ------------------------------------------------------

    def open_next_unread(self) -> bool | None:
        """Select and open the next unread row below the cursor.

        True when found among loaded rows, None when a worker is looking further
        down (it opens the row when found), False when there is none.
        """
        for index in range(self._cursor + 1, len(self._rows)):
            if not self._rows[index].read:
                self.select_index(index)
                self.request_open()
                return True
        if not self._has_more or self.filter is None:
            return False
        after = cursor_of(self._rows[-1]) if self._rows else None
        self.run_worker(partial(self._find_unread, self._generation, self.filter, after),
                        thread=True, group="article-pages", exit_on_error=False)
        return None

    def _find_unread(self, generation: int, flt: ArticleFilter, after: Cursor | None) -> None:
        target = self._data.next_unread(flt, after)
        if target is None:
            self.post_message(Deferred(
                lambda: self.notify("No more unread articles here.", timeout=3)))
            return
        rows = self._data.rows_until(flt, after, target)
        more = len(self._data.page(flt, after=cursor_of(rows[-1]), limit=1)) > 0
        self.post_message(self._Page(generation, "append", rows, more, after, None, target.id))

    def open_previous_unread(self) -> bool:
        for index in range(self._cursor - 1, -1, -1):
            if not self._rows[index].read:
                self.select_index(index)
                self.request_open()
                return True
        return False

    # --- mouse ------------------------------------------------------------------

    def _row_at(self, y: int) -> int | None:
        index = (y + self.scroll_offset.y) // ROW_HEIGHT
        return index if 0 <= index < len(self.rows) else None

    def on_click(self, event: events.Click) -> None:
        index = self._row_at(event.y)
        if index is not None:
            self.select_index(index)
            self.request_open()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        index = self._row_at(event.y)
        if index != self._hover:
            old, self._hover = self._hover, index
            if old is not None:
                self.refresh_row(old)
            if index is not None:
                self.refresh_row(index)

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            old, self._hover = self._hover, None
            self.refresh_row(old)

    # --- rendering --------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.fit_virtual_size()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self._row_styles.clear()

    def on_focus(self) -> None:
        self.refresh()  # the focus is part of the cache key

    def on_blur(self) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = y + self.scroll_offset.y
        base = self.rich_style
        rows = self.rows
        if not rows:
            message = message_lines(self.placeholder, width)
            if 1 <= line <= len(message):
                style = base + self.get_component_rich_style("article-list--empty", partial=True)
                return message_strip(message[line - 1], width, style, self.app.console)
            return Strip.blank(width, base)
        index, offset = divmod(line, ROW_HEIGHT)
        if index >= len(rows):
            return Strip.blank(width, base)
        row = rows[index]
        cursor, hover = index == self.cursor, index == self._hover
        now = self._now()
        # The minute: "5m ago" moves on when the row is next painted after it.
        key = (row, cursor, hover, self.has_focus, width, int(now.timestamp()) // 60)
        strips = self._cache.get(key)
        if strips is None:
            strips = render_row(row, cursor=cursor, hover=hover, width=width,
                                styles=self._styles(), now=now, console=self.app.console)
            self._cache[key] = strips
        return strips[offset]

    def _styles(self) -> RowStyles:
        # Nine component styles per row painted add up: kept until the styles
        # change (the cursor's colours depend on the focus).
        styles = self._row_styles.get(self.has_focus)
        if styles is None:
            styles = self._row_styles[self.has_focus] = self._compute_styles()
        return styles

    def _compute_styles(self) -> RowStyles:
        fore = self._fore
        return RowStyles(
            base=self.rich_style,
            cursor=self.get_component_rich_style("article-list--cursor"),
            hover=self.get_component_rich_style("article-list--hover"),
            title=fore("article-list--title"), title_read=fore("article-list--title-read"),
            meta=fore("article-list--meta"), meta_read=fore("article-list--meta-read"),
            dot=fore("article-list--dot"), star=fore("article-list--star"),
        )

    def _fore(self, name: str) -> Style:
        # The full component style has colours blended over the background;
        # keep only the foreground part so row backgrounds (cursor, hover) show.
        full = self.get_component_rich_style(name)
        return Style(color=full.color, bold=full.bold, italic=full.italic)
