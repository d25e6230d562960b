"""One article: its row, what the reader pane shows of it, and related articles."""

from __future__ import annotations

import json
import sqlite3

from toaster_tui.core.models import ArticleDetail, ArticleRow
from toaster_tui.reading.html_convert import html_to_markdown, html_to_text
from toaster_tui.reading.quotes import key_quotes
from toaster_tui.reading.summary import summarize
from toaster_tui.store.fts import related_query
from toaster_tui.store.rows import ARTICLE_COLUMNS, article_row


def get_article(db: sqlite3.Connection, article_id: int) -> ArticleRow | None:
    r = db.execute(
        f"""SELECT {ARTICLE_COLUMNS} FROM articles a JOIN feeds f ON f.id = a.feed_id
            WHERE a.id = ?""",
        (article_id,),
    ).fetchone()
    return None if r is None else article_row(r)


def related_articles(db: sqlite3.Connection, article_id: int, limit: int = 5) -> list[ArticleRow]:
    """Cached articles sharing the most telling words, best match first,
    newest first among equals; never the same entry (same id, link or title)."""
    me = db.execute("SELECT title, text, url FROM articles WHERE id = ?", (article_id,)).fetchone()
    if me is None:
        return []
    query = related_query(db, me[0], me[1])
    if query is None:
        return []
    hits = db.execute(
        f"""SELECT {ARTICLE_COLUMNS}, round(r.rank, 2) AS score
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
    feed_summary = html_to_text(summary_html) if summary_html != content_html else ""
    return ArticleDetail(
        row=row,
        summary=tuple(summarize(text, feed_summary)),
        quotes=tuple(key_quotes(content_html)),
        text=html_to_markdown(content_html, base_url=row.url),
        snippet=snippet,
        categories=tuple(json.loads(categories)),
        related=tuple(related_articles(db, article_id)) if with_related else (),
    )
