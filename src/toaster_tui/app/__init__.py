"""The Textual TUI: `ToasterApp` and its screens and widgets."""

from __future__ import annotations

from toaster_tui.app.app import ToasterApp

__all__ = ["ToasterApp"]
