"""What a refresh has to say about new articles, and `--notify-command`.

One notification per refresh, only for the feeds with `notify` on: "7 new from
LWN, Rust Blog and 2 more". The summary is terminal-safe (feed titles come from
strangers' feeds). `run_command` hands it to the user's program the way
newsboat's notify-program does: as the last argument, never through a shell,
with a time limit.
"""

from __future__ import annotations

import shlex
import sqlite3
import subprocess
from collections.abc import Iterable, Mapping

from toaster_tui.core.models import Config
from toaster_tui.core.sanitize import clean_line
from toaster_tui.refresh.outcomes import FeedOutcome

__all__ = ["COMMAND_TIMEOUT", "NAMES_SHOWN", "new_by_feed", "run_command", "summary",
           "summary_for"]

NAMES_SHOWN = 3
"""Feeds named in a summary; the rest are counted ("and 2 more")."""
TITLE_CHARS = 40
COMMAND_TIMEOUT = 10.0
"""Seconds a notify command may run before it is stopped."""


def new_by_feed(outcomes: Iterable[FeedOutcome], config: Config) -> dict[int, int]:
    """New articles per feed id, for the feeds with `notify` on (others left out)."""
    notifying = {f.url for f in config.feeds if config.rules(f).notify}
    counts: dict[int, int] = {}
    for outcome in outcomes:
        if outcome.new and outcome.url in notifying:
            counts[outcome.feed_id] = counts.get(outcome.feed_id, 0) + outcome.new
    return counts


def summary(counts: Mapping[str, int]) -> str | None:
    """"N new from A, B, C and 2 more" (most new first), or None when nothing is new."""
    total = sum(counts.values())
    if total <= 0:
        return None
    names = [_short(name) for name, _ in sorted(counts.items(), key=lambda kv: -kv[1])]
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += f" and {len(names) - NAMES_SHOWN} more"
    return f"{total:,} new from {shown}"


def summary_for(db: sqlite3.Connection, outcomes: Iterable[FeedOutcome],
                config: Config) -> str | None:
    """The summary of a refresh's outcomes, feed titles read from the cache."""
    counts = new_by_feed(outcomes, config)
    if not counts:
        return None
    marks = ",".join("?" * len(counts))
    titles = dict(db.execute(
        f"SELECT id, coalesce(title_override, title, url) FROM feeds WHERE id IN ({marks})",
        list(counts)).fetchall())
    by_title: dict[str, int] = {}
    for feed_id, n in counts.items():
        name = str(titles.get(feed_id) or "a feed")
        by_title[name] = by_title.get(name, 0) + n
    return summary(by_title)


def _short(title: str) -> str:
    title = clean_line(title) or "a feed"
    return title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS - 1].rstrip() + "…"


def run_command(command: str, text: str, *, timeout: float = COMMAND_TIMEOUT) -> str | None:
    """Run `command` (split like a shell would, but no shell) with `text` as its last
    argument. Returns why it failed, or None."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        return f"cannot read the notify command: {exc}"
    if not argv:
        return "the notify command is empty"
    try:
        done = subprocess.run([*argv, text], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return f"the notify command {argv[0]!r} took more than {timeout:g} s and was stopped"
    except OSError as exc:
        return f"cannot run the notify command {argv[0]!r}: {exc.strerror or exc}"
    if done.returncode != 0:
        return f"the notify command {argv[0]!r} failed (exit status {done.returncode})"
    return None
