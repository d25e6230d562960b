"""The reader's scrolling keys in a dialog that scrolls (help, failed feeds)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

__all__ = ["SCROLL_KEYS", "ScrollKeys"]

SCROLL_KEYS: list[BindingType] = [
    Binding("j", "scroll_dialog('down')", "Down", show=False),
    Binding("k", "scroll_dialog('up')", "Up", show=False),
    Binding("space", "scroll_dialog('page_down')", "Page down", show=False),
    Binding("g", "scroll_dialog('home')", "Top", show=False),
    Binding("G", "scroll_dialog('end')", "Bottom", show=False),
]


class ScrollKeys(ModalScreen[None]):
    """j / k, Space, g / G scroll the dialog's VerticalScroll as arrows and Page Down do:
    those keys move everywhere else in the app, so they should here too."""

    BINDINGS: ClassVar[list[BindingType]] = SCROLL_KEYS

    def action_scroll_dialog(self, how: str) -> None:
        scroll = self.query_one(VerticalScroll)
        {"down": scroll.scroll_down, "up": scroll.scroll_up,
         "page_down": scroll.scroll_page_down, "home": scroll.scroll_home,
         "end": scroll.scroll_end}[how](animate=False)
