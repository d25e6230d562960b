"""The reader's meta line: a detected language, or none, never "unknown"."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import FIXED_NOW, Library, make_app, screen_text, settle, write_library

from toaster_tui.app.widgets.reader import ReaderPane
from toaster_tui.feeds.parse import parse_feed
from toaster_tui.store.database import Store

URL = "https://town.example.test/feed.xml"
SIZE = (140, 44)
# No <language> anywhere: one English article, one too short to tell.
FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Town Desk</title><link>https://town.example.test/</link>
<description>Local news</description>
<item><title>The bridge is open again</title><link>https://town.example.test/bridge</link>
<guid>bridge</guid><pubDate>Mon, 02 Nov 2026 09:00:00 +0000</pubDate>
<description>The bridge over the river was closed for most of the summer while the old
bearings were replaced. Now that it has opened again, the morning traffic is back to what
it was, and the buses that had to go around the long way are running on time.</description>
</item>
<item><title>v2.1</title><link>https://town.example.test/v21</link><guid>v21</guid>
<pubDate>Mon, 02 Nov 2026 08:00:00 +0000</pubDate><description>1.2.3 to 2.1</description></item>
</channel></rss>"""


def town_library(directory: Path) -> Library:
    lib = write_library(directory, feeds=((URL, "News", None),))
    store = Store(lib.db_path)
    feed_id = store.db.execute("SELECT id FROM feeds WHERE url = ?", (URL,)).fetchone()[0]
    store.save_feed(feed_id, parse_feed(FEED, URL, None), status=200, etag=None,
                    last_modified=None, fetch_url=None, now=int(FIXED_NOW.timestamp()))
    store.close()
    return lib


async def test_reader_shows_a_detected_language_or_none(tmp_path: Path) -> None:
    app = make_app(town_library(tmp_path / "lib"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.query_one(ReaderPane)
        assert reader.row is not None and reader.row.title == "The bridge is open again"
        assert "3w ago · 1 min read · en" in screen_text(app)

        await pilot.press("j", "enter")
        await settle(pilot)
        assert reader.row is not None and reader.row.title == "v2.1"
        text = screen_text(app)
        assert "unknown" not in text
        meta = [line for line in text.splitlines() if "min read" in line]
        assert meta and all("min read ·" not in line for line in meta), meta
