"""Listings and counts over the cache: articles by filter, feeds, unread counts.

Listings are newest first and use keyset or offset paging over indexes in
that order, so they stay fast at 100,000 articles. Search results are in
order of relevance instead (see `SEARCH_RANK`), newest first among equals.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from toaster_tui.core.models import ArticleRow, FeedRow, UnreadCounts
from toaster_tui.store.fts import fts_query, short_prefix
from toaster_tui.store.rows import ARTICLE_COLUMNS, article_row, moment


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a listing shows. Every field narrows the result."""

    topic: str | None = None
    feed_id: int | None = None
    feed_url: str | None = None
    unread_only: bool = False
    starred_only: bool = False
    search: str | None = None
    feed_glob: str | None = None
    """Feeds whose URL matches this glob (SQLite GLOB: `*`, `?`, `[...]`), as in [[views]]."""
    since_days: int | None = None
    """Only articles dated within the last this many days."""
    hidden: bool = False
    """List the articles filters hid (and only those) instead of the visible ones."""
    all_topics: bool = False
    """The "All Topics" listing: leaves out feeds set to hidden_from_all."""


# Ranking costs about 4 us a match (bm25 and the join for every one), so a
# search matching more articles than this is listed newest first instead: a
# word in over 5% of a 100k-article cache tells little about any of them.
RANK_CAP = 5_000

# bm25 with a title match worth ten body matches: even a long title that
# names the word once outranks a body that repeats it (bm25's term frequency
# part is at most 2.2). Not rounded: a word in over half the cache gets a tiny
# weight (1e-6) but still orders; equal articles tie exactly all the same.
SEARCH_RANK = "bm25(articles_fts, 10.0, 1.0)"


@dataclass(frozen=True)
class Cursor:
    """Keyset position: the last row of the previous page. In search results
    the store ranks that row again, so the cursor needs no rank of its own."""

    sort_time: int
    id: int


def _match(flt: ArticleFilter) -> str:
    # An empty search matches nothing rather than everything.
    return fts_query(flt.search or "") or '""'


def _where(flt: ArticleFilter, *, search: bool = True) -> tuple[list[str], list[object]]:
    clauses = ["f.subscribed = 1"]
    params: list[object] = []
    if flt.topic is not None:
        clauses.append("f.topic = ?")
        params.append(flt.topic)
    if flt.feed_id is not None:
        clauses.append("a.feed_id = ?")
        params.append(flt.feed_id)
    if flt.feed_url is not None:
        clauses.append("f.url = ?")
        params.append(flt.feed_url)
    if flt.hidden:
        clauses.append("a.hidden = 1")
    elif not flt.unread_only:
        # Hiding also marks read: an unread listing leaves hidden articles out
        # already, and keeps to its partial indexes.
        clauses.append("a.hidden = 0")
    if flt.feed_glob is not None:
        clauses.append("f.url GLOB ?")
        params.append(flt.feed_glob)
    if flt.since_days is not None:
        clauses.append("a.sort_time >= ?")
        params.append(int(time.time()) - flt.since_days * 86_400)
    if flt.unread_only:
        clauses.append("a.read = 0")
    if flt.starred_only:
        clauses.append("a.starred = 1")
    if flt.all_topics:
        clauses.append("f.hidden_from_all = 0")
    if flt.search is not None and search:
        clauses.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(_match(flt))
    return clauses, params


def list_articles(
    db: sqlite3.Connection,
    flt: ArticleFilter = ArticleFilter(),
    *,
    limit: int = 100,
    offset: int = 0,
    after: Cursor | None = None,
) -> list[ArticleRow]:
    """Newest first (search results: most relevant first). Page with `after`
    (keyset, fast at any depth) or `offset`."""
    if flt.search is not None and ranked(db, flt.search):
        return _search_articles(db, flt, limit=limit, offset=offset, after=after)
    clauses, params = _where(flt)
    if after is not None:
        clauses.append("(a.sort_time, a.id) < (?, ?)")
        params.extend((after.sort_time, after.id))
    # A broad search across feeds walks the time index and stops at the first
    # page of matches: sorting every match of a common word costs 10x more.
    hint = (
        "INDEXED BY articles_by_time"
        if flt.search is not None and flt.feed_id is None and flt.feed_url is None
        else ""
    )
    sql = f"""SELECT {ARTICLE_COLUMNS} FROM articles a {hint} JOIN feeds f ON f.id = a.feed_id
              WHERE {" AND ".join(clauses)}
              ORDER BY a.sort_time DESC, a.id DESC LIMIT ? OFFSET ?"""
    try:
        rows = db.execute(sql, [*params, limit, offset]).fetchall()
    except sqlite3.OperationalError as exc:
        if flt.search is not None and "fts5" in str(exc).lower():
            return []  # a query FTS5 cannot parse finds nothing
        raise
    return [article_row(r) for r in rows]


def ranked(db: sqlite3.Connection, search: str) -> bool:
    """Whether a search lists by relevance: when it matches at most RANK_CAP
    articles (counted up to the cap, a few ms for any whole word)."""
    total = int(db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])
    if total <= RANK_CAP:
        return True
    if short_prefix(search):
        return False
    try:
        hits = db.execute(
            "SELECT count(*) FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
            " LIMIT ?)", (fts_query(search) or '""', RANK_CAP + 1)).fetchone()[0]
    except sqlite3.OperationalError:
        return True  # unparsable: the ranked query finds nothing all the same
    return int(hits) <= RANK_CAP


