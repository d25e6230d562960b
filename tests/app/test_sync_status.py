"""The status line's sync words: ages, the count of waiting changes, the last error."""

from __future__ import annotations

from toaster_tui.app.data import SyncState
from toaster_tui.app.sync_status import ago, sync_line

NOW = 1_800_000_000.0


def test_synced_ago_and_changes_waiting() -> None:
    assert sync_line(SyncState(NOW - 180, "", 2), NOW) == "synced 3 min ago · 2 changes waiting"
    assert sync_line(SyncState(NOW - 10, "", 1), NOW) == "synced just now · 1 change waiting"
    assert sync_line(SyncState(NOW - 7200, "", 0), NOW) == "synced 2 h ago"
    assert sync_line(SyncState(None, "", 0), NOW) == "not synced yet"
    assert sync_line(SyncState(None, "", 1234), NOW) == "not synced yet · 1,234 changes waiting"


def test_a_failed_sync_says_why_after_the_changes_waiting() -> None:
    error = "sync server 127.0.0.1:9: cannot connect"
    assert sync_line(SyncState(NOW - 60, error, 1), NOW) == (
        "1 change waiting · sync failed: sync server 127.0.0.1:9: cannot connect")
    assert sync_line(SyncState(NOW - 60, error, 0), NOW) == f"sync failed: {error}"
    # Whatever the server said, one line of plain text.
    assert sync_line(SyncState(None, "bad\nnews\x1b[31m", 0), NOW) == "sync failed: bad news"


def test_ages_round_down() -> None:
    assert [ago(s) for s in (0, 59, 60, 3599, 3600, 47 * 3600, 49 * 3600, -5)] == [
        "just now", "just now", "1 min ago", "59 min ago", "1 h ago", "47 h ago", "2 days ago",
        "just now"]
