"""`toaster demo`: a throw-away config and database filled from the bundled feeds.

No network and no textual here: `seed_demo` builds the files the TUI then
opens, and `DemoRefresher` stands in for refresher.Refresher so that pressing
r/R in the demo re-reads the bundled files instead of fetching `.invalid` urls.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from toaster_tui.config.load import parse_config
from toaster_tui.core.errors import FeedError, StorageError
from toaster_tui.core.models import FeedData, Settings
from toaster_tui.demo import samples as demo
from toaster_tui.feeds.parse import parse_feed
from toaster_tui.refresh.outcomes import FeedOutcome, ProgressFn, RefreshReport
from toaster_tui.store.database import Store

__all__ = ["DemoRefresher", "seed_demo"]


def seed_demo(directory: Path) -> tuple[Path, Path]:
    """Write the demo config.toml and build toaster.db in `directory`.

    Returns (config_path, db_path).
    """
    directory.mkdir(parents=True, exist_ok=True)
    config_path = directory / "config.toml"
    db_path = directory / "toaster.db"
    text = demo.demo_config_text()
    config_path.write_text(text, encoding="utf-8")
    config = parse_config(text, config_path)
    store = Store(db_path)
    try:
        ids = store.sync_feeds(config.feeds)
        for url, path in demo.demo_feed_files().items():
            data = parse_feed(path.read_bytes(), url, None)
            store.save_feed(ids[url], data, status=200, etag=None, last_modified=None,
                            fetch_url=None)
    finally:
        store.close()
    return config_path, db_path


class DemoRefresher:
    """Refresher's interface over the bundled files: a refresh re-reads them."""

    def __init__(self, db_path: Path, settings: Settings) -> None:
        self.db_path = db_path
        self.settings = settings

    async def run(
        self,
        feed_ids: Sequence[int],
        *,
        due_only: bool = False,
        progress: ProgressFn | None = None,
    ) -> RefreshReport:
        loop = asyncio.get_running_loop()
        # Same shape as Refresher: one thread owns the connection.
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="toaster-demo-db")
        report = RefreshReport()
        try:
            store = await loop.run_in_executor(writer, lambda: Store(self.db_path))
            try:
                states = await loop.run_in_executor(writer, store.fetch_states, list(feed_ids))
                files = demo.demo_feed_files()
                for done, state in enumerate(states, 1):
                    outcome = await self._one(loop, writer, store, state.id, state.url, files)
                    report.outcomes.append(outcome)
                    if progress is not None:
                        progress(done, len(states), outcome)
            finally:
                await loop.run_in_executor(writer, store.close)
        finally:
            writer.shutdown(wait=True)
        return report

    async def _one(
        self,
        loop: asyncio.AbstractEventLoop,
        writer: ThreadPoolExecutor,
        store: Store,
        feed_id: int,
        url: str,
        files: dict[str, Path],
    ) -> FeedOutcome:
        path = files.get(url)
        if path is None:
            error = "not a bundled demo feed (the demo is offline)"
            await loop.run_in_executor(writer, lambda: store.save_failure(
                feed_id, status=None, error=error, next_fetch=None))
            return FeedOutcome(feed_id, url, "failed", error=error)
        try:
            data: FeedData = await asyncio.to_thread(parse_feed, path.read_bytes(), url, None)
            counts = await loop.run_in_executor(writer, lambda: store.save_feed(
                feed_id, data, status=200, etag=None, last_modified=None, fetch_url=None,
                now=int(time.time())))
        except (FeedError, StorageError, OSError) as exc:
            return FeedOutcome(feed_id, url, "failed", error=str(exc))
        return FeedOutcome(feed_id, url, "updated", counts.new, counts.updated, status=200)
