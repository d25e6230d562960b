"""The status line's word on the sync: "synced 3 min ago · 2 changes waiting"."""

from __future__ import annotations

from toaster_tui.app.data import SyncState
from toaster_tui.core.sanitize import clean_line

__all__ = ["ago", "sync_line"]


def ago(seconds: float) -> str:
    """A short, rounded-down age: "just now", "3 min ago", "2 h ago", "4 days ago"."""
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} days ago"


def sync_line(state: SyncState, now: float) -> str:
    """The last sync (or why it failed) and the changes not yet on the server.

    After a failure the count comes first: the error is long, and a narrow
    terminal cuts the line's end.
    """
    n = state.waiting
    waiting = f"{n:,} change{'' if n == 1 else 's'} waiting" if n else ""
    if state.last_error:
        return " · ".join(filter(None, (waiting, f"sync failed: {clean_line(state.last_error)}")))
    said = "not synced yet" if state.last_sync is None else f"synced {ago(now - state.last_sync)}"
    return " · ".join(filter(None, (said, waiting)))
