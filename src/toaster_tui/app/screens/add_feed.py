"""Add a feed (`a`): a feed's URL or a web page to discover it from, and a topic.

The address is checked at once; fetching and discovery (subscribe.resolve_feed)
run in a worker while the dialog stays responsive, and the config edit runs in
a thread. A failure keeps the dialog open with the reason in plain words.

With a [sync] table the dialog asks where the feed goes: on the feed server
(the default: every device that syncs gets it; queued here, sent by the next
sync, see sync/subscriptions.py) or in config.toml on this machine only. An
address for the server whose site gives no answer (offline) is queued anyway,
and the notice says so.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, LoadingIndicator, RadioButton, RadioSet, Static

from toaster_tui.config import edit as config_edit
from toaster_tui.core.errors import ToasterError
from toaster_tui.core.models import Config, Settings
from toaster_tui.core.sanitize import clean_line
from toaster_tui.feeds.address import check_url

__all__ = ["AddFeedDialog", "AddedFeed"]


def _load_subscribing() -> None:
    """Import what fetching and subscribing need (httpx, feedparser: ~0.1 s), on
    a thread: not at the app's start, nor on the UI loop when the dialog submits."""
    import toaster_tui.feeds.subscribe
    import toaster_tui.sync.subscriptions  # noqa: F401


@dataclass(frozen=True)
class AddedFeed:
    url: str
    topic: str
    title: str
    """What to call it in messages: the override, the feed's title, or the url."""
    config: Config | None
    """config.toml as it is after the edit (None: a feed for the server)."""
    server: bool = False
    """Queued for the feed server rather than written in config.toml."""
    unchecked_why: str | None = None
    """For the server: why it could not be checked here (None: it was)."""


class AddFeedDialog(ModalScreen[AddedFeed | None]):
    """Dismisses with the subscription made, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, config_path: Path, settings: Settings, topics: list[str], topic: str,
        subscribed: set[str], *, sync_host: str | None = None, db_path: Path | None = None,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self._config_path = config_path
        self._settings = settings
        self._topics = topics
        self._topic = topic
        self._subscribed = subscribed
        self._sync_host = sync_host if db_path is not None else None
        """The feed server's name when [sync] is set: the dialog asks where to add."""
        self._db_path = db_path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="add-dialog"):
            yield Label("Add a feed", classes="dialog-title")
            yield Label("Address of a feed, or of a web page that links to one")
            yield Input(placeholder="https://example.org/  or  https://example.org/feed.xml",
                        id="add-url")
            yield Label("Topic")
            yield Input(value=self._topic, placeholder="Topic",
                        suggester=SuggestFromList(self._topics, case_sensitive=False),
                        id="add-topic")
            yield Label("Title (optional: overrides the feed's own)")
            yield Input(placeholder="Leave empty to use the feed's title", id="add-title")
            if self._sync_host is not None:
                yield Label("Add it to (the server's feeds reach every device that syncs)")
                with RadioSet(id="add-where"):
                    yield RadioButton(f"The feed server, {self._sync_host}", value=True,
                                      id="add-server")
                    yield RadioButton("This machine only, in config.toml", id="add-local")
            with Horizontal(id="add-progress"):
                yield LoadingIndicator()
                yield Static("", id="add-progress-text", markup=False)
            yield Static("", id="add-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add", variant="primary", id="add-ok")
                yield Button("Cancel", id="add-cancel")

    def on_mount(self) -> None:
        self.query_one("#add-progress").display = False
        self.query_one("#add-url", Input).focus()

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        if event.input.id == "add-url" and not self.query_one("#add-topic", Input).value:
            self.query_one("#add-topic", Input).focus()
            return
        self._submit()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "add-ok":
            self._submit()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "add-feed")
        self.dismiss(None)

    def _error(self, message: str) -> None:
        self.query_one("#add-error", Static).update(message)
        self._busy(False)

    def _busy(self, busy: bool, text: str = "") -> None:
        self.query_one("#add-progress").display = busy
        self.query_one("#add-progress-text", Static).update(text)
        for widget in self.query("Input, RadioSet, #add-ok").results():
            widget.disabled = busy
        if not busy:
            self.query_one("#add-url", Input).focus()

    def _submit(self) -> None:
        text = self.query_one("#add-url", Input).value.strip()
        topic = clean_line(self.query_one("#add-topic", Input).value) or "Personal"
        title = clean_line(self.query_one("#add-title", Input).value) or None
        if not text:
            self._error("Type the address of a feed or of a web page.")
            return
        try:
            url = check_url(text)
        except ToasterError as exc:
            self._error(str(exc))
            return
        if url in self._subscribed:
            self._error(f"Already subscribed: {url}")
            return
        self.query_one("#add-error", Static).update("")
        self._busy(True, f"Looking for a feed at {url} …")
        if self._for_server():
            self._add_for_server(text, topic, title)
        else:
            self._resolve(text, topic, title)

    def _for_server(self) -> bool:
        return (self._sync_host is not None
                and self.query_one("#add-server", RadioButton).value)

    @work(exclusive=True, group="add-feed", exit_on_error=False)
    async def _add_for_server(self, text: str, topic: str, title: str | None) -> None:
        assert self._db_path is not None
        try:
            await asyncio.to_thread(_load_subscribing)
            from toaster_tui.sync.subscriptions import (
                add_server_feed,
                check_for_server,
                refuse_duplicate,
            )

            found = await check_for_server(text, self._settings)
            await asyncio.to_thread(refuse_duplicate, self._db_path, self._subscribed,
                                    found.url)
            self._busy(True, f"Adding {found.url} for the feed server …")
            await asyncio.to_thread(add_server_feed, self._db_path, found, topic, title)
        except ToasterError as exc:
            self._error(str(exc))
            return
        except Exception as exc:  # a bug must not leave the dialog spinning
            self._error(f"Could not add the feed: {exc}")
            return
        self.dismiss(AddedFeed(found.url, topic, title or found.title or found.url, None,
                               server=True, unchecked_why=found.unchecked_why))

    @work(exclusive=True, group="add-feed", exit_on_error=False)
    async def _resolve(self, text: str, topic: str, title: str | None) -> None:
        try:
            await asyncio.to_thread(_load_subscribing)
            from toaster_tui.feeds.subscribe import resolve_feed

            resolved = await resolve_feed(text, self._settings)
            if resolved.url in self._subscribed:
                raise ToasterError(f"Already subscribed: {resolved.url}")
            self._busy(True, f"Subscribing to {resolved.url} …")
            config = await asyncio.to_thread(
                config_edit.add_feed, self._config_path, resolved.url, topic, title)
        except ToasterError as exc:
            self._error(str(exc))
            return
        except Exception as exc:  # a bug must not leave the dialog spinning
            self._error(f"Could not add the feed: {exc}")
            return
        name = title or resolved.data.title or resolved.url
        self.dismiss(AddedFeed(resolved.url, topic, name, config))
