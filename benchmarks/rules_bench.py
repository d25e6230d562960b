"""What [[filters]] and [[views]] cost at scale: refresh (storing new articles)
with 50 filters against none, and the sidebar's counts with 20 views against
none, measured alternately in one run on the same database (medians, ratio).

    python benchmarks/rules_bench.py                       # 100,000 articles
    python benchmarks/rules_bench.py --articles 20000 --repeat 5
    python benchmarks/rules_bench.py --db /tmp/bench.db    # keep the filled database
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

from store_bench import fill, make_entry, vocabulary
from toaster_tui.core.models import DEFAULT_TOPICS, FeedData
from toaster_tui.core.rules import FilterRule, ViewRule
from toaster_tui.store import listing
from toaster_tui.store.database import Store
from toaster_tui.store.filters import FilterSet
from toaster_tui.store.views import view_counts

FEEDS_PER_REFRESH = 50
NEW_PER_FEED = 10


def terms(store: Store, count: int, offset: int) -> list[str]:
    """Indexed words from the commonest on, `offset` apart in frequency order."""
    rows = store.db.execute("SELECT term FROM articles_fts_terms ORDER BY doc DESC"
                            " LIMIT ? OFFSET ?", (count * 40, offset)).fetchall()
    return [r[0] for r in rows[::40]][:count]


def make_filters(words: list[str]) -> list[FilterRule]:
    """50 filters of every kind: regexes, words, feeds, topics, ages, mixed."""
    rules: list[FilterRule] = []
    for i in range(10):
        rules.append(FilterRule("hide" if i < 2 else "mark_read",
                                title=rf"^{words[i]}\b|\b{words[i + 10]}$"))
        rules.append(FilterRule("star", author=rf"^author {i * 37}$"))
        rules.append(FilterRule("mark_read", text=f"{words[i + 20]} {words[i + 30]}"))
        rules.append(FilterRule("mark_read", feed=f"https://bench{i * 7}*.example/*",
                                topic=DEFAULT_TOPICS[i % 19]))
        rules.append(FilterRule("mark_read", older_than_days=30 + i * 30,
                                topic=DEFAULT_TOPICS[(i + 3) % 19], title=f"(?i){words[i + 40]}"))
    return rules


def make_views(words: list[str]) -> list[ViewRule]:
    """20 views of every kind: searches, topics, feeds, starred, recent."""
    views: list[ViewRule] = []
    for i in range(5):
        views.append(ViewRule(f"search {i}", search=words[i * 9]))
        views.append(ViewRule(f"topic {i}", topic=DEFAULT_TOPICS[i], unread=True))
        views.append(ViewRule(f"recent {i}", topic=DEFAULT_TOPICS[i + 5], since_days=7 * (i + 1)))
    for i in range(3):
        views.append(ViewRule(f"feeds {i}", feed=f"https://bench{i}*.example/*"))
    views.append(ViewRule("starred", starred=True))
    views.append(ViewRule("starred search", starred=True, search=words[3]))
    return views


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--db", type=Path, help="keep the database here instead of a temp dir")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if not path.exists():
            secs = fill(path, args.articles, args.feeds)
            print(f"filled {args.articles:,} articles in {args.feeds} feeds: {secs:.1f} s")
        store = Store(path)
        db = store.db
        filters = FilterSet(make_filters(terms(store, 50, 0)))
        views = make_views(terms(store, 50, 5))
        feed_ids = [r[0] for r in db.execute(
            "SELECT id FROM feeds WHERE subscribed = 1 ORDER BY id")]
        rng = random.Random(11)
        vocab = vocabulary(rng)
        weights = [1 / (rank + 1) for rank in range(len(vocab))]
        start = datetime.now(UTC)
        batch = 0

        def refresh(with_filters: bool) -> Callable[[], object]:
            """A refresh storing FEEDS_PER_REFRESH feeds of NEW_PER_FEED new articles."""
            nonlocal batch
            batch += 1
            chosen = rng.sample(feed_ids, FEEDS_PER_REFRESH)
            docs = [(fid, FeedData(f"Bench {fid}", None, "en", tuple(
                make_entry(rng, vocab, weights, fid, batch * 1000 + n,
                           start - timedelta(days=rng.randint(0, 400)))
                for n in range(NEW_PER_FEED)))) for fid in chosen]

            def run() -> object:
                store.filters = filters if with_filters else None
                for fid, data in docs:
                    store.save_feed(fid, data, status=200, etag=None, last_modified=None,
                                    fetch_url=None)
                return None
            return run

        def sidebar(with_views: bool) -> object:
            """What the app's sidebar query does (app/data.py DataSource.sidebar)."""
            feeds, counts = listing.sidebar_counts(db)
            return feeds, counts, view_counts(db, views if with_views else ())

        results: dict[str, list[float]] = {k: [] for k in ("r0", "r1", "s0", "s1")}
        sidebar(True)  # warm the page cache
        for _ in range(args.repeat):
            for flag in (False, True):  # alternate, so drift hits both alike
                run = refresh(flag)
                began = time.perf_counter()
                run()
                results[f"r{int(flag)}"].append((time.perf_counter() - began) * 1000)
            for flag in (False, True):
                began = time.perf_counter()
                sidebar(flag)
                results[f"s{int(flag)}"].append((time.perf_counter() - began) * 1000)
        total = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        hidden = db.execute("SELECT count(*) FROM articles WHERE hidden = 1").fetchone()[0]
        store.close()

    med = {k: statistics.median(v) for k, v in results.items()}
    new = FEEDS_PER_REFRESH * NEW_PER_FEED
    print(f"\n{total:,} articles ({hidden:,} hidden by the filters), {args.repeat} runs, "
          "medians in ms\n")
    print(f"{'measure':<52} {'none':>9} {'rules':>9} {'ratio':>7}")
    print(f"{f'refresh: store {FEEDS_PER_REFRESH} feeds, {new} new articles':<52} "
          f"{med['r0']:>9.1f} {med['r1']:>9.1f} {med['r1'] / med['r0']:>6.2f}x"
          f"   (50 filters: +{(med['r1'] - med['r0']) / new * 1000:.0f} us per new article)")
    print(f"{'sidebar counts (feeds, topics, starred + views)':<52} "
          f"{med['s0']:>9.1f} {med['s1']:>9.1f} {med['s1'] / med['s0']:>6.2f}x"
          f"   (20 views: +{(med['s1'] - med['s0']) / 20:.2f} ms per view)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
