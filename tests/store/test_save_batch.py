"""Several fetched feeds written in one transaction (Store.save_feeds): what
each feed gets is what it would get alone, and one that cannot be stored
takes nobody else with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedsamples import make_items, rss2
from toaster_tui.core.errors import StorageError
from toaster_tui.core.models import FeedSpec
from toaster_tui.feeds.parse import parse_feed
from toaster_tui.store import listing
from toaster_tui.store.database import FeedWrite, Store, StoreCounts

URLS = [f"https://{name}.example/feed" for name in ("apricot", "bramble", "cherry")]


def _store(tmp_path: Path) -> tuple[Store, dict[str, int]]:
    store = Store(tmp_path / "t.db")
    return store, store.sync_feeds([FeedSpec(url, "Science") for url in URLS])


def _write(feed_id: int, name: str, count: int = 3) -> FeedWrite:
    data = parse_feed(rss2(make_items(name, count)), f"https://{name}.example/feed")
    return FeedWrite(feed_id, data, 200, f'"{name}"', None, None)


def test_a_batch_stores_every_feed_and_makes_it_searchable(tmp_path: Path) -> None:
    store, ids = _store(tmp_path)
    results = store.save_feeds([_write(ids[URLS[0]], "apricot"),
                                _write(ids[URLS[1]], "bramble", 2)])
    assert results == [StoreCounts(3, 0), StoreCounts(2, 0)]
    assert listing.count_articles(store.db) == 5
    assert store.db.execute("SELECT etag FROM feeds WHERE id = ?",
                            (ids[URLS[1]],)).fetchone() == ('"bramble"',)
    # Each feed's rows were indexed, not only the last feed's.
    for name, count in (("apricot", 3), ("bramble", 2)):
        hits = listing.list_articles(store.db, listing.ArticleFilter(search=name))
        assert sorted(r.title for r in hits) == [f"{name.title()} story {n}"
                                                 for n in range(count)]
    # The same feeds again: nothing new, as a single save would say.
    assert store.save_feeds([_write(ids[URLS[0]], "apricot")]) == [StoreCounts(0, 0)]


def test_a_feed_that_cannot_be_stored_is_undone_alone(tmp_path: Path) -> None:
    store, ids = _store(tmp_path)
    missing = max(ids.values()) + 100  # no such feed: its articles break a foreign key
    results = store.save_feeds([_write(ids[URLS[0]], "apricot"), _write(missing, "bramble"),
                                _write(ids[URLS[2]], "cherry")])
    assert results[0] == StoreCounts(3, 0) and results[2] == StoreCounts(3, 0)
    assert isinstance(results[1], StorageError)
    assert str(results[1]).startswith(str(tmp_path / "t.db"))
    assert "FOREIGN KEY" in str(results[1])
    feeds = {fid for (fid,) in store.db.execute("SELECT DISTINCT feed_id FROM articles")}
    assert feeds == {ids[URLS[0]], ids[URLS[2]]}
    assert store.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # The search index holds exactly the rows kept (SQLite raises if not).
    store.db.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def test_a_batch_lost_whole_is_one_storage_error(tmp_path: Path) -> None:
    store, ids = _store(tmp_path)
    store.db.execute("PRAGMA query_only = ON")  # every write fails, BEGIN included
    with pytest.raises(StorageError):
        store.save_feeds([_write(ids[URLS[0]], "apricot")])
    store.db.execute("PRAGMA query_only = OFF")
    assert listing.count_articles(store.db) == 0
