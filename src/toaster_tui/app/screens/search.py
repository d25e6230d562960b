"""`/` search of every cached article, and Esc back to the topic."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.store.listing import ArticleFilter

__all__ = ["SearchActions"]

SEARCH_DELAY = 0.25
"""Seconds of quiet typing before the search runs (search as you type)."""


class SearchActions(Screen[None]):
    """A base class of MainScreen: the search box above the article list."""

    search: str | None
    _search_timer: Timer | None = None

    @property
    def articles(self) -> ArticleList:
        raise NotImplementedError

    def listing_filter(self) -> ArticleFilter:
        raise NotImplementedError

    def show_listing(self, keep_id: int | None = None) -> None:
        raise NotImplementedError

    def _show_titles(self) -> None:
        raise NotImplementedError

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = True
        box.value = self.search or ""
        box.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        text = event.value.strip()
        self._search_timer = self.set_timer(SEARCH_DELAY, partial(self._run_search, text))

    def _run_search(self, text: str) -> None:
        if not self.query_one("#search").display:
            return
        if not text:
            if self.search is not None:
                self.search = None
                self.show_listing()
            return
        if text != self.search:
            self.search = text
            self.articles.show(self.listing_filter(),
                               empty=f"Nothing cached matches “{text}”.")
            self._show_titles()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._run_search(event.value.strip())
        self.articles.focus()

    def action_clear_search(self) -> None:
        if self.query_one("#search").display or self.search is not None:
            self._close_search()
            self.show_listing()
            self.articles.focus()

    def _close_search(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self.search = None
        box = self.query_one("#search", Input)
        box.display = False
        box.value = ""