def _search_articles(
    db: sqlite3.Connection, flt: ArticleFilter, *, limit: int, offset: int,
    after: Cursor | None,
) -> list[ArticleRow]:
    """Matches by relevance, then newest first. Every match is ranked (bm25
    needs them all), and SQLite keeps only the best `limit` while sorting."""
    clauses, params = _where(flt, search=False)
    match = _match(flt)
    if after is not None:
        # Below the cursor's row in (rank, newest first) order: its rank is
        # computed again, from the same index in the same statement.
        clauses.append(f"""(h.score, -a.sort_time, -a.id) > (
            (SELECT {SEARCH_RANK} FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?),
            ?, ?)""")
        params.extend((match, after.id, -after.sort_time, -after.id))
    sql = f"""SELECT {ARTICLE_COLUMNS}
              FROM (SELECT rowid AS id, {SEARCH_RANK} AS score
                    FROM articles_fts WHERE articles_fts MATCH ?) h
              JOIN articles a ON a.id = h.id JOIN feeds f ON f.id = a.feed_id
              WHERE {" AND ".join(clauses)}
              ORDER BY h.score, a.sort_time DESC, a.id DESC LIMIT ? OFFSET ?"""
    try:
        rows = db.execute(sql, [match, *params, limit, offset]).fetchall()
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc).lower():
            return []  # a query FTS5 cannot parse finds nothing
        raise
    return [article_row(r) for r in rows]


def cursor_of(row: ArticleRow) -> Cursor:
    return Cursor(int(row.when.timestamp()), row.id)


def count_articles(db: sqlite3.Connection, flt: ArticleFilter = ArticleFilter()) -> int:
    clauses, params = _where(flt)
    sql = f"""SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id
              WHERE {" AND ".join(clauses)}"""
    try:
        return int(db.execute(sql, params).fetchone()[0])
    except sqlite3.OperationalError:
        if flt.search is not None:
            return 0
        raise


def article_ids(db: sqlite3.Connection, flt: ArticleFilter,
                among: Sequence[int] | None = None) -> set[int]:
    """The ids of every article of a listing (only those `among` these), unordered:
    saved views count with them."""
    clauses, params = _where(flt)
    if among is not None:
        clauses.append("a.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(among)))
    sql = f"""SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id
              WHERE {" AND ".join(clauses)}"""
    try:
        return {r[0] for r in db.execute(sql, params)}
    except sqlite3.OperationalError:
        if flt.search is not None:
            return set()
        raise


def _unread_by_feed(db: sqlite3.Connection) -> dict[int, int]:
    """Unread articles per feed (a walk of the unread index only)."""
    return dict(
        db.execute("SELECT feed_id, count(*) FROM articles WHERE read = 0 GROUP BY feed_id")
    )


def unread_counts(db: sqlite3.Connection, unread: dict[int, int] | None = None) -> UnreadCounts:
    """Unread per subscribed feed and topic, plus the total and starred count.

    `unread` is `_unread_by_feed`'s answer when the caller has it already."""
    topics: dict[int, str] = {}
    hidden: set[int] = set()  # in their topic's count, not in All Topics'
    for feed_id, topic, hidden_from_all in db.execute(
            "SELECT id, topic, hidden_from_all FROM feeds WHERE subscribed = 1"):
        topics[feed_id] = topic
        if hidden_from_all:
            hidden.add(feed_id)
    by_feed: dict[int, int] = dict.fromkeys(topics, 0)
    for feed_id, n in (_unread_by_feed(db) if unread is None else unread).items():
        if feed_id in by_feed:
            by_feed[feed_id] = n
    by_topic: Counter[str] = Counter()
    for feed_id, n in by_feed.items():
        by_topic[topics[feed_id]] += n
    starred = db.execute(
        """SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id
           WHERE a.starred = 1 AND a.hidden = 0 AND f.subscribed = 1"""
    ).fetchone()[0]
    return UnreadCounts(
        by_feed=by_feed, by_topic=dict(by_topic),
        total=sum(n for f, n in by_feed.items() if f not in hidden), starred=int(starred)
    )


def list_feeds(db: sqlite3.Connection, unread: dict[int, int] | None = None) -> list[FeedRow]:
    """Subscribed feeds with article and unread counts, in subscription order."""
    totals = dict(db.execute("SELECT feed_id, count(*) FROM articles GROUP BY feed_id"))
    for feed_id, hidden in db.execute(
            "SELECT feed_id, count(*) FROM articles WHERE hidden = 1 GROUP BY feed_id"):
        totals[feed_id] -= hidden
    if unread is None:
        unread = _unread_by_feed(db)
    rows = db.execute(
        """SELECT id, url, topic, coalesce(title_override, title, url), site_url, fetch_url,
                  last_fetched, last_status, last_error, gone, server_id
           FROM feeds WHERE subscribed = 1 ORDER BY id"""
    ).fetchall()
    return [
        FeedRow(
            id=r[0],
            url=r[1],
            topic=r[2],
            title=r[3],
            site_url=r[4],
            fetch_url=r[5],
            article_count=totals.get(r[0], 0),
            unread_count=unread.get(r[0], 0),
            last_fetched=moment(r[6]),
            last_status=r[7],
            last_error=r[8],
            gone=bool(r[9]),
            server_id=r[10],
        )
        for r in rows
    ]


def sidebar_counts(db: sqlite3.Connection) -> tuple[list[FeedRow], UnreadCounts]:
    """list_feeds and unread_counts in one read transaction, counting unread once
    (the sidebar asks for both after every refresh)."""
    with _read_snapshot(db):
        unread = _unread_by_feed(db)
        return list_feeds(db, unread), unread_counts(db, unread)


@contextlib.contextmanager
def _read_snapshot(db: sqlite3.Connection) -> Iterator[None]:
    """One consistent view for several reads (WAL: writers carry on meanwhile)."""
    if db.in_transaction:
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    finally:
        db.execute("COMMIT")

