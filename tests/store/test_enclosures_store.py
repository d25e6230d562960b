"""Enclosures in the cache: written with the entry, read back, and the upgrade
from schema 2 (before enclosures) keeping every read and starred state."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from toaster_tui.core.models import Enclosure, FeedData, FeedSpec
from toaster_tui.feeds.parse import parse_feed
from toaster_tui.store import detail, listing, schema
from toaster_tui.store.database import Store, content_hash

URL = "https://cast.example.test/feed.xml"
AUDIO = "https://cdn.cast.example.test/ep1.mp3"
FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Night Cast</title><link>https://cast.example.test/</link>
<item><title>Episode 1</title><guid isPermaLink="false">ep1</guid><description>Notes.</description>
<pubDate>Mon, 02 Nov 2026 09:00:00 +0000</pubDate>
<enclosure url="{AUDIO}" length="1000" type="audio/mpeg"/>
<itunes:duration>45:00</itunes:duration></item>
<item><title>Post</title><guid isPermaLink="false">post</guid><description>Words.</description>
<pubDate>Mon, 02 Nov 2026 08:00:00 +0000</pubDate></item>
<item><title>Other post</title><guid isPermaLink="false">other</guid>
<description>More words.</description>
<pubDate>Mon, 02 Nov 2026 07:00:00 +0000</pubDate></item>
</channel></rss>""".encode()


def _feed() -> FeedData:
    return parse_feed(FEED, URL)


def _save(store: Store, data: FeedData) -> tuple[int, int]:
    feed_id = store.sync_feeds([FeedSpec(URL, "Music")])[URL]
    counts = store.save_feed(feed_id, data, status=200, etag=None, last_modified=None,
                             fetch_url=None)
    return counts.new, counts.updated


def _id(store: Store, key: str) -> int:
    return int(store.db.execute("SELECT id FROM articles WHERE key = ?", (key,)).fetchone()[0])


def test_enclosures_are_stored_with_the_entry_and_read_back(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.db")
    assert _save(store, _feed()) == (3, 0)
    shown = detail.article_detail(store.db, _id(store, "ep1"), with_related=False)
    assert shown is not None
    assert shown.enclosures == (Enclosure(AUDIO, "audio/mpeg", 1000, 2700),)
    assert (shown.row.media, shown.row.media_seconds) == ("audio", 2700)
    post = detail.article_detail(store.db, _id(store, "post"), with_related=False)
    assert post is not None and post.enclosures == () and post.row.media is None
    # The same document again changes nothing; a changed enclosure updates in place.
    assert _save(store, _feed()) == (0, 0)
    moved = _feed()
    episode = replace(moved.entries[0], enclosures=(Enclosure(AUDIO + "?v=2", "audio/mpeg",
                                                              2000, 2760),))
    assert _save(store, replace(moved, entries=(episode, *moved.entries[1:]))) == (0, 1)
    again = detail.article_detail(store.db, _id(store, "ep1"), with_related=False)
    assert again is not None and again.enclosures[0].url == AUDIO + "?v=2"
    assert again.row.media_seconds == 2760
    store.close()


def _version_2_cache(path: Path) -> None:
    """A cache as the previous release left it: schema 2, articles read and starred,
    stored with that release's content hash (no enclosures in it)."""
    db = sqlite3.connect(path)
    db.executescript(f"BEGIN; {schema.MIGRATIONS[0]} {schema.MIGRATIONS[1]}"
                     " PRAGMA user_version = 2; COMMIT;")
    db.execute("INSERT INTO feeds (url, topic) VALUES (?, 'Music')", (URL,))
    for n, entry in enumerate(_feed().entries):
        old_hash = content_hash(replace(entry, enclosures=()))
        db.execute(
            """INSERT INTO articles (feed_id, key, title, first_seen, sort_time, content_html,
                   summary_html, text, snippet, language, read_minutes, content_hash,
                   read, starred)
               VALUES (1, ?, ?, 1, ?, ?, ?, ?, ?, '', 1, ?, ?, ?)""",
            (entry.key, entry.title, 100 - n, entry.content_html, entry.summary_html,
             entry.text, entry.snippet, old_hash, int(n < 2), int(n != 1)))
    db.execute("INSERT INTO articles_fts (rowid, title, text) SELECT id, title, text"
               " FROM articles")
    db.commit()
    db.close()


def test_a_version_2_cache_upgrades_keeping_read_and_starred(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    _version_2_cache(path)
    store = Store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == schema.LATEST_VERSION
    state = {r[0]: (r[1], r[2]) for r in store.db.execute(
        "SELECT key, read, starred FROM articles")}
    assert state == {"ep1": (1, 1), "post": (1, 0), "other": (0, 1)}
    before = detail.article_detail(store.db, _id(store, "ep1"), with_related=False)
    assert before is not None and before.enclosures == () and before.row.media is None

    # The next refresh: only the episode changed (its hash now covers the
    # enclosure); it gets it, and keeps its state like every other row.
    assert _save(store, _feed()) == (0, 1)
    after = {r[0]: (r[1], r[2]) for r in store.db.execute(
        "SELECT key, read, starred FROM articles")}
    assert after == state
    episode = detail.article_detail(store.db, _id(store, "ep1"), with_related=False)
    assert episode is not None
    assert episode.enclosures == (Enclosure(AUDIO, "audio/mpeg", 1000, 2700),)
    assert listing.count_articles(store.db) == 3
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    store.close()


def test_a_hand_edited_enclosures_column_is_read_safely(tmp_path: Path) -> None:
    assert detail.read_enclosures("not json") == ()
    assert detail.read_enclosures('{"url": 1}') == ()
    assert detail.read_enclosures(
        '[{"url": "javascript:alert(1)"}, 5, {"url": "https://e.example/a.mp3",'
        ' "type": 3, "length": true, "duration_seconds": 60}]'
    ) == (Enclosure("https://e.example/a.mp3", None, None, 60),)
