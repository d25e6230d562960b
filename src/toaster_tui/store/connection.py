"""Opening the SQLite cache (PRAGMAs, migrations) and its write transactions.

One connection per thread; WAL lets the TUI read while a refresh (in this
process or another, e.g. cron) writes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from pathlib import Path

from toaster_tui.core.errors import StorageError
from toaster_tui.store.schema import migrate

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
        raise StorageError(f"{where}: cannot open the database: {why(path, exc)}") from exc
    except sqlite3.Error as exc:
        raise StorageError(f"{where}: cannot open the database: {why(path, exc)}") from exc
    try:
        db.execute("PRAGMA schema_version").fetchone()  # reads the header: NOTADB here
    except sqlite3.DatabaseError as exc:
        db.close()
        if "not a database" in str(exc):
            raise StorageError(
                f"{where}: not a toaster database (not SQLite); left untouched") from exc
        raise StorageError(f"{where}: the database is unusable: {why(path, exc)}") from exc
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
        raise StorageError(f"{where}: the database is unusable: {why(path, exc)}") from exc
    except UnicodeDecodeError as exc:  # damaged pages can read back as text that is not UTF-8
        db.close()
        raise StorageError(f"{where}: the database is unusable: damaged (text that is not "
                           "UTF-8); left untouched") from exc
    except StorageError:
        db.close()
        raise
    return db


def storage_error(where: str, exc: BaseException) -> StorageError | None:
    """A failed write as the one-line StorageError the user sees, or None when
    `exc` is not a storage problem (a bug: it goes on as it is)."""
    if isinstance(exc, sqlite3.Error):
        return StorageError(f"{where}: {why(Path(where), exc)}")
    if isinstance(exc, UnicodeError | OverflowError):  # a value SQLite cannot take
        return StorageError(f"{where}: cannot store a value: {exc}")
    return None


def why(path: Path, exc: BaseException) -> str:
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


class Transaction:
    """BEGIN IMMEDIATE ... COMMIT, turning sqlite errors into StorageError."""

    def __init__(self, db: sqlite3.Connection, where: str) -> None:
        self.db = db
        self.where = where

    def __enter__(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StorageError(f"{self.where}: {why(Path(self.where), exc)}") from exc

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        if exc is None:
            try:
                self.db.execute("COMMIT")
                return
            except sqlite3.Error as err:
                self._rollback()  # SQLite may have rolled back already (disk full)
                raise StorageError(f"{self.where}: {why(Path(self.where), err)}") from err
        self._rollback()
        error = storage_error(self.where, exc)
        if error is not None:
            raise error from exc

    def _rollback(self) -> None:
        # A failed ROLLBACK must not hide the error that caused it.
        if self.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
