"""Read-only queries over the cache, returning plain dataclasses.

Listings are newest first and use keyset or offset paging over indexes in
that order, so they stay fast at 100,000 articles.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from toaster_tui.core.models import ArticleDetail, ArticleRow, FeedRow, UnreadCounts
from toaster_tui.reading import extract


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a listing shows. Every field narrows the result."""

    topic: str | None = None
    feed_id: int | None = None
    feed_url: str | None = None
    unread_only: bool = False
    starred_only: bool = False
    search: str | None = None


@dataclass(frozen=True)
class Cursor:
    """Keyset position: the last row of the previous page."""

    sort_time: int
    id: int


_ROW_COLUMNS = """a.id, a.feed_id, f.url, coalesce(f.title_override, f.title, f.url), f.topic,
    a.title, a.url, a.author, coalesce(a.published, a.updated), a.sort_time, a.read,
    a.starred, a.read_minutes, a.language"""

_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "also",
        "among",
        "an",
        "and",
        "another",
        "any",
        "are",
        "around",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "even",
        "every",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "into",
        "its",
        "itself",
        "just",
        "like",
        "made",
        "make",
        "many",
        "more",
        "most",
        "much",
        "must",
        "myself",
        "never",
        "now",
        "off",
        "once",
        "only",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "says",
        "should",
        "since",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "too",
        "under",
        "until",
        "upon",
        "very",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "also",
        "just",
        "still",
        "well",
        "back",
        "even",
        "new",
        "one",
        "two",
    ]
)


