"""The status line above the footer: what is listed, and refresh progress."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

__all__ = ["StatusBar"]


class StatusBar(Horizontal):
    """Left: the listing; right: "Refreshing 12/40 feeds" and a progress bar."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        & > #status-text { width: 1fr; }
        & > #refresh-text { width: 36; text-align: right; }
        & > ProgressBar { width: auto; display: none; }
        &.-refreshing > ProgressBar { display: block; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("", id="status-text", markup=False)  # a sync error may hold "["
        yield Label("", id="refresh-text")
        yield ProgressBar(id="refresh-bar", show_eta=False, show_percentage=False)

    # Labels of fixed width updated without a layout pass: a refresh reports
    # progress many times a second and must not re-lay out the whole screen.

    def set_text(self, text: str) -> None:
        self._set("#status-text", text)

    def _set(self, selector: str, text: str) -> None:
        label = self.query_one(selector, Label)
        if str(label.content) != text:
            label.update(text, layout=False)

    def set_note(self, text: str) -> None:
        """A short word on the right (a full article being fetched), until the next one."""
        self._set("#refresh-text", text)

    def start_refresh(self, total: int) -> None:
        self.add_class("-refreshing")
        self.query_one(ProgressBar).update(total=max(total, 1), progress=0)
        self._set("#refresh-text", f"Refreshing 0/{total} feeds ")

    def progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self._set("#refresh-text", f"Refreshing {done}/{total} feeds ")

    def finish_refresh(self, summary: str) -> None:
        self.remove_class("-refreshing")
        self._set("#refresh-text", summary)

    @property
    def refresh_text(self) -> str:
        return str(self.query_one("#refresh-text", Label).content)
