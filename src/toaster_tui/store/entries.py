"""A fetched feed into the cache: new and changed entries, and the feed's fetch state.

Read and starred are never written here: an entry that changes keeps them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from toaster_tui.core.models import Enclosure, EntryData, FeedData, first_media
from toaster_tui.store.filters import FilterSet
from toaster_tui.store.schema import index_articles_after, last_article_id


def to_epoch(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())


def content_hash(entry: EntryData) -> str:
    """Changes when anything a reader sees of the entry changes."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (entry.title, entry.url or "", entry.author or "", entry.content_html,
                 entry.summary_html, "\x1f".join(entry.categories), entry.language,
                 str(to_epoch(entry.published)), str(to_epoch(entry.updated))):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    if entry.enclosures:  # only then: entries without any keep the hash they had
        digest.update(enclosures_json(entry.enclosures).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def enclosures_json(enclosures: tuple[Enclosure, ...]) -> str:
    """The `articles.enclosures` column (store/detail.py reads it back)."""
    return json.dumps([{"url": e.url, "type": e.type, "length": e.length,
                        "duration_seconds": e.duration_seconds} for e in enclosures],
                      ensure_ascii=False)


def _media(entry: EntryData) -> tuple[str | None, int | None]:
    """(kind, seconds) of the entry's first audio or video enclosure, when it has a duration."""
    media = first_media(entry.enclosures)
    if media is None or media.duration_seconds is None:
        return None, None
    return media.kind, media.duration_seconds


@dataclass(frozen=True)
class StoreCounts:
    new: int
    updated: int


def write_feed(db: sqlite3.Connection, feed_id: int, data: FeedData, filters: FilterSet | None,
               *, status: int, etag: str | None, last_modified: str | None,
               fetch_url: str | None, now: int) -> StoreCounts:
    """Store a parsed feed and its fetch metadata, inside the caller's transaction."""
    existing = dict(db.execute(
        "SELECT key, content_hash FROM articles WHERE feed_id = ?", (feed_id,)
    ).fetchall())
    # Deleted by retention: still in the feed, but never new again.
    forgotten = {k for (k,) in db.execute(
        "SELECT key FROM forgotten WHERE feed_id = ?", (feed_id,))}
    still_there: list[tuple[int, int, str]] = []
    inserts: list[tuple[object, ...]] = []
    hidden = 0
    updates: list[tuple[object, ...]] = []
    seen: set[str] = set()
    for entry in data.entries:
        if entry.key in seen:  # duplicate ids in one document: first wins
            continue
        seen.add(entry.key)
        if entry.key in forgotten:
            still_there.append((now, feed_id, entry.key))
            continue
        digest = content_hash(entry)
        old = existing.get(entry.key)
        if old == digest:
            continue
        published, updated = to_epoch(entry.published), to_epoch(entry.updated)
        values = (
            entry.title, entry.url, entry.author, published, updated,
            entry.content_html, entry.summary_html, entry.text, entry.snippet,
            json.dumps(list(entry.categories), ensure_ascii=False),
            entry.language, entry.read_minutes, digest,
            enclosures_json(entry.enclosures), *_media(entry),
        )
        if old is None:
            sort_time = published or updated or now
            inserts.append((feed_id, entry.key, *values, now, sort_time))
        else:
            updates.append((*values, published, updated, feed_id, entry.key))
    if inserts:
        indexed_upto = last_article_id(db)
        db.executemany(
            """INSERT INTO articles (feed_id, key, title, url, author, published,
                   updated, content_html, summary_html, text, snippet, categories,
                   language, read_minutes, content_hash, enclosures, media_kind,
                   media_seconds, first_seen, sort_time)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            inserts,
        )
        index_articles_after(db, indexed_upto)
        if filters:
            hidden = filters.on_new(db, feed_id, indexed_upto, now)
    if still_there:
        db.executemany(
            "UPDATE forgotten SET last_seen = ? WHERE feed_id = ? AND key = ?",
            still_there)
    if updates:
        # Read and starred are not in the SET list: an update keeps them.
        # Nor is a fetched page's text (store/pages.py): it stays searchable.
        db.executemany(
            """UPDATE articles SET title = ?, url = ?, author = ?, published = ?,
                   updated = ?, content_html = ?, summary_html = ?,
                   text = coalesce((SELECT p.text FROM pages p
                       WHERE p.article_id = articles.id AND p.text IS NOT NULL), ?),
                   snippet = ?, categories = ?,
                   language = coalesce((SELECT p.language FROM pages p
                       WHERE p.article_id = articles.id AND p.text IS NOT NULL), ?),
                   read_minutes = coalesce((SELECT p.read_minutes FROM pages p
                       WHERE p.article_id = articles.id AND p.text IS NOT NULL), ?),
                   content_hash = ?, enclosures = ?, media_kind = ?,
                   media_seconds = ?,
                   sort_time = coalesce(?, ?, first_seen)
               WHERE feed_id = ? AND key = ?""",
            updates,
        )
    db.execute(
        """UPDATE feeds SET title = ?, site_url = ?, language = ?, etag = ?,
               last_modified = ?, fetch_url = coalesce(?, fetch_url),
               last_fetched = ?, last_status = ?, last_error = NULL,
               next_fetch = NULL, error_count = 0
           WHERE id = ?""",
        (data.title, data.site_url, data.language, etag, last_modified, fetch_url,
         now, status, feed_id),
    )
    # A hidden article is never new: not in the refresh's count nor its notice.
    return StoreCounts(new=len(inserts) - hidden, updated=len(updates))
