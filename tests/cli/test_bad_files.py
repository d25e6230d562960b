"""Bad files: an invalid config.toml, a hand edit racing an app edit, and a
damaged, foreign, read-only or full database. Each gets one clear line (or the
TUI's dialog), never a traceback, and nothing is overwritten.

The read-only and disk-full cases use a private mount namespace (a read-only
bind mount, a tiny tmpfs) when the machine allows it: real EROFS and ENOSPC.
Otherwise a read-only directory falls back to permissions (not as root) and a
full disk to RLIMIT_FSIZE, and skips when neither can be arranged.
"""

from __future__ import annotations

import os
import re
import resource
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from clirunner import Cli
from feedsamples import make_items, rss2
from feedserver import FeedServer
from pilot_helpers import wait_until
from toaster_tui.app.app import ToasterApp
from toaster_tui.app.screens.error import ErrorDialog
from toaster_tui.app.screens.topic import TopicDialog
from toaster_tui.config.load import load_config, parse_config
from toaster_tui.feeds.parse import parse_feed
from toaster_tui.store.database import Store

FIXED_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
COMMANDS: list[tuple[str, ...]] = [
    ("feeds",), ("feeds", "--json"), ("articles",), ("show", "1"), ("refresh",),
    ("add", "https://new.example/feed.xml"), ("remove", "https://a.example/feed.xml"),
    ("move", "https://a.example/feed.xml", "Science"), ("export",),
]
GOOD = """# my feeds
[settings]
refresh_minutes = 0

[[feeds]]
url = "https://a.example/feed.xml"   # the first one
topic = "Technology"
"""

# --- invalid config.toml, in its many forms ---------------------------------------------

