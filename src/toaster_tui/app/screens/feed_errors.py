"""`!`: the feeds whose last refresh failed, with the reason for each."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from toaster_tui.app.screens.scroll_keys import ScrollKeys
from toaster_tui.core.models import FeedRow

__all__ = ["FeedErrorsDialog"]


class FeedErrorsDialog(ScrollKeys):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,exclamation_mark", "close", "Close"),
    ]

    def __init__(self, feeds: list[FeedRow]) -> None:
        super().__init__(classes="dialog-screen")
        self._feeds = feeds

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="feed-errors-dialog"):
            yield Label("Feeds that failed", classes="dialog-title")
            with VerticalScroll(id="feed-errors-scroll"):
                if not self._feeds:
                    yield Static("Every feed refreshed fine.")
                for feed in self._feeds:
                    text = Text(feed.title, style="bold")
                    text.append(f"  ({feed.topic})", style="dim")
                    if feed.title != feed.url:  # a feed never fetched has its URL as title
                        text.append(f"\n{feed.url}", style="dim")
                    text.append("\n")
                    text.append(feed.last_error or "", style="red")
                    yield Static(text, classes="feed-error")
            yield Label("Esc closes. r refreshes the selected topic, R every feed.",
                        classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
