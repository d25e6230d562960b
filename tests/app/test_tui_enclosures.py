"""The reader and a podcast episode: its playing time, its files, and O to play it."""

from __future__ import annotations

from pathlib import Path

from tui_helpers import FIXED_NOW, Library, make_app, screen_text, settle, write_library

from toaster_tui.app.widgets.reader import ReaderPane
from toaster_tui.feeds.parse import parse_feed
from toaster_tui.store.database import Store

URL = "https://cast.example.test/feed.xml"
AUDIO = "https://cdn.cast.example.test/ep42.mp3"
SIZE = (140, 44)
FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Night Cast</title><link>https://cast.example.test/</link>
<description>Talk</description><language>en</language>
<item><title>Episode 42: the long one</title><link>https://cast.example.test/42</link>
<guid>ep42</guid><pubDate>Mon, 02 Nov 2026 09:00:00 +0000</pubDate>
<description>We talk about bridges for a while.</description>
<enclosure url="https://cdn.cast.example.test/notes.pdf" length="2048" type="application/pdf"/>
<enclosure url="{AUDIO}" length="98765432" type="audio/mpeg"/>
<itunes:duration>6720</itunes:duration></item>
<item><title>Plain post</title><link>https://cast.example.test/post</link><guid>post</guid>
<pubDate>Mon, 02 Nov 2026 08:00:00 +0000</pubDate><description>No audio.</description></item>
</channel></rss>""".encode()


def cast_library(directory: Path) -> Library:
    lib = write_library(directory, feeds=((URL, "Music", None),))
    store = Store(lib.db_path)
    feed_id = store.db.execute("SELECT id FROM feeds WHERE url = ?", (URL,)).fetchone()[0]
    store.save_feed(feed_id, parse_feed(FEED, URL, None), status=200, etag=None,
                    last_modified=None, fetch_url=None, now=int(FIXED_NOW.timestamp()))
    store.close()
    return lib


async def test_reader_shows_the_episode_and_O_plays_it(tmp_path: Path,
                                                       browser: list[str]) -> None:
    app = make_app(cast_library(tmp_path / "lib"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The list row already says how long it plays, not "1 min read".
        assert "3w ago · 1 h 52 min listen" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.query_one(ReaderPane)
        assert reader.row is not None and reader.row.title == "Episode 42: the long one"
        text = screen_text(app)
        assert "3w ago · 1 h 52 min listen · en" in text
        assert "Attachments  · O opens the first audio or video" in text
        assert "audio/mpeg · 1 h 52 min · 98.8 MB" in text
        assert AUDIO in text
        assert "application/pdf · 2.0 kB" in text

        await pilot.press("O")  # the audio, though the PDF is listed first
        await settle(pilot)
        assert browser == [AUDIO]

        # A click opens the one clicked: the PDF listed first.
        await pilot.click("#reader-enclosures", offset=(2, 0))
        await settle(pilot)
        assert browser == [AUDIO, "https://cdn.cast.example.test/notes.pdf"]

        # An article without enclosures: nothing opens, the user is told why.
        await pilot.press("shift+tab", "j", "enter")  # the click focused the reader
        await settle(pilot)
        assert reader.row is not None and reader.row.title == "Plain post"
        assert "1 min read" in screen_text(app)
        await pilot.press("O")
        await settle(pilot)
        assert browser == [AUDIO, "https://cdn.cast.example.test/notes.pdf"]
        told = " ".join(str(n.message) for n in app._notifications)
        assert "This article has no audio or video to open." in told
