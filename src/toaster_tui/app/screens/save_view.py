"""`v`: save what the list shows (search, topic or feed, unread only) as a [[views]] table."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from toaster_tui.app.widgets.sidebar import SidebarEntry
from toaster_tui.core.rules import ViewRule
from toaster_tui.core.sanitize import clean_line

__all__ = ["SaveViewDialog", "describe_view", "view_of"]


def view_of(entry: SidebarEntry, search: str | None, unread_only: bool) -> ViewRule:
    """The view for a sidebar entry, the search typed and the unread toggle (no name yet)."""
    if entry.kind == "view" and entry.view is not None:
        base = entry.view
    else:
        base = ViewRule(name="",
                        topic=entry.topic if entry.kind == "topic" else None,
                        feed=entry.feed.url if entry.kind == "feed" and entry.feed else None,
                        starred=entry.kind == "starred")
    return replace(base, search=search or base.search, unread=base.unread or unread_only)


def describe_view(view: ViewRule) -> str:
    parts = []
    if view.search:
        parts.append(f"search “{view.search}”")
    if view.topic:
        parts.append(f"topic {view.topic}")
    if view.feed:
        parts.append(f"feed {view.feed}")
    if view.starred:
        parts.append("starred")
    if view.since_days:
        parts.append(f"last {view.since_days} days")
    if view.unread:
        parts.append("unread only")
    return " · ".join(parts) or "every article"


class SaveViewDialog(ModalScreen[str | None]):
    """Asks for the new view's name; dismisses with it, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, view: ViewRule, taken: list[str]) -> None:
        super().__init__(classes="dialog-screen")
        self._view = view
        self._taken = {name.casefold() for name in taken}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="save-view-dialog"):
            yield Label("Save as a view", classes="dialog-title")
            yield Static(f"Shows: {describe_view(self._view)}", markup=False)
            yield Input(placeholder="Name (shown in the sidebar)", id="view-name")
            yield Static("", id="view-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="view-ok")
                yield Button("Cancel", id="view-cancel")

    def on_mount(self) -> None:
        self.query_one("#view-name", Input).focus()

    @on(Input.Submitted, "#view-name")
    def _entered(self) -> None:
        self._submit()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "view-ok":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        name = clean_line(self.query_one("#view-name", Input).value)
        error = self.query_one("#view-error", Static)
        if not name:
            error.update("Type a name for the view.")
        elif name.casefold() in self._taken:
            error.update(f"There is a view named “{name}” already.")
        else:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
