"""The SQLite schema and its numbered migrations.

The schema version lives in `PRAGMA user_version`. Each migration moves the
database one version up inside the caller's transaction, so an upgrade either
happens whole or not at all (read and starred state survive upgrades).
"""

from __future__ import annotations

import sqlite3

from toaster_tui.core.errors import StorageError

_CREATE_V1 = """
        CREATE TABLE feeds (
            id            INTEGER PRIMARY KEY,
            url           TEXT NOT NULL UNIQUE,   -- the subscribed URL (config.toml)
            topic         TEXT NOT NULL DEFAULT 'Personal',
            title_override TEXT,                  -- config.toml's `title`
            title         TEXT,                   -- the feed's own title
            site_url      TEXT,
            language      TEXT,
            fetch_url     TEXT,                   -- where a 301/308 sent us
            etag          TEXT,
            last_modified TEXT,
            last_fetched  INTEGER,
            last_status   INTEGER,
            last_error    TEXT,
            next_fetch    INTEGER,                -- back-off / Retry-After
            error_count   INTEGER NOT NULL DEFAULT 0,
            gone          INTEGER NOT NULL DEFAULT 0,
            -- Removing a feed only unsubscribes it, so re-adding it brings back
            -- its articles with their read and starred state.
            subscribed    INTEGER NOT NULL DEFAULT 1
        );

        CREATE TABLE articles (
            id            INTEGER PRIMARY KEY,
            feed_id       INTEGER NOT NULL REFERENCES feeds(id),
            key           TEXT NOT NULL,          -- entry id, else link, else hash
            title         TEXT NOT NULL,
            url           TEXT,
            author        TEXT,
            published     INTEGER,
            updated       INTEGER,
            first_seen    INTEGER NOT NULL,
            sort_time     INTEGER NOT NULL,       -- published, else updated, else first_seen
            content_html  TEXT NOT NULL,
            summary_html  TEXT NOT NULL,
            text          TEXT NOT NULL,
            snippet       TEXT NOT NULL,
            categories    TEXT NOT NULL DEFAULT '[]',
            language      TEXT NOT NULL,
            read_minutes  INTEGER NOT NULL,
            content_hash  TEXT NOT NULL,
            read          INTEGER NOT NULL DEFAULT 0,
            starred       INTEGER NOT NULL DEFAULT 0,
            UNIQUE (feed_id, key)
        );

        -- Indexes in the listing order (newest first, id breaks ties).
        CREATE INDEX articles_by_time ON articles (sort_time DESC, id DESC);
        CREATE INDEX articles_by_feed_time ON articles (feed_id, sort_time DESC, id DESC);
        CREATE INDEX articles_unread ON articles (feed_id, sort_time DESC, id DESC)
            WHERE read = 0;
        CREATE INDEX articles_unread_time ON articles (sort_time DESC, id DESC)
            WHERE read = 0;
        CREATE INDEX articles_starred ON articles (sort_time DESC, id DESC)
            WHERE starred = 1;

        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text,
            content = 'articles', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2'
        );
        -- Per-term document counts: related-article queries pick rare words.
        CREATE VIRTUAL TABLE articles_fts_terms USING fts5vocab(articles_fts, 'row');
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
        END;
        -- Only a changed title or text touches the index; read/star flips do not.
        CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
"""


# New rows are indexed by the writer in one INSERT ... SELECT per feed
# (index_articles_after), in the same transaction: a row trigger costs 2.5x
# more CPU per article, the largest part of storing a refreshed feed.
_V2_INDEX_PER_FEED = """
        DROP TRIGGER articles_fts_insert;
"""


# Enclosures (podcast audio, video): a JSON list like `categories`, written
# with the row in the same statement; the first audio/video enclosure's kind
# and duration as columns, so list rows and the meta line can say "34 min
# listen" without reading the list. ADD COLUMN rewrites no row: an upgrade is
# instant and leaves read and starred as they were. Entries stored before it
# get their enclosures on the feed's next refresh (their content hash changes).
_V3_ENCLOSURES = """
        ALTER TABLE articles ADD COLUMN enclosures TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE articles ADD COLUMN media_kind TEXT;      -- 'audio' | 'video'
        ALTER TABLE articles ADD COLUMN media_seconds INTEGER;
"""


# Full articles: a feed's `full_text` as config.toml says it (NULL: [settings]
# decides), and each article's own web page once fetched: its extracted main
# text, or why it could not be had. A page never replaces the feed's body
# (articles.content_html stays); articles.text, read_minutes and language take
# the page's values when it is stored, so search, related reading, the list's
# read time and the language follow the whole article.
_V4_FULL_TEXT = """
        ALTER TABLE feeds ADD COLUMN full_text INTEGER;
        CREATE TABLE pages (
            article_id    INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            url           TEXT NOT NULL,          -- the article's link, as fetched
            fetched       INTEGER NOT NULL,
            status        INTEGER,                -- HTTP status, NULL without an answer
            error         TEXT,                   -- why there is no page text, else NULL
            content_html  TEXT,                   -- the extracted main content, sanitized
            text          TEXT,
            language      TEXT,
            read_minutes  INTEGER
        );
"""


