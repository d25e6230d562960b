"""`?`: every key, grouped the way people look for them."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from toaster_tui.app.screens.scroll_keys import ScrollKeys

__all__ = ["KEYS", "HelpScreen"]

DIALOG_HEIGHT = 0.95
"""`#help-dialog { max-height: 95% }` in app.tcss."""
DIALOG_CHROME = 8
"""Rows of the dialog that are not the list of keys: border, padding, title, hint."""
MAX_SCROLL = 40

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Moving around", (
        ("Tab / Shift+Tab", "next / previous pane"),
        ("j / k, ↓ / ↑", "down / up in the focused pane (scroll in the reader)"),
        ("[ / ]", "previous / next topic, from anywhere"),
        ("l / h, → / ←", "expand / collapse a topic in the sidebar"),
        ("g / G, Home / End", "first / last article (top / bottom in the reader)"),
        ("mouse", "click to select or open, wheel to scroll, ▶ to expand"),
        ("T", "under 120 columns: show / hide the topics (Esc: back)"),
    )),
    ("Reading", (
        ("Enter", "open the selected article in the reader (marks it read)"),
        ("Space", "page down in the reader; at the end, the next unread article"),
        ("n / p", "next / previous unread article"),
        ("o", "open the article's link in the browser (http and https only)"),
        ("y", "copy the article's link"),
        ("1–9, 0", "open link N of the body (10+ links: digits, then Enter)"),
        ("O", "open the audio or video of the article being read"),
        ("f", "fetch the full article from its web page; again: the feed's text / the page's"),
    )),
    ("Articles", (
        ("m", "toggle read"),
        ("A", "mark every article in the current topic or feed read"),
        ("s", "star / unstar (the sidebar's Starred lists them)"),
        ("u", "show unread only / all"),
        ("/", "search all cached articles (title and text)"),
        ("v", "save the search, topic or feed and unread toggle as a view (sidebar)"),
        ("Esc", "clear the search and return to the topic"),
    )),
    ("Feeds", (
        ("r / R", "refresh the current topic or feed / every feed"),
        ("S", "sync with the feed server of [sync]; its feeds are marked ↕"),
        ("a", "add a feed (its URL, or a web page that links to it)"),
        ("t", "move the selected article's feed to another topic"),
        ("d", "remove the selected article's feed (asks first)"),
        ("!", "why feeds failed (also shown when a failing feed is selected)"),
        ("e", "edit config.toml in $EDITOR; reloads on return"),
    )),
    ("App", (
        ("Ctrl+P", "command palette: change the theme (light / dark), keys, quit"),
        ("?", "this help"),
        ("q", "quit"),
    )),
)


def _table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for number, (section, keys) in enumerate(KEYS):
        if number:
            table.add_row("", "")
        table.add_row(Text(section, style="bold underline"), "")
        for key, what in keys:
            table.add_row(Text(key), Text(what))
    return table


class HelpScreen(ScrollKeys):
    """Closes with Esc, q or ? again."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog-screen")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(_table(), id="help-keys")
            yield Label("Esc closes this help.", classes="dialog-hint")

    def on_resize(self, event: events.Resize) -> None:
        # The dialog is at most 95% of the screen high: the list of keys scrolls
        # within what is left of it, so on a short terminal (80×24) its end can be
        # scrolled to and the hint stays on screen, not clipped away with it.
        room = int(event.size.height * DIALOG_HEIGHT) - DIALOG_CHROME
        self.query_one("#help-scroll").styles.max_height = max(3, min(MAX_SCROLL, room))

    def action_close(self) -> None:
        self.dismiss(None)
