"""Dates as people read them: "4d ago", ISO 8601 for machines."""

from __future__ import annotations

from datetime import UTC, datetime


def relative_age(when: datetime | None, now: datetime | None = None) -> str:
    """"just now", "5m ago", "3h ago", "4d ago", "6w ago", "2y ago"."""
    if when is None:
        return "undated"
    now = now or datetime.now(UTC)
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "just now"
    for size, unit in ((31_536_000, "y"), (604_800 * 5, "mo"), (604_800, "w"),
                       (86_400, "d"), (3_600, "h"), (60, "m")):
        if seconds >= size:
            count = int(seconds // (size if unit != "mo" else 2_592_000))
            return f"{count}{unit} ago"
    return "just now"


def iso_utc(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
