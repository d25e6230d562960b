"""Articles' own web pages (full articles): which to fetch, and storing them.

A page is fetched once: its extracted text, or why it could not be had, is a
row of `pages`. Storing a page's text also sets the article's `text`,
`read_minutes` and `language` (the search index follows, by trigger); the
feed's own body stays in `articles.content_html` for the reader's `f` toggle.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass

from toaster_tui.core.models import PageText
from toaster_tui.store.database import Store

__all__ = ["PAGES_PER_FEED", "PageRow", "pending_pages", "read_page", "save_page",
           "save_page_error"]

PAGES_PER_FEED = 50
"""Pages one refresh fetches for one feed at most, newest articles first: a feed
turned to full_text with a long history fills in over a few refreshes."""


@dataclass(frozen=True)
class PageRow:
    """What is stored of an article's page."""

    url: str
    fetched: int
    status: int | None
    error: str | None
    content_html: str | None
    """The extracted main content (sanitized HTML); None when `error` says why not."""


def pending_pages(db: sqlite3.Connection, feed_ids: Sequence[int], default: bool,
                  per_feed: int = PAGES_PER_FEED) -> list[tuple[int, str]]:
    """(article id, link) of articles of full_text feeds among `feed_ids` whose
    page was never fetched; `default` is [settings] full_text."""
    if not feed_ids:
        return []
    return [(aid, url) for aid, url in db.execute(
        """SELECT id, url FROM (
               SELECT a.id, a.url, row_number() OVER (
                   PARTITION BY a.feed_id ORDER BY a.sort_time DESC, a.id DESC) AS n
               FROM articles a JOIN feeds f ON f.id = a.feed_id
               WHERE a.feed_id IN (SELECT value FROM json_each(?))
                 AND f.subscribed = 1 AND coalesce(f.full_text, ?) = 1
                 AND a.url IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.article_id = a.id))
           WHERE n <= ? ORDER BY id""",
        (_json_ids(feed_ids), int(default), per_feed),
    )]


def _json_ids(ids: Sequence[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"


def read_page(db: sqlite3.Connection, article_id: int) -> PageRow | None:
    r = db.execute(
        """SELECT url, fetched, status, error, content_html FROM pages
           WHERE article_id = ?""", (article_id,)).fetchone()
    return None if r is None else PageRow(r[0], r[1], r[2], r[3], r[4])


def save_page(store: Store, article_id: int, url: str, status: int | None,
              page: PageText, now: int | None = None) -> bool:
    """Store the page's text and make it the article's; False when the article is gone."""
    now = int(time.time()) if now is None else now
    with store.transaction():
        db = store.db
        if db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
            return False
        db.execute(
            """INSERT INTO pages (article_id, url, fetched, status, error, content_html, text,
                   language, read_minutes) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?)
               ON CONFLICT (article_id) DO UPDATE SET url = excluded.url,
                   fetched = excluded.fetched, status = excluded.status, error = NULL,
                   content_html = excluded.content_html, text = excluded.text,
                   language = excluded.language, read_minutes = excluded.read_minutes""",
            (article_id, url, now, status, page.content_html, page.text, page.language,
             page.read_minutes))
        db.execute(
            """UPDATE articles SET text = ?, read_minutes = ?,
                   language = CASE WHEN ? != '' THEN ? ELSE language END
               WHERE id = ?""",
            (page.text, page.read_minutes, page.language, page.language, article_id))
    return True


def save_page_error(store: Store, article_id: int, url: str, status: int | None,
                    error: str, now: int | None = None) -> None:
    """Keep why the page could not be had; a page already stored is never replaced by it."""
    now = int(time.time()) if now is None else now
    with store.transaction():
        store.db.execute(
            """INSERT INTO pages (article_id, url, fetched, status, error)
               SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?)
               ON CONFLICT (article_id) DO UPDATE SET url = excluded.url,
                   fetched = excluded.fetched, status = excluded.status,
                   error = excluded.error
               WHERE pages.content_html IS NULL""",
            (article_id, url, now, status, error, article_id))
