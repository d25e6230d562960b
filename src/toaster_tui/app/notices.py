"""Toasts as plain text: what they say often holds a feed's title, a URL or an error.

Textual reads a notification as content markup by default, so a feed titled
"[Podcast] Weekly" lost its first word, "[/b]" raised a MarkupError that took
the app down, and "[@click=…]" made a link that ran an app action. No notice
of this app uses markup, so every one goes out as the text it is.
"""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

__all__ = ["PlainNoticesApp"]


class PlainNoticesApp(App[int]):
    """The base of ToasterApp: `notify` (the app's, and every widget's and screen's,
    which come here) never parses markup."""

    def notify(self, message: str, *, title: str = "",
               severity: SeverityLevel = "information", timeout: float | None = None,
               markup: bool = False) -> None:
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)
