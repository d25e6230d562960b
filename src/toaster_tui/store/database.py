"""The SQLite cache: opening, subscriptions sync, and every write.

One connection per thread; WAL lets the TUI read while a refresh (in this
process or another, e.g. cron) writes. Each feed's result is one short
transaction, so a kill mid-refresh loses at most the feed being written.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from toaster_tui.core.errors import StorageError
from toaster_tui.core.models import Enclosure, EntryData, FeedData, FeedSpec, first_media
from toaster_tui.store.filters import FilterSet
from toaster_tui.store.schema import index_articles_after, last_article_id, migrate
from toaster_tui.store.synced import queue_changes

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating and migrating if needed) the database at `path`.

    A file that is not a SQLite database is never touched: StorageError.
    """
    where = str(path)
    # Never open the file outside SQLite (no open()/read()/close() to check its
    # header): closing any descriptor of a file drops every POSIX lock this
    # process holds on it, the locks of its other SQLite connections included,
    # and another process could then reset the WAL under them (corruption).
    # SQLite itself refuses a file that is not a database, without writing.
    try:
        if path.is_dir():
            raise StorageError(f"{where}: is a directory, not a database file")
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except OSError as exc:
        raise StorageError(f"{where}: cannot open the database: {_why(path, exc)}") from exc
    except sqlite3.Error as exc:
        raise StorageError(f"{where}: cannot open the database: {_why(path, exc)}") from exc
    try:
        db.execute("PRAGMA schema_version").fetchone()  # reads the header: NOTADB here
    except sqlite3.DatabaseError as exc:
        db.close()
        if "not a database" in str(exc):
            raise StorageError(
                f"{where}: not a toaster database (not SQLite); left untouched") from exc
        raise StorageError(f"{where}: the database is unusable: {_why(path, exc)}") from exc
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise StorageError(f"{where}: cannot switch the database to WAL mode")
        # NORMAL is crash-safe in WAL mode (an app kill loses nothing committed).
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA temp_store = MEMORY")
        db.execute("PRAGMA cache_size = -32000")
        migrate(db, where)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise StorageError(f"{where}: the database is unusable: {_why(path, exc)}") from exc
    except UnicodeDecodeError as exc:  # damaged pages can read back as text that is not UTF-8
        db.close()
        raise StorageError(f"{where}: the database is unusable: damaged (text that is not "
                           "UTF-8); left untouched") from exc
    except StorageError:
        db.close()
        raise
    return db


