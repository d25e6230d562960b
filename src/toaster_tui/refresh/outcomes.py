"""What a refresh reports: one outcome per feed, and when a failed feed is next fetched."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

BACKOFF_BASE = 5 * 60
BACKOFF_MAX = 24 * 3600

Kind = Literal["updated", "not_modified", "failed", "gone", "skipped"]


@dataclass(frozen=True)
class FeedOutcome:
    """What happened to one feed in a refresh."""

    feed_id: int
    url: str
    kind: Kind
    new: int = 0
    updated: int = 0
    status: int | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.kind in ("failed", "gone")


@dataclass
class RefreshReport:
    outcomes: list[FeedOutcome] = field(default_factory=list)

    @property
    def failures(self) -> list[FeedOutcome]:
        return [o for o in self.outcomes if o.failed]

    @property
    def new_articles(self) -> int:
        return sum(o.new for o in self.outcomes)


ProgressFn = Callable[[int, int, FeedOutcome], None]
"""Called on the event loop after each feed: (done, total, outcome)."""


def backoff_until(error_count: int, now: float) -> int:
    """Next fetch after a failure: 5 min, doubling per failure, at most a day."""
    return int(now + min(BACKOFF_BASE * 2 ** min(error_count, 16), BACKOFF_MAX))