# Sync with a feed server. A server feed has its stream id in feeds.server_id
# (NULL: a local [[feeds]] entry, fetched here); a server article its item id
# (sync.items.item_key form) in articles.server_id. Every local read/star
# change of a server article goes into `outbox` in the same transaction as the
# change itself; one row per (item, field): a newer change replaces the older
# (a new rowid, so pushing deletes exactly what it pushed). sync_state holds
# the last sync's time and outcome.
_V5_SYNC = """
        ALTER TABLE feeds ADD COLUMN server_id TEXT;
        CREATE UNIQUE INDEX feeds_by_server_id ON feeds (server_id)
            WHERE server_id IS NOT NULL;
        ALTER TABLE articles ADD COLUMN server_id TEXT;
        CREATE UNIQUE INDEX articles_by_server_id ON articles (server_id)
            WHERE server_id IS NOT NULL;
        CREATE TABLE outbox (
            id        INTEGER PRIMARY KEY,
            server_id TEXT NOT NULL,
            field     TEXT NOT NULL CHECK (field IN ('read', 'starred')),
            value     INTEGER NOT NULL,
            queued    INTEGER NOT NULL,
            UNIQUE (server_id, field)
        );
        CREATE TABLE sync_state (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
"""


# Per-feed rules and retention. `hidden_from_all` mirrors config.toml (sync_feeds)
# so listings and counts can leave such feeds out of "All Topics" in SQL.
# `forgotten` remembers the identity of articles retention deleted: a feed still
# carrying one must not bring it back as new. A tombstone is a few dozen bytes
# (no body, no index entry); `last_seen` is when the feed last carried the key,
# so `toaster vacuum` can drop tombstones for entries long gone from the feed.
_V6_FEED_RULES_RETENTION = """
        ALTER TABLE feeds ADD COLUMN hidden_from_all INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE forgotten (
            feed_id   INTEGER NOT NULL REFERENCES feeds(id),
            key       TEXT NOT NULL,
            last_seen INTEGER NOT NULL,
            PRIMARY KEY (feed_id, key)
        ) WITHOUT ROWID;
"""


# Filters (`action = "hide"`): a hidden article stays in the cache, so the feed
# never brings it back as new, but no listing, count, search or related list
# shows it. Hiding also marks it read, so the unread indexes and counts need no
# change; the small partial index serves `toaster articles --hidden` and the
# per-feed totals (all rows minus the hidden ones).
_V7_HIDDEN_ARTICLES = """
        ALTER TABLE articles ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX articles_hidden ON articles (feed_id, sort_time DESC, id DESC)
            WHERE hidden = 1;
"""


# Subscription changes to server feeds made here (subscribe, move = the
# server's folder, unsubscribe), waiting for the next sync to send them. The
# change itself is made in `feeds` in the same transaction, so it shows at
# once, offline: a feed added for the server is a server feed whose server_id
# is 'queued:' || url until the server lists it under its stream id. One row
# per feed: a newer change replaces the older (a new rowid, so a push deletes
# exactly what it sent). `checked`: the URL was fetched and parsed as a feed
# here, so the server subscribes to it as it is; else the server looks for the
# feed at the address (quickadd). Refusals go to sync_state (`sub_refused`).
_V8_SUB_OUTBOX = """
        CREATE TABLE sub_outbox (
            id       INTEGER PRIMARY KEY,
            feed_id  INTEGER NOT NULL UNIQUE REFERENCES feeds(id),
            action   TEXT NOT NULL CHECK (action IN ('subscribe', 'move', 'unsubscribe')),
            url      TEXT NOT NULL,
            topic    TEXT,
            title    TEXT,
            checked  INTEGER NOT NULL DEFAULT 0,
            queued   INTEGER NOT NULL
        );
"""


# MIGRATIONS[n] takes a database at version n to version n + 1.
MIGRATIONS: dict[int, str] = {
    0: _CREATE_V1,
    1: _V2_INDEX_PER_FEED,
    2: _V3_ENCLOSURES,
    3: _V4_FULL_TEXT,
    4: _V5_SYNC,
    5: _V6_FEED_RULES_RETENTION,
    6: _V7_HIDDEN_ARTICLES,
    7: _V8_SUB_OUTBOX,
}
LATEST_VERSION = max(MIGRATIONS) + 1


def migrate(db: sqlite3.Connection, where: str) -> None:
    """Bring the database to LATEST_VERSION, one step per transaction."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > LATEST_VERSION:
        raise StorageError(
            f"{where}: the database is from a newer toaster-tui (schema {version}); upgrade first"
        )
    while version < LATEST_VERSION:
        # One script holds the step and the version bump in one transaction,
        # so a crash mid-upgrade leaves the old version intact.
        script = (f"BEGIN IMMEDIATE;\n{MIGRATIONS[version]}\n"
                  f"PRAGMA user_version = {version + 1};\nCOMMIT;")
        try:
            db.executescript(script)
        except BaseException as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            # Two processes opening a new cache at once (the app and a cron
            # refresh) both read the old version; the second one's step then
            # fails on what the first created. Go on from where the winner left it.
            if isinstance(exc, sqlite3.OperationalError):
                now = int(db.execute("PRAGMA user_version").fetchone()[0])
                if now > version:
                    version = now
                    continue
            raise
        version += 1


def last_article_id(db: sqlite3.Connection) -> int:
    """The highest article id: rows inserted after this call (in the same write
    transaction) are the ones index_articles_after will index."""
    return int(db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])


def index_articles_after(db: sqlite3.Connection, after_id: int) -> None:
    """Add the articles inserted since `last_article_id` to the search index.

    Every writer that inserts articles calls this before it commits, so an
    article is never visible without being searchable."""
    db.execute("INSERT INTO articles_fts (rowid, title, text)"
               " SELECT id, title, text FROM articles WHERE id > ?", (after_id,))