def _moment(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def _row(r: tuple[Any, ...]) -> ArticleRow:
    return ArticleRow(
        id=r[0],
        feed_id=r[1],
        feed_url=r[2],
        feed_title=r[3],
        topic=r[4],
        title=r[5],
        url=r[6],
        author=r[7],
        published=_moment(r[8]),
        when=datetime.fromtimestamp(r[9], UTC),
        read=bool(r[10]),
        starred=bool(r[11]),
        read_minutes=r[12],
        language=r[13],
    )


def fts_query(text: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query: every word must match,
    the last one as a prefix (search as you type). None when nothing to search."""
    words = _WORD.findall(text.lower())[:12]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _where(flt: ArticleFilter) -> tuple[list[str], list[object]]:
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
    if flt.unread_only:
        clauses.append("a.read = 0")
    if flt.starred_only:
        clauses.append("a.starred = 1")
    if flt.search is not None:
        match = fts_query(flt.search)
        # An empty search matches nothing rather than everything.
        clauses.append("a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(match if match is not None else '""')
    return clauses, params


def list_articles(
    db: sqlite3.Connection,
    flt: ArticleFilter = ArticleFilter(),
    *,
    limit: int = 100,
    offset: int = 0,
    after: Cursor | None = None,
) -> list[ArticleRow]:
    """Newest first. Page with `after` (keyset, fast at any depth) or `offset`."""
    clauses, params = _where(flt)
    if after is not None:
        clauses.append("(a.sort_time, a.id) < (?, ?)")
        params.extend((after.sort_time, after.id))
    # A search across feeds walks the time index and stops at the first page
    # of matches: sorting every match of a common word costs 10x more.
    hint = (
        "INDEXED BY articles_by_time"
        if flt.search is not None and flt.feed_id is None and flt.feed_url is None
        else ""
    )
    sql = f"""SELECT {_ROW_COLUMNS} FROM articles a {hint} JOIN feeds f ON f.id = a.feed_id
              WHERE {" AND ".join(clauses)}
              ORDER BY a.sort_time DESC, a.id DESC LIMIT ? OFFSET ?"""
    try:
        rows = db.execute(sql, [*params, limit, offset]).fetchall()
    except sqlite3.OperationalError as exc:
        if flt.search is not None and "fts5" in str(exc).lower():
            return []  # a query FTS5 cannot parse finds nothing
        raise
    return [_row(r) for r in rows]


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


def get_article(db: sqlite3.Connection, article_id: int) -> ArticleRow | None:
    r = db.execute(
        f"""SELECT {_ROW_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id
            WHERE a.id = ?""",
        (article_id,),
    ).fetchone()
    return None if r is None else _row(r)


def _unread_by_feed(db: sqlite3.Connection) -> dict[int, int]:
    """Unread articles per feed (a walk of the unread index only)."""
    return dict(
        db.execute("SELECT feed_id, count(*) FROM articles WHERE read = 0 GROUP BY feed_id")
    )


def unread_counts(db: sqlite3.Connection, unread: dict[int, int] | None = None) -> UnreadCounts:
    """Unread per subscribed feed and topic, plus the total and starred count.

    `unread` is `_unread_by_feed`'s answer when the caller has it already."""
    topics = dict(db.execute("SELECT id, topic FROM feeds WHERE subscribed = 1").fetchall())
    by_feed: dict[int, int] = dict.fromkeys(topics, 0)
    for feed_id, n in (_unread_by_feed(db) if unread is None else unread).items():
        if feed_id in by_feed:
            by_feed[feed_id] = n
    by_topic: Counter[str] = Counter()
    for feed_id, n in by_feed.items():
        by_topic[topics[feed_id]] += n
    starred = db.execute(
        """SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id
           WHERE a.starred = 1 AND f.subscribed = 1"""
    ).fetchone()[0]
    return UnreadCounts(
        by_feed=by_feed, by_topic=dict(by_topic), total=sum(by_feed.values()), starred=int(starred)
    )


def list_feeds(db: sqlite3.Connection, unread: dict[int, int] | None = None) -> list[FeedRow]:
    """Subscribed feeds with article and unread counts, in subscription order."""
    totals = dict(db.execute("SELECT feed_id, count(*) FROM articles GROUP BY feed_id"))
    if unread is None:
        unread = _unread_by_feed(db)
    rows = db.execute(
        """SELECT id, url, topic, coalesce(title_override, title, url), site_url, fetch_url,
                  last_fetched, last_status, last_error, gone
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
            last_fetched=_moment(r[6]),
            last_status=r[7],
            last_error=r[8],
            gone=bool(r[9]),
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


def _related_query(db: sqlite3.Connection, title: str, text: str) -> str | None:
    """An OR query of the article's most telling words: title words first,
    then frequent body words, keeping those rare enough in the cache to mean
    something (document frequency from the fts5vocab table)."""
    title_words = [w for w in _WORD.findall(title.lower()) if len(w) > 3 and w not in _STOPWORDS]
    body = Counter(
        w
        for w in _WORD.findall(text.lower()[:20_000])
        if len(w) > 3 and w not in _STOPWORDS and not w.isdigit()
    )
    candidates = list(dict.fromkeys([*title_words, *(w for w, _ in body.most_common(30))]))
    if not candidates:
        return None
    # max(id) approximates the article count without a scan.
    total = int(db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])
    # Words in more than a twentieth of all articles say little about this
    # one, and each costs a long posting list to rank. Counting is capped, so
    # a common word costs no more than a rare one (fts5vocab reads it whole).
    # In a small cache, a word in half the articles is filler all the same.
    cap = min(max(50, total // 20), max(2, total // 2))
    docs: dict[str, int] = {}
    for word in candidates:
        docs[word] = int(db.execute(
            "SELECT count(*) FROM (SELECT rowid FROM articles_fts"
            " WHERE articles_fts MATCH ? LIMIT ?)",
            (f'"{word}"', cap + 1),
        ).fetchone()[0])
    useful = [w for w in candidates if 1 < docs[w] <= cap]
    useful.sort(key=lambda w: (w not in title_words, docs[w]))
    chosen = useful[:6]
    return " OR ".join(f'"{w}"' for w in chosen) if chosen else None


def related_articles(db: sqlite3.Connection, article_id: int, limit: int = 5) -> list[ArticleRow]:
    """Cached articles sharing the most telling words, best match first,
    newest first among equals; never the same entry (same id, link or title)."""
    me = db.execute("SELECT title, text, url FROM articles WHERE id = ?", (article_id,)).fetchone()
    if me is None:
        return []
    query = _related_query(db, me[0], me[1])
    if query is None:
        return []
    hits = db.execute(
        f"""SELECT {_ROW_COLUMNS}, round(r.rank, 2) AS score
            FROM (SELECT rowid, rank FROM articles_fts WHERE articles_fts MATCH ?
                  ORDER BY rank LIMIT ?) r
            JOIN articles a ON a.id = r.rowid JOIN feeds f ON f.id = a.feed_id
            WHERE f.subscribed = 1 AND a.id != ?
            ORDER BY score, a.sort_time DESC""",
        (query, limit * 4 + 4, article_id),
    ).fetchall()
    out: list[ArticleRow] = []
    seen_titles = {me[0].strip().lower()}
    seen_urls = {me[2]} if me[2] else set()
    for hit in hits:
        row = _row(hit)
        if row.title.strip().lower() in seen_titles or (row.url and row.url in seen_urls):
            continue
        seen_titles.add(row.title.strip().lower())
        if row.url:
            seen_urls.add(row.url)
        out.append(row)
        if len(out) == limit:
            break
    return out


def article_detail(db: sqlite3.Connection, article_id: int, *,
                   with_related: bool = True) -> ArticleDetail | None:
    """Everything the reader pane shows for one article (`related` left empty
    without `with_related`: the app asks for it separately, see related_articles)."""
    row = get_article(db, article_id)
    if row is None:
        return None
    content_html, summary_html, text, snippet, categories = db.execute(
        """SELECT content_html, summary_html, text, snippet, categories
           FROM articles WHERE id = ?""",
        (article_id,),
    ).fetchone()
    feed_summary = extract.html_to_text(summary_html) if summary_html != content_html else ""
    return ArticleDetail(
        row=row,
        summary=tuple(extract.summarize(text, feed_summary)),
        quotes=tuple(extract.key_quotes(content_html)),
        text=extract.html_to_markdown(content_html, base_url=row.url),
        snippet=snippet,
        categories=tuple(json.loads(categories)),
        related=tuple(related_articles(db, article_id)) if with_related else (),
    )
