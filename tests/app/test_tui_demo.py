"""`toaster demo`'s files: the bundled feeds, parsed into a throw-away cache."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tui_helpers import Library, make_app, screen_text, settle, wait_until

from toaster_tui.config.load import load_config
from toaster_tui.core.models import Settings
from toaster_tui.demo import samples as demo
from toaster_tui.demo.session import DemoRefresher, seed_demo
from toaster_tui.store import listing
from toaster_tui.store.database import connect


def test_seed_demo_writes_the_config_and_fills_the_cache(tmp_path: Path) -> None:
    config_path, db_path = seed_demo(tmp_path / "demo")
    config = load_config(config_path)
    assert config_path.read_text(encoding="utf-8") == demo.demo_config_text()
    assert len(config.feeds) == len(demo.demo_feed_files())
    db = connect(db_path)
    feeds = listing.list_feeds(db)
    assert all(f.article_count > 0 for f in feeds), [f.url for f in feeds if not f.article_count]
    assert all(f.last_error is None for f in feeds)
    assert listing.count_articles(db) >= len(feeds)
    db.close()


def test_demo_refresher_rereads_the_bundled_files_offline(tmp_path: Path) -> None:
    _config, db_path = seed_demo(tmp_path / "demo")
    db = connect(db_path)
    ids = [f.id for f in listing.list_feeds(db)]
    db.close()
    seen: list[tuple[int, int]] = []
    report = asyncio.run(DemoRefresher(db_path, Settings()).run(
        ids, progress=lambda done, total, outcome: seen.append((done, total))))
    assert [o.kind for o in report.outcomes] == ["updated"] * len(ids)
    assert report.new_articles == 0  # the same files: nothing new, nothing lost
    assert seen[-1] == (len(ids), len(ids))


async def test_the_demo_app_refreshes_without_network(tmp_path: Path) -> None:
    config_path, db_path = seed_demo(tmp_path / "demo")
    app = make_app(Library(config_path, db_path), demo=True, refresher=DemoRefresher)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "All Topics" in text and "Technology" in text
        await pilot.press("R")
        await wait_until(pilot, lambda: app.refresh_count == 1, what="the demo refresh")
        await settle(pilot)
        assert app.last_report is not None and not app.last_report.failures
        assert "Refreshed: 0 new" in screen_text(app)
