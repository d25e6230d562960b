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
        & > #refresh-text { width: auto; }
        & > ProgressBar { width: auto; display: none; }
        &.-refreshing > ProgressBar { display: block; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Label("", id="status-text")
        yield Label("", id="refresh-text")
        yield ProgressBar(id="refresh-bar", show_eta=False, show_percentage=False)

    def set_text(self, text: str) -> None:
        self.query_one("#status-text", Label).update(text)

    def start_refresh(self, total: int) -> None:
        self.add_class("-refreshing")
        self.query_one(ProgressBar).update(total=max(total, 1), progress=0)
        self.query_one("#refresh-text", Label).update(f"Refreshing 0/{total} feeds ")

    def progress(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        self.query_one("#refresh-text", Label).update(f"Refreshing {done}/{total} feeds ")

    def finish_refresh(self, summary: str) -> None:
        self.remove_class("-refreshing")
        self.query_one("#refresh-text", Label).update(summary)

    @property
    def refresh_text(self) -> str:
        return str(self.query_one("#refresh-text", Label).content)
