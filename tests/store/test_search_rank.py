"""Search results in order of relevance: title matches first, then body
matches, newest first among equals; keyset pages that join up exactly."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from feedsamples import BASE_TIME, Item, make_items, rss2
from toaster_tui.core.models import FeedSpec
from toaster_tui.feeds.parse import parse_feed
from toaster_tui.store import listing
from toaster_tui.store.database import Store

FEED = "https://a.example/feed"


def store_with(tmp_path: Path, items: list[Item]) -> Store:
    store = Store(tmp_path / "t.db")
    ids = store.sync_feeds([FeedSpec(FEED, "Science")])
    store.save_feed(ids[FEED], parse_feed(rss2(items), FEED), status=200, etag=None,
                    last_modified=None, fetch_url=None)
    return store


def item(n: int, title: str, body: str, hours_ago: int) -> Item:
    return Item(f"id-{n}", title, f"https://a.example/{n}", BASE_TIME - timedelta(hours=hours_ago),
                f"<p>{body}</p>")


def search(store: Store, words: str, **kw: object) -> list[str]:
    return [r.title for r in listing.list_articles(
        store.db, listing.ArticleFilter(search=words), **kw)]  # type: ignore[arg-type]


def test_a_title_match_outranks_a_newer_body_only_match(tmp_path: Path) -> None:
    filler = "Notes from the week about trains, gardens, bread and the weather outside."
    store = store_with(tmp_path, [
        item(1, "Weekend notes", f"{filler} We saw a heron, then another heron, heron again.", 1),
        item(2, "Walking by the canal", f"{filler} Nothing special.", 2),
        item(3, "The heron at the weir", f"{filler} It stood there all morning.", 30),
        item(4, "Odds and ends", f"{filler} A heron flew past once.", 3),
    ])
    assert search(store, "heron") == ["The heron at the weir", "Weekend notes", "Odds and ends"]
    # As you type: the last word is a prefix, and the order is the same.
    assert search(store, "hero") == ["The heron at the weir", "Weekend notes", "Odds and ends"]


def test_equal_relevance_falls_back_to_newest_first(tmp_path: Path) -> None:
    # make_items: the same words in every item, only the numbers (and dates) differ.
    store = store_with(tmp_path, make_items("a", 12))
    hits = listing.list_articles(store.db, listing.ArticleFilter(search="compost"))
    assert [r.title for r in hits] == [f"A story {n}" for n in range(12)]
    assert [r.when for r in hits] == sorted((r.when for r in hits), reverse=True)


def ranked_items() -> list[Item]:
    """Three relevance levels of ten articles each, dates interleaved."""
    items = []
    for n in range(30):
        level = n % 3
        title = "Kestrel sighting log" if level == 0 else f"Field diary page {n}"
        body = ("kestrel " * (3 if level == 1 else 1)) + "seen over the meadow today."
        items.append(item(n, title if level else f"{title} {n}", body, n))
    items.append(item(99, "Unrelated", "Nothing about birds of prey here.", 5))
    return items


def test_paging_through_ranked_results_returns_every_match_once(tmp_path: Path) -> None:
    store = store_with(tmp_path, ranked_items())
    flt = listing.ArticleFilter(search="kestrel")
    whole = listing.list_articles(store.db, flt, limit=100)
    assert len(whole) == 30 == listing.count_articles(store.db, flt)
    assert all(r.title.startswith("Kestrel") for r in whole[:10])  # title matches first
    for size in (1, 4, 7, 10):
        paged: list[int] = []
        after = None
        while True:
            page = listing.list_articles(store.db, flt, limit=size, after=after)
            if not page:
                break
            paged += [r.id for r in page]
            after = listing.cursor_of(page[-1])
        assert paged == [r.id for r in whole], size
        # Offset pages agree with the keyset ones.
        by_offset = [r.id for k in range(0, 30, size)
                     for r in listing.list_articles(store.db, flt, limit=size, offset=k)]
        assert by_offset == paged


def test_ranked_pages_with_other_filters(tmp_path: Path) -> None:
    store = store_with(tmp_path, ranked_items())
    whole = listing.list_articles(store.db, listing.ArticleFilter(search="kestrel"), limit=100)
    store.set_read([r.id for r in whole[::2]])
    flt = listing.ArticleFilter(search="kestrel", unread_only=True, topic="Science")
    unread = listing.list_articles(store.db, flt, limit=100)
    assert [r.id for r in unread] == [r.id for r in whole[1::2]]
    first = listing.list_articles(store.db, flt, limit=6)
    rest = listing.list_articles(store.db, flt, limit=100, after=listing.cursor_of(first[-1]))
    assert [r.id for r in first + rest] == [r.id for r in unread]


def test_listings_without_search_stay_newest_first(tmp_path: Path) -> None:
    store = store_with(tmp_path, ranked_items())
    rows = listing.list_articles(store.db, limit=100)
    assert [r.when for r in rows] == sorted((r.when for r in rows), reverse=True)
    assert [r.title for r in rows[:3]] == ["Kestrel sighting log 0", "Field diary page 1",
                                         "Field diary page 2"]


def test_a_search_matching_more_than_the_cap_lists_newest_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ranking every match of a very common word is slow in a big cache: such a
    # search (or a one- or two-letter word being typed) lists newest first.
    store = store_with(tmp_path, ranked_items())
    monkeypatch.setattr(listing, "RANK_CAP", 20)
    for words in ("kestrel", "ke"):
        rows = listing.list_articles(store.db, listing.ArticleFilter(search=words), limit=100)
        assert len(rows) == 30
        assert [r.when for r in rows] == sorted((r.when for r in rows), reverse=True)
    # Under the cap, by relevance: title matches first (not the newest, n = 1).
    monkeypatch.setattr(listing, "RANK_CAP", 100)
    rows = listing.list_articles(store.db, listing.ArticleFilter(search="ke"), limit=100)
    assert [r.title for r in rows[:2]] == ["Kestrel sighting log 0", "Kestrel sighting log 3"]