BAD_CONFIGS: dict[str, tuple[bytes, int | None]] = {
    # name: (bytes, the line the message must point at, None when any)
    "syntax": (b"[settings\nrefresh_minutes = 1\n", 1),
    "unterminated string": (b'[[feeds]]\nurl = "https://a.example/\n', 2),
    "wrong type": (b'[settings]\nrefresh_minutes = "often"\n', 2),
    "wrong type deep": (b'[[feeds]]\nurl = "https://a.example/"\ntopic = 42\n', 3),
    "duplicate key": (b'[settings]\nconcurrency = 4\nconcurrency = 8\n', 3),
    "duplicate table": (b"[settings]\n[settings]\n", 2),
    "duplicate feed": (b'[[feeds]]\nurl = "https://a.example/"\n[[feeds]]\n'
                       b'url = "https://a.example/"\n', 4),
    "non-UTF-8 bytes": (b'[[feeds]]\nurl = "https://a.example/"\ntitle = "caf\xe9"\n', 3),
    "UTF-16": ('[settings]\nrefresh_minutes = 1\n'.encode("utf-16"), 1),
    "NUL byte": (b"[settings]\nrefresh_minutes = 1\x00\n", 2),
    "topic as a table": (b'[[feeds]]\nurl = "https://a.example/"\n[feeds.topic]\nname = "x"\n',
                         3),
    "topic as an inline table": (b'[[feeds]]\nurl = "https://a.example/"\n'
                                 b'topic = { name = "x" }\n', 3),
    "topic as a list": (b'[[feeds]]\nurl = "https://a.example/"\ntopic = ["a", "b"]\n', 3),
    "empty topic": (b'[[feeds]]\nurl = "https://a.example/"\ntopic = "  "\n', 3),
    "topic with escapes": (b'[[feeds]]\nurl = "https://a.example/"\n'
                           b'topic = "\\u001b]52;c;SGk=\\u0007Tech"\n', 3),
    "topics not a list": (b'[settings]\ntopics = "Tech"\n', 2),
    "feeds not an array": (b'feeds = "https://a.example/"\n', 1),
    "unknown key": (b"[settings]\nrefresh_minuets = 5\n", 2),
    "unknown table": (b"[colours]\nx = 1\n", 1),
    "non-http url": (b'[[feeds]]\nurl = "file:///etc/passwd"\n', 2),
    "url with bidi": ('[[feeds]]\nurl = "https://a.example/\u202efeed"\n'.encode(), 2),
    "huge number": (b"[settings]\nmax_bytes = 99999999999999999999999\n", 2),
    "nested too deep": (b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", 1),
    "not a table at all": (b"just some words\n", 1),
}


@pytest.mark.parametrize("name", list(BAD_CONFIGS))
def test_invalid_config_exits_2_with_position_and_is_never_touched(
        cli: Cli, name: str) -> None:
    data, line = BAD_CONFIGS[name]
    cli.config.write_bytes(data)
    before_dir = sorted(p.name for p in cli.config.parent.iterdir())
    for command in COMMANDS:
        result = cli(*command)
        assert result.code == 2, (name, command, result.err)
        assert result.out == "", (name, command)
        lines = result.err.splitlines()
        assert len(lines) == 1, (name, command, result.err)
        match = re.fullmatch(rf"{re.escape(str(cli.config))}:(\d+):(\d+): (.+)", lines[0])
        assert match, (name, command, lines[0])
        if line is not None:
            assert int(match[1]) == line, (name, lines[0])
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", result.err)
        assert cli.config.read_bytes() == data, f"{name}: {command} changed the file"
    assert sorted(p.name for p in cli.config.parent.iterdir()) == before_dir  # no .bak


def test_a_config_that_is_a_directory_or_unreadable(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    cli.config = folder
    result = cli("feeds")
    assert result.code == 2
    assert re.fullmatch(rf"{re.escape(str(folder))}:1:1: cannot read the file: .+\n", result.err)


# --- the TUI with an invalid config ------------------------------------------------------------

def _library(tmp_path: Path, config_text: str = GOOD) -> tuple[Path, Path]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = tmp_path / "config.toml"
    config.write_text(config_text, encoding="utf-8")
    db = tmp_path / "toaster.db"
    store = Store(db)
    parsed = parse_config(config_text, config)
    ids = store.sync_feeds(parsed.feeds)
    for feed in parsed.feeds:
        data = parse_feed(rss2(make_items(feed.url[8:9], 3)), feed.url, None)
        store.save_feed(ids[feed.url], data, status=200, etag=None, last_modified=None,
                        fetch_url=None)
    store.close()
    return config, db


async def _wait(pilot: Any, check: Callable[[], bool], what: str,
                timeout: float = 10) -> None:
    await wait_until(pilot, check, timeout, what)


@pytest.mark.parametrize("name", ["non-UTF-8 bytes", "duplicate key", "topic as a table",
                                  "nested too deep", "topic with escapes"])
async def test_tui_shows_the_same_message_and_leaves_the_file(tmp_path: Path,
                                                              name: str) -> None:
    config, db = _library(tmp_path)
    data, line = BAD_CONFIGS[name]
    config.write_bytes(data)
    app = ToasterApp(config, db, now=lambda: FIXED_NOW, config_check_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await _wait(pilot, lambda: isinstance(app.screen, ErrorDialog), "the error dialog")
        dialog = app.screen
        assert isinstance(dialog, ErrorDialog)
        assert re.match(rf"{re.escape(str(config))}:{line}:\d+: \S", dialog.message), \
            dialog.message
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", dialog.message)
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running  # it keeps going on the last good subscriptions
    assert config.read_bytes() == data
    assert not config.with_name("config.toml.bak").exists()


async def test_a_hand_edit_made_while_the_tui_runs_is_never_clobbered(tmp_path: Path) -> None:
    """The app loaded config.toml; the user then edits it by hand (the app has
    not noticed yet); an edit from the app (t: move to topic) re-reads the file
    and merges: the hand edit survives, with its comment."""
    text = GOOD + '\n[[feeds]]\nurl = "https://b.example/feed.xml"\ntopic = "Design"\n'
    config, db = _library(tmp_path, text)
    app = ToasterApp(config, db, now=lambda: FIXED_NOW, config_check_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.main
        await _wait(pilot, lambda: len(app.config.feeds) == 2 and len(main.articles.rows) == 6,
                    "the library")
        hand = config.read_text(encoding="utf-8").replace("# my feeds", "# my feeds, by hand") \
            + '\n# added by hand\n[[feeds]]\nurl = "https://c.example/feed.xml"\n'
        config.write_text(hand, encoding="utf-8")
        main.articles.focus()
        row = main.articles.current
        assert row is not None
        await pilot.press("t")
        await _wait(pilot, lambda: isinstance(app.screen, TopicDialog), "the topic dialog")
        app.screen.query_one("#topic-input").value = "Science"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await _wait(pilot, lambda: "topic = \"Science\"" in config.read_text(encoding="utf-8"),
                    "the move")
        await pilot.app.workers.wait_for_complete()
    after = config.read_text(encoding="utf-8")
    assert "# my feeds, by hand" in after and "# added by hand" in after
    assert "https://c.example/feed.xml" in after
    feeds = {f.url: f.topic for f in load_config(config).feeds}
    moved = row.feed_url
    assert feeds[moved] == "Science"
    assert len(feeds) == 3


async def test_an_app_edit_on_a_file_broken_by_hand_is_refused_with_a_message(
        tmp_path: Path) -> None:
    config, db = _library(tmp_path)
    app = ToasterApp(config, db, now=lambda: FIXED_NOW, config_check_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.main
        await _wait(pilot, lambda: len(main.articles.rows) == 3, "the library")
        broken = b"[settings\n# half-typed by hand\n"
        config.write_bytes(broken)
        main.articles.focus()
        await pilot.press("t")
        await _wait(pilot, lambda: isinstance(app.screen, TopicDialog), "the topic dialog")
        app.screen.query_one("#topic-input").value = "Science"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await _wait(pilot, lambda: any(str(config) in str(n.message)
                                       for n in app._notifications), "the refusal")
        messages = [str(n.message) for n in app._notifications]
        assert any(re.search(rf"{re.escape(str(config))}:1:\d+:", m) for m in messages), messages
    assert config.read_bytes() == broken
    assert not config.with_name("config.toml.bak").exists()


# --- damaged and foreign databases ---------------------------------------------------------

def _filled_db(path: Path, articles: int = 400) -> None:
    store = Store(path)
    ids = store.sync_feeds(parse_config(GOOD, path.with_name("c.toml")).feeds)
    data = parse_feed(rss2(make_items("d", articles)), "https://a.example/feed.xml", None)
    store.save_feed(next(iter(ids.values())), data, status=200, etag=None, last_modified=None,
                    fetch_url=None)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def _damage(kind: str, path: Path) -> None:
    if kind == "not sqlite":
        path.write_bytes(b"this is my diary, not a database\n" * 100)
    elif kind == "empty but for a header":
        path.write_bytes(b"SQLite format 3\x00")
    elif kind == "truncated":
        _filled_db(path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif kind == "garbage pages":
        _filled_db(path)
        data = bytearray(path.read_bytes())
        for offset in range(8192, len(data), 1531):
            data[offset:offset + 64] = os.urandom(64)
        path.write_bytes(bytes(data))
    elif kind == "garbage schema":
        _filled_db(path)
        data = bytearray(path.read_bytes())
        data[100:4096] = b"\xff" * (4096 - 100)
        path.write_bytes(bytes(data))
    elif kind == "newer schema":
        _filled_db(path)
        db = sqlite3.connect(path)
        db.execute("PRAGMA user_version = 999")
        db.commit()
        db.close()
    elif kind == "a directory":
        path.mkdir()


DAMAGE = ["not sqlite", "empty but for a header", "truncated", "garbage pages",
          "garbage schema", "newer schema", "a directory"]


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_or_foreign_database_is_one_clear_line_and_left_alone(
        cli: Cli, kind: str) -> None:
    cli.config.write_text(GOOD, encoding="utf-8")
    _damage(kind, cli.db)
    before = cli.db.read_bytes() if cli.db.is_file() else None
    for command in [("feeds",), ("articles",), ("show", "1"), ("refresh",), ("export",),
                    ("articles", "--json", "--search", "story")]:
        result = cli(*command)
        assert result.code in (0, 1), (kind, command, result.err)
        assert "Traceback" not in result.err
        if result.code == 1:
            lines = result.err.splitlines()
            assert len(lines) == 1 and lines[0].startswith("toaster: "), (kind, command, lines)
        if kind in ("not sqlite", "newer schema", "a directory", "empty but for a header"):
            assert result.code == 1, (kind, command)
        if before is not None and kind in ("not sqlite", "newer schema"):
            assert cli.db.read_bytes() == before, f"{kind}: {command} wrote to the file"
    # The TUI refuses the same way before taking the screen.
    result = cli()
    assert result.code == 1 if kind != "garbage pages" else result.code in (0, 1)


# --- read-only data directory and full disk -----------------------------------------------

def _namespaces() -> bool:
    if not shutil.which("unshare") or sys.platform != "linux":
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs "
                            "/mnt 2>/dev/null || mount -t tmpfs -o size=64k tmpfs /tmp"],
                           capture_output=True, timeout=10)
    return probe.returncode == 0


NAMESPACES = _namespaces()
TOASTER = [sys.executable, "-m", "toaster_tui"]


def _in_namespace(script: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["unshare", "-m", "sh", "-ec", script], capture_output=True,
                          text=True, timeout=timeout)


def _toaster(*args: str | Path) -> str:
    return " ".join(shlex.quote(str(a)) for a in [*TOASTER, *args])


def _state(db: Path) -> tuple[str, list[tuple[str, int, int]]]:
    con = sqlite3.connect(db)
    try:
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
        rows = con.execute("SELECT key, read, starred FROM articles ORDER BY key").fetchall()
    finally:
        con.close()
    return check, rows


def _read_only_run(data: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    if NAMESPACES:
        return _in_namespace(f"mount --bind {shlex.quote(str(data))} {shlex.quote(str(data))}; "
                             f"mount -o remount,bind,ro {shlex.quote(str(data))}; "
                             f"exec {_toaster(*args)}")
    if os.geteuid() == 0:
        pytest.skip("root without mount namespaces: a read-only directory cannot be made")
    data.chmod(0o555)
    try:
        return subprocess.run([*TOASTER, *map(str, args)], capture_output=True, text=True,
                              timeout=60)
    finally:
        data.chmod(0o755)


def test_a_read_only_data_directory(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    config = tmp_path / "config.toml"
    config.write_text(GOOD, encoding="utf-8")
    db = data / "toaster.db"
    _filled_db(db)
    before = db.read_bytes()
    for args in (("feeds",), ("articles",), ("refresh",)):
        result = _read_only_run(data, *args, "--config", config, "--db", db)
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr
        line = result.stderr.strip().splitlines()[-1]
        assert re.search(r"read-only|not writable", line), line
    new = _read_only_run(data, "feeds", "--config", config, "--db", data / "new.db")
    assert new.returncode == 1 and "Traceback" not in new.stderr
    assert re.search(r"read-only|not writable", new.stderr), new.stderr
    assert db.read_bytes() == before
    assert not (data / "new.db").exists()


def _full_disk_refresh(work: Path, out: Path, free: int) -> subprocess.CompletedProcess[str]:
    """`toaster refresh` on a copy of `work` with only `free` bytes left on its disk;
    the database files are copied to `out` afterwards."""
    db = work / "toaster.db"
    if NAMESPACES:
        disk = work.with_name(f"disk-{free}")
        disk.mkdir()
        size = sum(p.stat().st_size for p in work.iterdir()) + 2 * 1024 * 1024
        run = _toaster("refresh", "--config", disk / "config.toml", "--db", disk / "toaster.db")
        return _in_namespace(
            f"mount -t tmpfs -o size={size} tmpfs {disk}; cp {work}/* {disk}/; "
            f"avail=$(df --output=avail -B1 {disk} | tail -1); "
            f"dd if=/dev/zero of={disk}/filler bs=4096 count=$(( (avail - {free}) / 4096 )) "
            f"2>/dev/null || true; set +e; {run}; echo exit=$?; cp {disk}/toaster.db* {out}/")

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        cap = db.stat().st_size + free
        resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap))

    proc = subprocess.run([*TOASTER, "refresh", "--config", str(work / "config.toml"),
                           "--db", str(db)], capture_output=True, text=True, timeout=60,
                          preexec_fn=limit)
    for path in work.glob("toaster.db*"):
        shutil.copy(path, out / path.name)
    return subprocess.CompletedProcess(proc.args, 0, proc.stdout + f"exit={proc.returncode}",
                                       proc.stderr)


@pytest.mark.parametrize("free", [300 * 1024, 0], ids=["fills-up-during-refresh", "already-full"])
def test_a_full_disk_loses_nothing(tmp_path: Path, server: FeedServer, free: int) -> None:
    """A refresh that runs out of disk: one clear line, no traceback, and the
    database afterwards is intact with every read and starred flag."""
    server.route("/big.xml", body=rss2(make_items("big", 800)))
    url = server.url("/big.xml")
    work = tmp_path / "work"
    work.mkdir()
    config = work / "config.toml"
    config.write_text(GOOD + f'\n[[feeds]]\nurl = "{url}"\ntopic = "News"\n', encoding="utf-8")
    db = work / "toaster.db"
    _filled_db(db, articles=60)
    con = sqlite3.connect(db)
    con.execute("UPDATE articles SET read = 1 WHERE id % 3 = 0")
    con.execute("UPDATE articles SET starred = 1 WHERE id % 5 = 0")
    con.commit()
    con.close()
    _check, before = _state(db)
    out = tmp_path / "out"
    out.mkdir()
    result = _full_disk_refresh(work, out, free)
    assert "exit=1" in result.stdout, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert re.search(r"disk is full", result.stderr), result.stderr
    if free:  # the failure is that feed's, reported on its own line
        assert any(line.startswith(url) and "not saved" in line
                   for line in result.stderr.splitlines()), result.stderr
    check, after = _state(out / "toaster.db")
    assert check == "ok"
    assert set(before) <= set(after)  # every article kept, with its read and starred state
