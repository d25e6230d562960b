"""Screens and dialogs of the TUI."""

from __future__ import annotations

from toaster_tui.app.screens.add_feed import AddedFeed, AddFeedDialog
from toaster_tui.app.screens.confirm import ConfirmDialog
from toaster_tui.app.screens.error import ErrorDialog
from toaster_tui.app.screens.feed_errors import FeedErrorsDialog
from toaster_tui.app.screens.help import HelpScreen
from toaster_tui.app.screens.main import MainScreen
from toaster_tui.app.screens.topic import TopicDialog

__all__ = [
    "AddFeedDialog",
    "AddedFeed",
    "ConfirmDialog",
    "ErrorDialog",
    "FeedErrorsDialog",
    "HelpScreen",
    "MainScreen",
    "TopicDialog",
]