def _why(path: Path, exc: BaseException) -> str:
    """An OS or SQLite error in plain words, with the likely cause when known."""
    text = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
    lowered = text.lower()
    directory = path.parent if str(path.parent) else Path(".")
    if (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "disk is full" in lowered:
        return f"the disk is full ({text})"
    if "disk i/o error" in lowered:  # SQLite says this when a write hits a full disk too
        with contextlib.suppress(OSError):
            fs = os.statvfs(directory)
            if fs.f_bavail * fs.f_frsize < 1024 * 1024:
                return f"the disk is full ({text})"
    if (isinstance(exc, OSError) and exc.errno == errno.EROFS) or "readonly" in lowered \
            or "read-only" in lowered or "unable to open" in lowered:
        try:
            read_only_fs = bool(os.statvfs(directory).f_flag & os.ST_RDONLY)
        except OSError:
            read_only_fs = False
        if read_only_fs:
            return f"{directory} is on a read-only file system ({text})"
        if directory.is_dir() and not os.access(directory, os.W_OK | os.X_OK):
            return f"the directory {directory} is not writable ({text})"
        if path.exists() and not os.access(path, os.R_OK | os.W_OK):
            return f"the file is not readable and writable ({text})"
    if "locked" in lowered:
        return f"another program holds a lock on it for too long ({text})"
    return text


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
class FetchState:
    """What the fetcher needs to know about a feed before fetching it."""

    id: int
    url: str
    fetch_url: str | None
    etag: str | None
    last_modified: str | None
    next_fetch: int | None
    error_count: int
    gone: bool
    last_status: int | None


@dataclass(frozen=True)
class StoreCounts:
    new: int
    updated: int


class Store:
    """Writes to the cache. Not thread-safe: one Store per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = connect(path)
        self.filters: FilterSet | None = None
        """[[filters]] to apply to the articles each save_feed inserts."""

    def close(self) -> None:
        self.db.close()

    # --- subscriptions ------------------------------------------------------

    def sync_feeds(self, feeds: Sequence[FeedSpec], *,
                   hidden_default: bool = False) -> dict[str, int]:
        """Make the local feeds match config.toml; returns url -> feed id.

        `hidden_default` is [settings] hidden_from_all, for feeds that do not set it.
        Server feeds (sync) are the sync's: neither touched nor returned here.
        """
        with self._transaction():
            before = {u for (u,) in self.db.execute(
                "SELECT url FROM feeds WHERE subscribed = 1 AND server_id IS NULL")}
            self.db.execute(
                "UPDATE feeds SET subscribed = 0 WHERE subscribed = 1 AND server_id IS NULL")
            self.db.executemany(
                """INSERT INTO feeds (url, topic, title_override, full_text, subscribed)
                   VALUES (?, ?, ?, ?, 1)
                   ON CONFLICT (url) DO UPDATE SET topic = excluded.topic,
                       title_override = excluded.title_override,
                       full_text = excluded.full_text, subscribed = 1""",
                [(f.url, f.topic, f.title, f.full_text) for f in feeds],
            )
            self.db.executemany(
                "UPDATE feeds SET hidden_from_all = ? WHERE url = ? AND hidden_from_all != ?",
                [(int(h), f.url, int(h)) for f in feeds
                 for h in [hidden_default if f.hidden_from_all is None else f.hidden_from_all]],
            )
            # A feed subscribed again starts afresh: not gone, no back-off.
            self.db.executemany(
                """UPDATE feeds SET gone = 0, next_fetch = NULL, error_count = 0
                   WHERE url = ? AND (gone = 1 OR next_fetch IS NOT NULL)""",
                [(f.url,) for f in feeds if f.url not in before],
            )
            rows = self.db.execute(
                "SELECT url, id FROM feeds WHERE subscribed = 1 AND server_id IS NULL").fetchall()
        return {url: fid for url, fid in rows}

    def fetch_states(self, feed_ids: Iterable[int]) -> list[FetchState]:
        ids = list(feed_ids)
        out: list[FetchState] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            out.extend(
                FetchState(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7]), r[8])
                for r in self.db.execute(
                    f"""SELECT id, url, fetch_url, etag, last_modified, next_fetch,
                               error_count, gone, last_status
                        FROM feeds WHERE id IN ({marks})""",
                    chunk,
                )
            )
        order = {fid: i for i, fid in enumerate(ids)}
        out.sort(key=lambda s: order[s.id])
        return out

    # --- refresh results ----------------------------------------------------

    def save_feed(
        self,
        feed_id: int,
        data: FeedData,
        *,
        status: int,
        etag: str | None,
        last_modified: str | None,
        fetch_url: str | None,
        now: int | None = None,
    ) -> StoreCounts:
        """Store a parsed feed and its fetch metadata in one transaction."""
        now = int(time.time()) if now is None else now
        with self._transaction():
            existing = dict(self.db.execute(
                "SELECT key, content_hash FROM articles WHERE feed_id = ?", (feed_id,)
            ).fetchall())
            # Deleted by retention: still in the feed, but never new again.
            forgotten = {k for (k,) in self.db.execute(
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
                indexed_upto = last_article_id(self.db)
                self.db.executemany(
                    """INSERT INTO articles (feed_id, key, title, url, author, published,
                           updated, content_html, summary_html, text, snippet, categories,
                           language, read_minutes, content_hash, enclosures, media_kind,
                           media_seconds, first_seen, sort_time)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    inserts,
                )
                index_articles_after(self.db, indexed_upto)
                if self.filters:
                    hidden = self.filters.on_new(self.db, feed_id, indexed_upto, now)
            if still_there:
                self.db.executemany(
                    "UPDATE forgotten SET last_seen = ? WHERE feed_id = ? AND key = ?",
                    still_there)
            if updates:
                # Read and starred are not in the SET list: an update keeps them.
                # Nor is a fetched page's text (store/pages.py): it stays searchable.
                self.db.executemany(
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
            self.db.execute(
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

    def save_not_modified(
        self, feed_id: int, *, fetch_url: str | None, now: int | None = None
    ) -> None:
        now = int(time.time()) if now is None else now
        with self._transaction():
            self.db.execute(
                """UPDATE feeds SET last_fetched = ?, last_status = 304, last_error = NULL,
                       next_fetch = NULL, error_count = 0,
                       fetch_url = coalesce(?, fetch_url)
                   WHERE id = ?""",
                (now, fetch_url, feed_id),
            )

    def save_failure(
        self,
        feed_id: int,
        *,
        status: int | None,
        error: str,
        next_fetch: int | None,
        gone: bool = False,
        now: int | None = None,
    ) -> None:
        now = int(time.time()) if now is None else now
        with self._transaction():
            self.db.execute(
                """UPDATE feeds SET last_fetched = ?, last_status = ?, last_error = ?,
                       next_fetch = ?, error_count = error_count + 1,
                       gone = max(gone, ?)
                   WHERE id = ?""",
                (now, status, error, next_fetch, int(gone), feed_id),
            )

    # --- read state -------------------------------------------------------
    # A change to a server article is queued for the sync in the same transaction.

    def set_read(self, article_ids: Sequence[int], read: bool = True) -> None:
        now = int(time.time())
        with self._transaction():
            for start in range(0, len(article_ids), 500):
                chunk = list(article_ids[start:start + 500])
                queue_changes(self.db, "read", read, f"id IN ({','.join('?' * len(chunk))})",
                              chunk, now)
            self.db.executemany(
                "UPDATE articles SET read = ? WHERE id = ? AND read != ?",
                [(int(read), aid, int(read)) for aid in article_ids],
            )

    def set_starred(self, article_id: int, starred: bool) -> None:
        with self._transaction():
            queue_changes(self.db, "starred", starred, "id = ?", (article_id,), int(time.time()))
            self.db.execute(
                "UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id)
            )

    def apply_filters(self, filters: FilterSet, now: int | None = None) -> list[int]:
        """Every filter on the whole cache, in one transaction; changes per filter."""
        now = int(time.time()) if now is None else now
        with self._transaction():
            return filters.apply_cached(self.db, now)

    def mark_all_read(
        self, *, topic: str | None = None, feed_id: int | None = None,
        upto_time: int | None = None, all_topics: bool = False,
    ) -> int:
        """Mark every subscribed article of a topic / feed (or all) read.

        `upto_time` protects articles that arrived after the user looked;
        `all_topics` leaves out the feeds hidden from All Topics.
        """
        clauses = ["a.read = 0", "f.subscribed = 1"]
        params: list[object] = []
        if topic is not None:
            clauses.append("f.topic = ?")
            params.append(topic)
        if feed_id is not None:
            clauses.append("a.feed_id = ?")
            params.append(feed_id)
        if upto_time is not None:
            clauses.append("a.first_seen <= ?")
            params.append(upto_time)
        if all_topics:
            clauses.append("f.hidden_from_all = 0")
        chosen = f"""SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id
                     WHERE {' AND '.join(clauses)}"""
        with self._transaction():
            queue_changes(self.db, "read", True, f"id IN ({chosen})", params, int(time.time()))
            cur = self.db.execute(f"UPDATE articles SET read = 1 WHERE id IN ({chosen})", params)
        return cur.rowcount

    # --- plumbing ---------------------------------------------------------

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db, str(self.path))

    def transaction(self) -> _Transaction:
        """One write transaction, for writers kept in other modules (store/pages.py,
        store/synced.py)."""
        return self._transaction()


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, turning sqlite errors into StorageError."""

    def __init__(self, db: sqlite3.Connection, where: str) -> None:
        self.db = db
        self.where = where

    def __enter__(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StorageError(f"{self.where}: {_why(Path(self.where), exc)}") from exc

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        if exc is None:
            try:
                self.db.execute("COMMIT")
                return
            except sqlite3.Error as err:
                self._rollback()  # SQLite may have rolled back already (disk full)
                raise StorageError(f"{self.where}: {_why(Path(self.where), err)}") from err
        self._rollback()
        if isinstance(exc, sqlite3.Error):
            raise StorageError(f"{self.where}: {_why(Path(self.where), exc)}") from exc
        if isinstance(exc, UnicodeError | OverflowError):  # a value SQLite cannot take
            raise StorageError(f"{self.where}: cannot store a value: {exc}") from exc

    def _rollback(self) -> None:
        # A failed ROLLBACK must not hide the error that caused it.
        if self.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
