"""Widgets of the TUI's panes."""

from __future__ import annotations

from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.reader import ReaderPane, RelatedList
from toaster_tui.app.widgets.sidebar import Sidebar, SidebarEntry
from toaster_tui.app.widgets.status import StatusBar

__all__ = ["ArticleList", "ReaderPane", "RelatedList", "Sidebar", "SidebarEntry", "StatusBar"]
