"""Pick a topic for a feed (`t`): type one (with completion) or choose from the list."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList, Static

from toaster_tui.core.sanitize import clean_line

__all__ = ["TopicDialog"]


class TopicDialog(ModalScreen[str | None]):
    """Dismisses with the chosen topic name, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, feed_title: str, current: str, topics: list[str]) -> None:
        super().__init__(classes="dialog-screen")
        self._feed_title = feed_title
        self._current = current
        self._topics = topics

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="topic-dialog"):
            yield Label("Move to topic", classes="dialog-title")
            yield Static(f"{self._feed_title} is in {self._current}.", markup=False)
            yield Input(
                value=self._current, placeholder="Topic (a new name makes a new topic)",
                suggester=SuggestFromList(self._topics, case_sensitive=False), id="topic-input",
            )
            yield OptionList(*self._topics, id="topic-options")
            yield Static("", id="topic-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Move", variant="primary", id="topic-ok")
                yield Button("Cancel", id="topic-cancel")

    def on_mount(self) -> None:
        self.query_one("#topic-input", Input).focus()

    @on(OptionList.OptionSelected, "#topic-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#topic-input", Input).value = str(event.option.prompt)
        self._submit()

    @on(Input.Submitted, "#topic-input")
    def _entered(self) -> None:
        self._submit()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "topic-ok":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        topic = clean_line(self.query_one("#topic-input", Input).value)
        if not topic:
            self.query_one("#topic-error", Static).update("Type a topic name.")
            return
        self.dismiss(topic)

    def action_cancel(self) -> None:
        self.dismiss(None)
