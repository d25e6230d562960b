"""Which feeds a refresh fetches: each feed at most every `refresh_minutes`.

A feed's `refresh_minutes` (else [settings]') is the least time between two
fetches of it. Automatic refreshes (the app's timer and its start) and
`toaster refresh` fetch only the feeds due; `R`, `r` and `toaster refresh
--all` fetch regardless. 0 means "only by hand": never automatic, and every
`toaster refresh` (a cron job is a hand the user chose).
"""

from __future__ import annotations

from collections.abc import Iterable

from toaster_tui.core.models import Config, FeedRow

__all__ = ["TICK_MINUTES", "due_feed_ids", "slack_seconds", "tick_minutes"]

TICK_MINUTES = 5
"""The app looks for due feeds at least this often (when any feed refreshes on its own)."""


def slack_seconds(minutes: int) -> float:
    """How early a feed counts as due: a timer tick lands a little before the
    interval is over (the last fetch ended a few seconds after the tick that
    started it), and waiting a whole extra tick would double the interval."""
    return max(5.0, min(120.0, minutes * 6.0))  # 10% of the interval, 5 s to 2 min


def due_feed_ids(feeds: Iterable[FeedRow], config: Config, now: float, *,
                 automatic: bool) -> list[int]:
    """The subscribed feeds due at `now` (epoch seconds), in the order given."""
    specs = {f.url: f for f in config.feeds}
    due: list[int] = []
    for feed in feeds:
        spec = specs.get(feed.url)
        minutes = (config.rules(spec).refresh_minutes if spec is not None
                   else config.settings.refresh_minutes)
        if minutes == 0:
            if not automatic:
                due.append(feed.id)
            continue
        last = feed.last_fetched.timestamp() if feed.last_fetched is not None else None
        if last is None or now - last >= minutes * 60 - slack_seconds(minutes):
            due.append(feed.id)
    return due


def tick_minutes(config: Config) -> int:
    """How often the app looks for due feeds; 0 when no feed refreshes on its own."""
    periods = [config.rules(f).refresh_minutes for f in config.feeds]
    periods = [p for p in periods if p > 0]
    if not config.feeds and config.settings.refresh_minutes > 0:
        periods.append(config.settings.refresh_minutes)
    return min([TICK_MINUTES, *periods]) if periods else 0
