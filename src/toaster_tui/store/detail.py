"""One article: its row, what the reader pane shows of it, and related articles."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from toaster_tui.core.models import ArticleDetail, ArticleRow, Enclosure
from toaster_tui.core.sanitize import safe_url
from toaster_tui.reading.html_convert import html_to_markdown, html_to_text
from toaster_tui.reading.html_cut import split_cut
from toaster_tui.reading.quotes import key_quotes
from toaster_tui.reading.summary import summarize
from toaster_tui.store.fts import own_words_query, related_query, shared_title_query
from toaster_tui.store.pages import read_page
from toaster_tui.store.rows import ARTICLE_COLUMNS, article_row


def get_article(db: sqlite3.Connection, article_id: int) -> ArticleRow | None:
    r = db.execute(
        f"""SELECT {ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id
            WHERE a.id = ?""",
        (article_id,),
    ).fetchone()
    return None if r is None else article_row(r)


# Related articles are ranked by bm25 with title words counting thrice (they
# say what an article is about), and kept only when they score at least
# RELATED_MIN_SHARE of what the article itself scores against its own telling
# words, and RELATED_OF_BEST of the best match. Calibrated on the demo feeds
# (59 articles: 0-3 related each, one with 5; 5 each before) and a big feed
# of filler sharing a few everyday words (tests/store/test_related.py: none).
RELATED_RANK = "bm25(articles_fts, 3.0, 1.0)"
RELATED_MIN_SHARE = 0.2
RELATED_OF_BEST = 0.5
SMALL_CACHE = 2000  # articles: below it, shared title words count on their own


def _article_count(db: sqlite3.Connection) -> int:
    # max(id) approximates the article count without a scan.
    return int(db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])


def related_articles(db: sqlite3.Connection, article_id: int, limit: int = 5) -> list[ArticleRow]:
    """Up to `limit` cached articles on the same subject (none when nothing
    scores high enough), best match first, newest first among equals; never
    the same entry (same id, link or title)."""
    me = db.execute("SELECT title, text, url FROM articles WHERE id = ?", (article_id,)).fetchone()
    if me is None:
        return []
    same_subject = _shared_title_hits(db, me[0], article_id, limit)
    query = related_query(db, me[0], me[1])
    if query is None:
        return _distinct(same_subject, me[0], me[2], limit)
    # The scale: what the article scores against its own telling words (those
    # only it has included), so sharing a few everyday words is not enough.
    own = db.execute(
        f"SELECT {RELATED_RANK} FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?",
        (own_words_query(db, me[0], me[1]) or query, article_id),
    ).fetchone()
    if own is None or own[0] >= 0:
        return _distinct(same_subject, me[0], me[2], limit)
    bar = own[0] * RELATED_MIN_SHARE  # bm25 is negative: lower is better
    hits = db.execute(
        f"""SELECT {ARTICLE_COLUMNS}, r.score
            FROM (SELECT rowid, {RELATED_RANK} AS score FROM articles_fts
                  WHERE articles_fts MATCH ? ORDER BY score LIMIT ?) r
            JOIN articles a ON a.id = r.rowid JOIN feeds f ON f.id = a.feed_id
            WHERE f.subscribed = 1 AND a.hidden = 0 AND a.id != ? AND r.score <= ?
            ORDER BY round(r.score, 2), a.sort_time DESC""",
        (query, limit * 4 + 4, article_id, bar),
    ).fetchall()
    # And at least half as related as the best one: a clear lead stands alone.
    best = hits[0][-1] if hits else 0.0
    hits = [h for h in hits if h[-1] <= best * RELATED_OF_BEST]
    return _distinct([*same_subject, *hits], me[0], me[2], limit)


def _shared_title_hits(db: sqlite3.Connection, title: str, article_id: int,
                       limit: int) -> list[Any]:
    """Articles whose titles share two telling words with this one, best first.

    Only in a small cache, where bm25 gives the words of a shared subject no
    weight (they are in half the articles); in a big one the ranking finds them,
    and pairs of common title words would cost long posting lists for nothing.
    """
    query = shared_title_query(title)
    if query is None or _article_count(db) > SMALL_CACHE:
        return []
    return db.execute(
        f"""SELECT {ARTICLE_COLUMNS}, r.score
            FROM (SELECT rowid, {RELATED_RANK} AS score FROM articles_fts
                  WHERE articles_fts MATCH ? ORDER BY score LIMIT ?) r
            JOIN articles a ON a.id = r.rowid JOIN feeds f ON f.id = a.feed_id
            WHERE f.subscribed = 1 AND a.hidden = 0 AND a.id != ?
            ORDER BY round(r.score, 2), a.sort_time DESC""",
        (query, limit + 1, article_id),
    ).fetchall()


def _distinct(hits: list[Any], title: str, url: str | None, limit: int) -> list[ArticleRow]:
    """The first `limit` hits that are not the same entry (same title or link) again."""
    out: list[ArticleRow] = []
    seen_titles = {title.strip().lower()}
    seen_urls = {url} if url else set()
    for hit in hits:
        row = article_row(hit)
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
                   with_related: bool = True, source: str | None = None) -> ArticleDetail | None:
    """Everything the reader pane shows for one article (`related` left empty
    without `with_related`: the app asks for it separately, see related_articles).

    The body is the article's web page when its text is cached (`source`
    "page" or None), else (or with `source` "feed") the feed's own."""
    row = get_article(db, article_id)
    if row is None:
        return None
    content_html, summary_html, text, snippet, categories, enclosures = db.execute(
        """SELECT content_html, summary_html, text, snippet, categories, enclosures
           FROM articles WHERE id = ?""",
        (article_id,),
    ).fetchone()
    page = read_page(db, article_id)
    has_page = page is not None and page.content_html is not None
    base_url = row.url
    feed_summary = html_to_text(summary_html) if summary_html != content_html else ""
    if page is not None and page.content_html is not None and source != "feed":
        # The summary is the page's: the feed's own is often the excerpt it replaces.
        content_html, base_url, feed_summary = page.content_html, page.url, ""
    elif has_page:  # the feed's body asked for: its own text, not the page's
        text = ""
    # The summary reads the Markdown (not the plain `text`): it tells headings,
    # lists, code and links apart from prose.
    markdown = html_to_markdown(content_html, base_url=base_url)
    # A cut body ends with a rule and toaster's notice: not the author's words.
    prose = markdown.rsplit("\n---\n", 1)[0] if split_cut(content_html)[1] else markdown
    return ArticleDetail(
        row=row,
        summary=tuple(summarize(prose or text, feed_summary)),
        quotes=tuple(key_quotes(content_html)),
        text=markdown,
        snippet=snippet,
        categories=tuple(json.loads(categories)),
        related=tuple(related_articles(db, article_id)) if with_related else (),
        enclosures=read_enclosures(enclosures),
        text_source="page" if has_page and source != "feed" else "feed",
        has_page=has_page,
        page_error=page.error if page is not None else None,
    )


def read_enclosures(column: str) -> tuple[Enclosure, ...]:
    """The `articles.enclosures` JSON (entries.enclosures_json), checked when written;
    anything else in it (a hand-edited cache) is skipped."""
    try:
        items: Any = json.loads(column)
    except (TypeError, ValueError):
        return ()
    out: list[Enclosure] = []
    for item in items if isinstance(items, list) else ():
        url = safe_url(item.get("url")) if isinstance(item, dict) else None
        if url is not None:
            out.append(Enclosure(
                url=url,
                type=item.get("type") if isinstance(item.get("type"), str) else None,
                length=_int(item.get("length")),
                duration_seconds=_int(item.get("duration_seconds")),
            ))
    return tuple(out)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
