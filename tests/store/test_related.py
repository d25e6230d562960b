"""Related reading: only articles on the same subject, 0 to 5 of them, never
filler from a big feed that happens to share a word or two."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from feedsamples import BASE_TIME, Item, rss2
from toaster_tui.core.models import FeedSpec
from toaster_tui.feeds.parse import parse_feed
from toaster_tui.store import detail, listing
from toaster_tui.store.database import Store

BIG = "https://big.example/feed"
BLOG = "https://blog.example/feed"
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "pe", "da", "gu", "fe"]
# Everyday words the big feed uses now and then, as the sourdough post does.
SHARED = ["kitchen", "morning", "temperature", "patience", "weekend", "notebook"]


def big_feed_items(count: int = 120) -> list[Item]:
    """A busy feed about other things: made-up words, and now and then one of
    the everyday words the sourdough article uses too."""
    rng = random.Random(5)
    vocab = sorted({"".join(rng.choice(SYLLABLES) for _ in range(3)) for _ in range(600)})
    items = []
    for n in range(count):
        words = rng.choices(vocab, k=150)
        if n % 4 == 0:
            words[rng.randrange(150)] = rng.choice(SHARED)
            words[rng.randrange(150)] = rng.choice(SHARED)
        title = " ".join(rng.choices(vocab, k=5)).capitalize()
        items.append(Item(f"big-{n}", title, f"https://big.example/{n}",
                          BASE_TIME - timedelta(hours=n), f"<p>{' '.join(words)}.</p>"))
    return items


SOURDOUGH = Item(
    "sourdough", "Sourdough starter hydration explained", "https://blog.example/sourdough",
    BASE_TIME - timedelta(days=9),
    "<p>A sourdough starter is flour and water, fermented. Its hydration, the weight of "
    "water over the weight of flour, decides how the levain behaves: a stiff starter at "
    "fifty percent hydration ferments slowly and tastes sharper, a liquid one at a "
    "hundred percent hydration rises fast. I keep my starter in the kitchen, feed it "
    "each morning, and note the temperature and the rise in a notebook. Patience: "
    "a young starter needs two weeks before the levain raises a loaf.</p>")
FEEDING = Item(
    "feeding", "Feeding a sourdough starter: flour, water and hydration",
    "https://blog.example/feeding", BASE_TIME - timedelta(days=20),
    "<p>How much flour and water to feed a sourdough starter depends on the hydration "
    "you want. Rye flour ferments faster than white flour; a levain for a loaf wants "
    "a starter at its peak.</p>")


def cache(tmp_path: Path, blog: list[Item]) -> tuple[Store, int]:
    store = Store(tmp_path / "t.db")
    ids = store.sync_feeds([FeedSpec(BIG), FeedSpec(BLOG)])
    for url, items in ((BIG, big_feed_items()), (BLOG, blog)):
        store.save_feed(ids[url], parse_feed(rss2(items), url), status=200, etag=None,
                        last_modified=None, fetch_url=None)
    target = next(r for r in listing.list_articles(store.db, limit=500)
                  if r.title == SOURDOUGH.title)
    return store, target.id


def test_an_article_with_nothing_related_gets_no_related_reading(tmp_path: Path) -> None:
    store, target = cache(tmp_path, [SOURDOUGH])
    assert [r.title for r in detail.related_articles(store.db, target)] == []
    shown = detail.article_detail(store.db, target)
    assert shown is not None and shown.related == ()


def test_a_clearly_related_article_is_still_found(tmp_path: Path) -> None:
    store, target = cache(tmp_path, [SOURDOUGH, FEEDING])
    assert [r.title for r in detail.related_articles(store.db, target)] == [FEEDING.title]


def test_related_reading_is_at_most_five(tmp_path: Path) -> None:
    same = [Item(f"s{n}", f"Sourdough starter hydration, part {n}", f"https://blog.example/s{n}",
                 BASE_TIME - timedelta(days=n), SOURDOUGH.html) for n in range(8)]
    store, target = cache(tmp_path, [SOURDOUGH, *same])
    related = detail.related_articles(store.db, target)
    assert len(related) == 5
    assert {r.title for r in related} <= {s.title for s in same}
