"""Store and query speed at scale: fills a database with generated articles
through the real write path, then times listing, counting, search and
related-article queries (medians over repeats), each beside a baseline
measured in the same run (the same query with the listing indexes disabled).

    python benchmarks/store_bench.py            # 100,000 articles
    python benchmarks/store_bench.py --articles 20000 --repeat 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from toaster_tui.app import cache_watch
from toaster_tui.core.models import DEFAULT_TOPICS, EntryData, FeedData, FeedSpec
from toaster_tui.store import detail, listing
from toaster_tui.store.database import Store

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "si", "pe", "da", "gu", "fe", "zo", "bi"]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def make_entry(rng: random.Random, vocab: list[str], weights: list[float], feed: int, n: int,
               when: datetime) -> EntryData:
    words = rng.choices(vocab, weights, k=rng.randint(80, 260))
    title = " ".join(rng.choices(vocab, weights, k=6)).capitalize()
    text = " ".join(words)
    return EntryData(
        key=f"f{feed}-e{n}", title=title, url=f"https://bench{feed}.example/{n}",
        author=f"Author {feed}", published=when, updated=None,
        content_html=f"<p>{text}</p>", summary_html="", text=text, snippet=text[:280],
        categories=("bench",), language="en", read_minutes=max(1, len(words) // 230),
    )


def fill(path: Path, articles: int, feeds: int, seed: int = 7) -> float:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(vocab))]  # Zipf-like
    store = Store(path)
    specs = [FeedSpec(f"https://bench{i}.example/feed.xml", DEFAULT_TOPICS[i % 19])
             for i in range(feeds)]
    ids = store.sync_feeds(specs)
    per_feed = articles // feeds
    start = datetime(2026, 11, 1, tzinfo=UTC)
    began = time.perf_counter()
    for i, spec in enumerate(specs):
        entries = tuple(
            make_entry(rng, vocab, weights, i, n,
                       start - timedelta(minutes=rng.randint(0, 60 * 24 * 365)))
            for n in range(per_feed)
        )
        store.save_feed(ids[spec.url], FeedData(f"Bench {i}", None, "en", entries),
                        status=200, etag=None, last_modified=None, fetch_url=None)
    # Some reading history, as a real cache has.
    all_ids = [r[0] for r in store.db.execute("SELECT id FROM articles")]
    store.set_read(rng.sample(all_ids, len(all_ids) // 2))
    for aid in rng.sample(all_ids, 300):
        store.set_starred(aid, True)
    store.db.execute("ANALYZE")
    store.close()
    return time.perf_counter() - began


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        out.append((time.perf_counter() - began) * 1000)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--db", type=Path, help="keep the database here instead of a temp dir")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if not path.exists():
            secs = fill(path, args.articles, args.feeds)
            print(f"filled {args.articles:,} articles in {args.feeds} feeds: {secs:.1f} s "
                  f"({args.articles / secs:,.0f} articles/s through Store.save_feed)")
        store = Store(path)
        db = store.db
        feed_id = db.execute("SELECT id FROM feeds LIMIT 1 OFFSET 7").fetchone()[0]
        common = db.execute(
            "SELECT term FROM articles_fts_terms ORDER BY doc DESC LIMIT 1 OFFSET 20"
        ).fetchone()[0]
        rare = db.execute(
            "SELECT term FROM articles_fts_terms ORDER BY abs(doc - 100) LIMIT 1"
        ).fetchone()[0]
        sample_ids = [r[0] for r in db.execute(
            "SELECT id FROM articles ORDER BY random() LIMIT 20")]
        page = listing.list_articles(db, limit=100, offset=50_000 % max(1, args.articles))
        deep = listing.cursor_of(page[-1]) if page else None

        def unindexed_first_page() -> object:
            return db.execute(
                """SELECT a.id FROM articles a NOT INDEXED JOIN feeds f ON f.id = a.feed_id
                   WHERE f.subscribed = 1 ORDER BY a.sort_time DESC, a.id DESC LIMIT 100"""
            ).fetchall()

        related_iter = iter(sample_ids * (args.repeat + 1))
        cases: list[tuple[str, Callable[[], object]]] = [
            ("baseline: first page, indexes off", unindexed_first_page),
            ("list all, first 100", lambda: listing.list_articles(db, limit=100)),
            ("list all, keyset page at 50k", lambda: listing.list_articles(
                db, limit=100, after=deep)),
            ("list topic 'Science', 100", lambda: listing.list_articles(
                db, listing.ArticleFilter(topic="Science"), limit=100)),
            ("list one feed, 100", lambda: listing.list_articles(
                db, listing.ArticleFilter(feed_id=feed_id), limit=100)),
            ("list unread, 100", lambda: listing.list_articles(
                db, listing.ArticleFilter(unread_only=True), limit=100)),
            ("list starred, 100", lambda: listing.list_articles(
                db, listing.ArticleFilter(starred_only=True), limit=100)),
            ("unread counts (feeds+topics)", lambda: listing.unread_counts(db)),
            ("count topic articles", lambda: listing.count_articles(
                db, listing.ArticleFilter(topic="Science"))),
            ("feeds with counts", lambda: listing.list_feeds(db)),
            ("sidebar: both, one pass", lambda: listing.sidebar_counts(db)),
            ("cache watch look (after a write)", lambda: cache_watch.signature(db)),
            (f"search common word ({common})", lambda: listing.list_articles(
                db, listing.ArticleFilter(search=common), limit=100)),
            (f"search rare word ({rare})", lambda: listing.list_articles(
                db, listing.ArticleFilter(search=rare), limit=100)),
            ("search two words", lambda: listing.list_articles(
                db, listing.ArticleFilter(search=f"{common} {rare}"), limit=100)),
            ("related articles (5)", lambda: detail.related_articles(db, next(related_iter))),
            ("article detail (reader pane)", lambda: detail.article_detail(
                db, next(related_iter))),
        ]
        total = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        print(f"\n{total:,} articles, {args.repeat} runs each, times in ms\n")
        print(f"{'query':<36} {'median':>8} {'min':>8} {'max':>8} {'vs baseline':>12}")
        baseline = None
        for name, fn in cases:
            fn()  # warm the page cache once
            runs = timed(fn, args.repeat)
            median = statistics.median(runs)
            if baseline is None:
                baseline = median
            ratio = median / baseline if baseline else float("nan")
            print(f"{name:<36} {median:>8.2f} {min(runs):>8.2f} {max(runs):>8.2f} "
                  f"{ratio:>11.3f}x")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
