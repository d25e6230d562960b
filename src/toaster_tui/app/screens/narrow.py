"""Narrow terminals: one pane at a time, as newsboat users expect.

Under NARROW columns the article list takes the whole width; opening an
article shows the reader over it (Esc goes back, the selection kept) and `T`
or Tab shows the topics beside the list. The screen's CSS classes pick what is
displayed (styles/app.tcss): `-narrow`, plus `-reading` or `-topics`.

Which pane shows follows the focus: the actions below display a pane and then
focus it, and whatever else moves the focus (Enter on a topic, Esc in the
search, a dialog closing) shows the pane it lands in. Resizing across the
threshold switches layouts live: the list's selection and the reader's article
are never touched, only which panes are displayed.
"""

from __future__ import annotations

from typing import Literal

from textual import events
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.reader import ReaderPane
from toaster_tui.app.widgets.sidebar import Sidebar

__all__ = ["NARROW", "SHORT", "NarrowLayout", "Pane"]

NARROW = 120
"""Terminal width under which one pane shows at a time. At 120 columns the three
panes give the list 42 columns of title and the reader 40 of text; each column
less is taken from both, and under 40 a line of prose reads like a newspaper
column while most titles are cut. At 80 columns the list had 25."""
SHORT = 30
"""Terminal height under which dialogs' fields and buttons are one line high: the
add dialog with its tall fields needs 31 rows, and at 24 its error line and its
buttons were cut off (an Enter on a wrong address seemed to do nothing)."""

Pane = Literal["list", "reader", "topics"]


class NarrowLayout(Screen[None]):
    """A base class of MainScreen. Needs `articles`, `reader` and `sidebar`."""

    _narrow = False
    _pane: Pane = "list"
    """In the narrow layout: the reader over the list, or the topics beside it."""

    @property
    def articles(self) -> ArticleList:
        raise NotImplementedError

    @property
    def reader(self) -> ReaderPane:
        raise NotImplementedError

    @property
    def sidebar(self) -> Sidebar:
        raise NotImplementedError

    @property
    def narrow(self) -> bool:
        return self._narrow

    @property
    def reading(self) -> bool:
        """The narrow layout shows the reader (over the list)."""
        return self._narrow and self._pane == "reader"

    def on_resize(self, event: events.Resize) -> None:
        # On the app, so that dialogs (other screens) see it too: app.tcss's `.-short`.
        self.app.set_class(event.size.height < SHORT, "-short")
        narrow = event.size.width < NARROW
        if narrow == self._narrow:
            return
        self._narrow = narrow
        self.refresh_bindings()  # `T` shows in the footer only when narrow
        if not narrow:
            self._display()  # all three panes; the focus stays where it was
            return
        pane = self._pane_of(self.focused)
        reader = self.reader.row
        current = self.articles.current
        if pane == "list" and self.focused is not self.query_one("#search") and (
                reader is not None and current is not None and reader.id == current.id):
            pane = "reader"  # opened and not moved on from: that is what is being read
        self.show_pane(pane)

    def show_pane(self, pane: Pane) -> None:
        """In the narrow layout, display `pane` and focus it (a no-op when wide)."""
        if not self._narrow:
            return
        self._pane = pane
        self._display()
        target: Widget = {"list": self.articles, "reader": self.reader,
                          "topics": self.sidebar}[pane]
        if self._pane_of(self.focused) != pane or self.focused is None:
            target.focus()

    def back_to_list(self) -> bool:
        """Esc in the narrow layout: from the reader or the topics to the list."""
        if not self._narrow or self._pane == "list":
            return False
        self.show_pane("list")
        return True

    def _display(self) -> None:
        narrow = self._narrow
        self.set_class(narrow, "-narrow")
        self.set_class(narrow and self._pane == "reader", "-reading")
        self.set_class(narrow and self._pane == "topics", "-topics")
        # Every key of the footer fits in 80 columns once it is packed closer.
        self.query_one(Footer).compact = narrow
        reader = self.query_one("#reader")
        title = "Reader · Esc: back to the list" if self.reading else "Reader"
        if reader.border_title != title:
            reader.border_title = title

    def _pane_of(self, widget: DOMNode | None) -> Pane:
        node = widget
        while node is not None:
            if node.id == "reader":
                return "reader"
            if node.id == "sidebar-pane":
                return "topics"
            node = node.parent
        return "list"

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        pane = self._pane_of(event.widget)
        if self._narrow and pane != self._pane:
            self._pane = pane
            self._display()

    # --- keys -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_topics":
            return self._narrow  # the topics are always on screen in three panes
        return super().check_action(action, parameters)

    def action_toggle_topics(self) -> None:
        self.show_pane("list" if self._pane == "topics" else "topics")

    def action_next_pane(self, delta: int) -> None:
        """Tab / Shift+Tab: from the narrow list, the topics (hidden until then)."""
        if self._narrow and self._pane == "list" and self.focused is self.articles:
            self.show_pane("topics")
        elif delta > 0:
            self.focus_next()
        else:
            self.focus_previous()
