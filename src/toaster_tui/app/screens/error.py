"""An error the user must see, e.g. config.toml failing to parse."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

__all__ = ["ErrorDialog"]


class ErrorDialog(ModalScreen[str | None]):
    """Shows `message` verbatim; "edit" (e) dismisses with "edit", Esc/Enter with None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close"),
        Binding("e", "edit", "Edit config"),
    ]

    def __init__(self, title: str, message: str, hint: str = "", *, editable: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self._title = title
        self.message = message
        self._hint = hint
        self._editable = editable

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error-dialog", id="error-dialog"):
            yield Label(self._title, classes="dialog-title")
            yield Static(self.message, id="error-message", markup=False)
            if self._hint:
                yield Static(self._hint, id="error-hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                if self._editable:
                    yield Button("Edit config (e)", id="error-edit")
                yield Button("OK", variant="primary", id="error-ok")

    def on_mount(self) -> None:
        self.query_one("#error-ok", Button).focus()

    def set_message(self, message: str) -> None:
        """A newer error of the same kind replaces the shown one."""
        self.message = message
        self.query_one("#error-message", Static).update(message)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss("edit" if event.button.id == "error-edit" else None)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        if self._editable:
            self.dismiss("edit")
