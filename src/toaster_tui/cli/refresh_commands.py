"""Keeping the cache up to date: refresh, vacuum, filters apply, sync."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from toaster_tui.cli.common import UsageError, load_config, open_store
from toaster_tui.cli.output import ProgressBar, err, out, step
from toaster_tui.config import paths
from toaster_tui.core.models import Config, FeedSpec
from toaster_tui.refresh.due import due_feed_ids
from toaster_tui.refresh.notify import run_command, summary_for
from toaster_tui.refresh.outcomes import FeedOutcome
from toaster_tui.store import listing
from toaster_tui.store.database import Store
from toaster_tui.store.filters import FilterSet
from toaster_tui.store.retention import compact, disk_size, expire, keep_days_by_feed

if TYPE_CHECKING:  # fetching pages imports trafilatura: only when a feed wants them
    from toaster_tui.refresh.pages import PageReport

# refresh.refresher (httpx: ~0.1 s) is imported when there is something to
# fetch: a refresh with nothing due (cron, every few minutes) does not wait for it.


def refresh_feeds(config: Config, store: Store, feeds: Sequence[FeedSpec],
                  progress: Callable[[int, int, FeedOutcome], None] | None) -> list[FeedOutcome]:
    """Fetch `feeds` now (due or not); `toaster add` uses it for the new feed."""
    ids = store.sync_feeds(config.feeds, hidden_default=config.settings.hidden_from_all)
    wanted = [ids[f.url] for f in feeds if f.url in ids]
    if not wanted:
        return []  # nothing due: not even the fetcher's imports
    from toaster_tui.refresh.refresher import Refresher

    refresher = Refresher(store.path, config.settings, filters=config.filters)
    return asyncio.run(refresher.run(wanted, progress=progress)).outcomes


def _fetch_pages(store: Store, config: Config, ids: dict[str, int],
                 feeds: Sequence[FeedSpec]) -> PageReport | None:
    """After the feeds: the pages of new articles of full_text feeds (None: no such feed)."""
    wanted = [ids[f.url] for f in feeds if f.url in ids and config.full_text(f)]
    if not wanted:
        return None
    from toaster_tui.refresh.pages import fetch_pages

    report = asyncio.run(fetch_pages(store.path, config.settings, feed_ids=wanted))
    for failure in report.failures:
        err(f"{failure.url}: full article not fetched: {failure.error}")
    return report


def cmd_refresh(args: argparse.Namespace) -> int:
    config = load_config(args)
    feeds = [f for f in config.feeds if args.topic is None or f.topic == args.topic]
    if args.topic is not None and not feeds:
        raise UsageError(f"no feeds in topic {args.topic!r}")
    store = open_store(args, config)
    try:
        rows = listing.list_feeds(store.db)
        if not args.all:  # refresh_minutes: only the feeds due
            due = set(due_feed_ids(rows, config, time.time(), automatic=False))
            feeds_due = {r.url for r in rows if r.id in due}
            feeds = [f for f in feeds if f.url in feeds_due]
        outcomes = refresh_feeds(config, store, feeds, ProgressBar(sys.stderr))
        removed = expire(store.db, keep_days_by_feed(config, {r.url: r.id for r in rows}))
        news = summary_for(store.db, outcomes, config) if args.notify_command else None
        failed = sum(o.failed for o in outcomes)
        new = sum(o.new for o in outcomes)
        unchanged = sum(o.kind == "not_modified" for o in outcomes)
        line = f"{len(outcomes)} feeds: {new} new articles, {unchanged} unchanged, {failed} failed"
        waiting = len([f for f in config.feeds if args.topic in (None, f.topic)]) - len(outcomes)
        if waiting > 0:
            line += f", {waiting} not due yet (--all fetches them)"
        if removed:
            line += f"; {removed} old read articles removed (keep_days)"
        # The feeds' line first: the pages never hold up what the feeds brought.
        out(line)
        sys.stdout.flush()
        pages = _fetch_pages(store, config, {r.url: r.id for r in rows}, feeds)
    finally:
        store.close()
    if pages is not None and pages.outcomes:
        out(f"{len(pages.outcomes)} full articles: {len(pages.stored)} fetched, "
             f"{len(pages.failures)} failed (the feed's text kept)")
    problem = run_command(args.notify_command, news) if news is not None else None
    if problem is not None:
        err(problem)
    return 1 if failed or problem else 0


def cmd_vacuum(args: argparse.Namespace) -> int:
    config = load_config(args)
    store = open_store(args, config)
    try:
        before = disk_size(store.path)
        ids = {r.url: r.id for r in listing.list_feeds(store.db)}
        step("removing read articles older than keep_days")
        removed = expire(store.db, keep_days_by_feed(config, ids))
        done = compact(store.db, store.path, before, step=step)
    finally:
        store.close()
    out(f"removed {removed:,} read, unstarred articles older than keep_days "
         f"and {done.forgotten_dropped:,} expired tombstones")
    out(f"database size: {_size(done.size_before)} before, {_size(done.size_after)} after")
    return 0


def _size(n: int) -> str:
    return f"{n / 1e6:,.1f} MB ({n:,} bytes)"


def cmd_filters(args: argparse.Namespace) -> int:
    config = load_config(args)
    if args.what == "unhide":
        return _unhide(args, config)
    if not config.filters:
        out(f"no [[filters]] in {config.path}")
        return 0
    store = open_store(args, config)
    changed = store.apply_filters(FilterSet(config.filters))
    store.close()
    for rule, n in zip(config.filters, changed, strict=True):
        done = {"hide": "hidden", "mark_read": "marked read", "star": "starred"}[rule.action]
        out(f"filter on line {rule.line} ({rule.action}): {n} article{'' if n == 1 else 's'} "
             f"{done}")
    return 0


def _unhide(args: argparse.Namespace, config: Config) -> int:
    """`toaster filters unhide`: after a hide filter was changed or removed."""
    store = open_store(args, config)
    try:
        back, kept = store.unhide_unfiltered(FilterSet(config.filters))
    finally:
        store.close()
    out(f"{back} hidden article{'' if back == 1 else 's'} back in the lists (still marked "
        f"read); {kept} still hidden by a filter")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from toaster_tui.sync.credentials import sync_password
    from toaster_tui.sync.engine import run_sync

    config = load_config(args)
    if config.sync is None:
        raise UsageError(f"no [sync] table in {config.path} (the README's Sync section says how)")
    password = sync_password(config.sync)
    open_store(args, config).close()  # the cache exists, migrated, local feeds in step
    report = run_sync(paths.db_path(getattr(args, "db", None)), config.sync, password,
                      timeout=config.settings.timeout, filters=config.filters)
    sent = report.pushed + report.subscriptions_sent
    out(f"synced: {report.feeds} server feeds, {report.new_items} new articles, "
         f"{sent} changes sent, {report.state_changes} read/star updates "
         f"({report.seconds:.1f} s)")
    for line in report.refused:  # dropped from the queue: this is where the user learns it
        err(line)
    return 1 if report.refused else 0
