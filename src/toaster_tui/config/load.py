"""Load and validate config.toml; every problem becomes `path:line:col: message`."""

from __future__ import annotations

import contextlib
import difflib
import json
import math
import os
import re
import secrets
import stat
import tomllib
from bisect import bisect_right
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tomli_w

from toaster_tui.config import paths
from toaster_tui.core.errors import ConfigError
from toaster_tui.core.models import FALLBACK_TOPIC, Config, FeedSpec, Settings
from toaster_tui.core.sanitize import is_terminal_safe

__all__ = [
    "dump_config",
    "ensure_config",
    "feed_url_problem",
    "load_config",
    "parse_config",
    "write_atomic",
]

TOP_KEYS = ("settings", "feeds")
SETTINGS_KEYS = ("refresh_minutes", "concurrency", "per_host", "timeout", "max_bytes", "topics")
FEED_KEYS = ("url", "topic", "title")

# (minimum, maximum or None, how to say it) for the integer settings.
_INT_RULES: dict[str, tuple[int, int | None, str]] = {
    "refresh_minutes": (0, None, "an integer >= 0 (0 = manual refresh only)"),
    "concurrency": (1, 256, "an integer from 1 to 256"),
    "per_host": (1, 64, "an integer from 1 to 64"),
    "max_bytes": (1024, None, "an integer >= 1024"),
}
_MAX_TIMEOUT = 600.0
# Upper bounds: a setting beyond these is a typo, and would disable a limit.
_INT_CAPS: dict[str, tuple[int, str]] = {
    "refresh_minutes": (525_600, "525600 (a year)"),
    "max_bytes": (1 << 30, "1073741824 (1 GiB)"),
}
_MAX_NESTING = 64

_TOML_POS = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$", re.S)
_TOML_END = re.compile(r"^(?P<msg>.*?)\s*\(at end of document\)$", re.S)
_BOM = "\ufeff"
_Where = tuple[str | int, ...]  # a path in the document: ("feeds", 2, "url")


# --- reading ----------------------------------------------------------------

def load_config(path: Path) -> Config:
    """Read and validate `path`; raise ConfigError with the position of the first problem."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), 1, 1, f"cannot read the file: {exc.strerror or exc}") from None
    return parse_config(data, path)


def parse_config(data: bytes | str, path: Path) -> Config:
    """Validate config text already in memory; `path` is only used in messages and the result."""
    text = _decode(data, path) if isinstance(data, bytes) else data
    # Notepad and friends write a BOM; tomllib rejects it, people should not have to care.
    shift = 1 if text.startswith(_BOM) else 0
    text = text[shift:]
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col, message = _syntax_position(str(exc), text)
        raise ConfigError(str(path), line, col + (shift if line == 1 else 0), message) from None
    except RecursionError:  # tomllib recurses once per nested array or inline table
        line, col = _too_deep(text)
        raise ConfigError(str(path), line, col + (shift if line == 1 else 0),
                          f"arrays or tables nested more than {_MAX_NESTING} deep") from None
    return _Validator(text, path, shift).config(raw)


def _too_deep(text: str) -> tuple[int, int]:
    """Where [ / { nesting first exceeds _MAX_NESTING (strings and comments skipped)."""
    depth = 0
    pattern = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[{]|[\]}]')
    for m in pattern.finditer(text):
        token = m.group()
        if token in ("[", "{"):
            depth += 1
            if depth > _MAX_NESTING:
                line = text.count("\n", 0, m.start()) + 1
                return line, m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        elif token in ("]", "}"):
            depth = max(0, depth - 1)
    return 1, 1


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        bad = data[exc.start]
        raise ConfigError(
            str(path), line, col, f"the file is not UTF-8 text (byte 0x{bad:02x})"
        ) from None


def _syntax_position(text: str, doc: str) -> tuple[int, int, str]:
    """Split tomllib's '... (at line L, column C)' into (L, C, message)."""
    found = _TOML_POS.match(text)
    if found:
        return int(found["line"]), int(found["col"]), found["msg"]
    found = _TOML_END.match(text)
    if found:
        line = doc.count("\n") + 1
        return line, len(doc) - (doc.rfind("\n") + 1) + 1, found["msg"]
    return 1, 1, text


# --- validation -------------------------------------------------------------

class _Validator:
    """Checks the parsed dict; finds positions in the text only when something is wrong."""

    def __init__(self, text: str, path: Path, shift: int) -> None:
        self._text = text
        self._path = path
        self._shift = shift
        self._locator: _Locator | None = None

    @property
    def _where(self) -> _Locator:
        if self._locator is None:
            self._locator = _Locator(self._text)
        return self._locator

    def _fail(self, at: _Where, message: str, *, value: bool = False) -> ConfigError:
        """The error for `message`, placed on the key (or its value) at path `at`."""
        line, col = self._where.value_at(at) if value else self._where.key_at(at)
        return ConfigError(str(self._path), line, col + (self._shift if line == 1 else 0), message)

    def config(self, raw: dict[str, Any]) -> Config:
        for key in raw:
            if key not in TOP_KEYS:
                raise self._fail((key,), _unknown(key, TOP_KEYS, "at the top level"))
        settings = self._settings(raw.get("settings", {}))
        feeds = self._feeds(raw.get("feeds", []))
        return Config(path=self._path, settings=settings, feeds=feeds)

    def _settings(self, raw: object) -> Settings:
        if not isinstance(raw, dict):
            raise self._fail(("settings",), f"settings must be a table, not {_show(raw)}")
        for key in raw:
            if key not in SETTINGS_KEYS:
                raise self._fail(("settings", key), _unknown(key, SETTINGS_KEYS, "in [settings]"))
        values: dict[str, Any] = {}
        for key, (low, high, wanted) in _INT_RULES.items():
            if key not in raw:
                continue
            number = raw[key]
            if (isinstance(number, bool) or not isinstance(number, int) or number < low
                    or (high is not None and number > high)):
                raise self._fail(("settings", key), f"{key} must be {wanted}, not {_show(number)}",
                                 value=True)
            cap = _INT_CAPS.get(key)
            if cap is not None and number > cap[0]:
                raise self._fail(("settings", key), f"{key} must be at most {cap[1]}, "
                                 f"not {_show(number)}", value=True)
            values[key] = number
        if "timeout" in raw:
            seconds = raw["timeout"]
            if (isinstance(seconds, bool) or not isinstance(seconds, int | float)
                    or not math.isfinite(seconds) or not 0 < seconds <= _MAX_TIMEOUT):
                raise self._fail(("settings", "timeout"), "timeout must be a number of seconds "
                                 f"above 0 and at most 600, not {_show(seconds)}", value=True)
            values["timeout"] = float(seconds)
        if "topics" in raw:
            values["topics"] = self._topics(raw["topics"])
        return Settings(**values)

    def _topics(self, raw: object) -> tuple[str, ...]:
        if not isinstance(raw, list):
            raise self._fail(("settings", "topics"),
                             f"topics must be a list of topic names, not {_show(raw)}", value=True)
        topics: list[str] = []
        for index, name in enumerate(raw):
            where = ("settings", "topics", index)
            if not isinstance(name, str):
                raise self._fail(where, f"topics must hold strings only, not {_show(name)}",
                                 value=True)
            if not name.strip():
                raise self._fail(where, "topics must not hold an empty topic name", value=True)
            if _unsafe_text(name):
                raise self._fail(where, f"topic names must not contain {_UNSAFE_WHAT}: "
                                 f"{_show(name)}", value=True)
            if name.strip() not in topics:
                topics.append(name.strip())
        return tuple(topics)

    def _feeds(self, raw: object) -> tuple[FeedSpec, ...]:
        if not isinstance(raw, list):
            raise self._fail(("feeds",), "feeds must be an array of tables ([[feeds]]), "
                             f"not {_show(raw)}")
        feeds: list[FeedSpec] = []
        first_seen: dict[str, int] = {}
        for index, entry in enumerate(raw):
            if not isinstance(entry, dict):
                raise self._fail(("feeds", index), f"each feed must be a table, not {_show(entry)}",
                                 value=True)
            feed = self._feed(index, entry)
            if feed.url in first_seen:
                earlier = self._where.value_at(("feeds", first_seen[feed.url], "url"))[0]
                raise self._fail(("feeds", index, "url"), f"duplicate feed url {_show(feed.url)} "
                                 f"(first listed on line {earlier})", value=True)
            first_seen[feed.url] = index
            feeds.append(feed)
        return tuple(feeds)

    def _feed(self, index: int, entry: dict[str, Any]) -> FeedSpec:
        for key in entry:
            if key not in FEED_KEYS:
                raise self._fail(("feeds", index, key), _unknown(key, FEED_KEYS, "in [[feeds]]"))
        if "url" not in entry:
            raise self._fail(("feeds", index), "feed has no url")
        url = entry["url"]
        if not isinstance(url, str):
            raise self._fail(("feeds", index, "url"), f"url must be a string, not {_show(url)}",
                             value=True)
        problem = feed_url_problem(url)
        if problem:
            raise self._fail(("feeds", index, "url"), problem, value=True)
        topic = entry.get("topic", FALLBACK_TOPIC)
        if not isinstance(topic, str) or not topic.strip():
            raise self._fail(("feeds", index, "topic"),
                             f"topic must be a non-empty string, not {_show(topic)}", value=True)
        if _unsafe_text(topic):
            raise self._fail(("feeds", index, "topic"),
                             f"topic must not contain {_UNSAFE_WHAT}: {_show(topic)}", value=True)
        title = entry.get("title")
        if title is not None and not isinstance(title, str):
            raise self._fail(("feeds", index, "title"),
                             f"title must be a string, not {_show(title)}", value=True)
        if title is not None and _unsafe_text(title):
            raise self._fail(("feeds", index, "title"),
                             f"title must not contain {_UNSAFE_WHAT}: {_show(title)}", value=True)
        return FeedSpec(url=url.strip(), topic=topic.strip(), title=(title or "").strip() or None)


_UNSAFE_WHAT = "line breaks, tabs, control characters or bidi overrides"


def _unsafe_text(value: str) -> bool:
    """A topic or title that would drive the terminal or break a line."""
    return not is_terminal_safe(value) or "\n" in value or "\t" in value


def feed_url_problem(url: str) -> str | None:
    """Why `url` cannot be a feed address, or None when it can."""
    url = url.strip()
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return f"url must not contain spaces or control characters: {_show(url)}"
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"url is not a valid address: {_show(url)}"
    if parts.scheme.lower() not in ("http", "https"):
        return f"url must start with http:// or https://, not {_show(url)}"
    if not parts.hostname:
        return f"url has no host name: {_show(url)}"
    return None


def _unknown(key: str, known: tuple[str, ...], where: str) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f'did you mean "{close[0]}"?' if close else "known keys: " + ", ".join(known)
    return f"unknown key {_show(key)} {where} ({hint})"


def _show(value: object) -> str:
    """A short, terminal-safe rendering of a TOML value for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = json.dumps(value if len(value) <= 80 else value[:77] + "...", ensure_ascii=False)
        # json leaves bidi overrides and other invisible format characters alone.
        return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in shown)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date/time"


# --- positions ----------------------------------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# A scalar runs to a delimiter; "1979-05-27 07:32:00" has one allowed space.
_SCALAR = re.compile(r"[^\s,\]}#]+(?: [0-9][^\s,\]}#]*)?")


class _Locator:
    """Where keys, values and table headers sit in TOML text that tomllib accepted.

    A small scanner, not a parser: it only needs offsets. A path is the key
    names plus indexes for array entries, e.g. ("feeds", 2, "url").
    """

    def __init__(self, text: str) -> None:
        self._s = text
        self._i = 0
        self._starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self._spots: dict[_Where, tuple[int, int]] = {}  # path -> (key offset, value offset)
        self._aot: dict[_Where, int] = {}  # [[array]] path -> entries seen so far
        # Positions are a courtesy on top of a message: never let them crash.
        with contextlib.suppress(Exception):
            self._scan()

    def key_at(self, where: _Where) -> tuple[int, int]:
        """(line, col) of the key, header or element at `where`, else its nearest parent."""
        return self._pos(self._find(where)[0])

    def value_at(self, where: _Where) -> tuple[int, int]:
        return self._pos(self._find(where)[1])

    def _find(self, where: _Where) -> tuple[int, int]:
        while where:
            if where in self._spots:
                return self._spots[where]
            for path, spot in self._spots.items():  # a dotted key or sub-table below it
                if path[: len(where)] == where:
                    return spot
            where = where[:-1]
        return 0, 0

    def _pos(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def _peek(self) -> str:
        return self._s[self._i] if self._i < len(self._s) else ""

    def _skip(self, newlines: bool) -> None:
        """Skip blanks and comments, and line breaks too when `newlines`."""
        while self._i < len(self._s):
            ch = self._s[self._i]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self._i += 1
            elif ch == "#":
                end = self._s.find("\n", self._i)
                self._i = len(self._s) if end < 0 else end
            else:
                return

    def _scan(self) -> None:
        table: _Where = ()
        while True:
            self._skip(newlines=True)
            start = self._i
            if start >= len(self._s):
                return
            if self._peek() == "[":
                table = self._header()
            else:
                self._keyval(table)
            end = self._s.find("\n", self._i)  # the rest of the line is blank or a comment
            self._i = max(start + 1, len(self._s) if end < 0 else end + 1)

    def _header(self) -> _Where:
        start = self._i
        array = self._s.startswith("[[", start)
        self._i += 2 if array else 1
        parts = self._key()
        if not array:
            where = self._resolve(parts)
            self._spots.setdefault(where, (start, start))
            return where
        base = (*self._resolve(parts[:-1]), *parts[-1:])
        index = self._aot.get(base, 0)
        self._aot[base] = index + 1
        self._spots.setdefault(base, (start, start))
        self._spots[(*base, index)] = (start, start)
        return (*base, index)

    def _resolve(self, parts: list[str]) -> _Where:
        """A dotted header path, with the current index after each [[array]] name."""
        out: list[str | int] = []
        for part in parts:
            out.append(part)
            if tuple(out) in self._aot:
                out.append(self._aot[tuple(out)] - 1)
        return tuple(out)

    def _key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self._skip(newlines=False)
            if self._peek() in ("\"", "'"):
                start = self._i
                self._string()
                parts.append(tomllib.loads(f"k = {self._s[start:self._i]}")["k"])
            else:
                bare = _BARE_KEY.match(self._s, self._i)
                if not bare:
                    return parts
                parts.append(bare.group())
                self._i = bare.end()
            self._skip(newlines=False)
            if self._peek() != ".":
                return parts
            self._i += 1

    def _keyval(self, base: _Where) -> None:
        start = self._i
        parts = self._key()
        self._skip(newlines=False)
        if not parts or self._peek() != "=":
            return
        self._i += 1
        self._skip(newlines=False)
        where = (*base, *parts)
        self._spots.setdefault(where, (start, self._i))
        self._value(where)

    def _value(self, where: _Where) -> None:
        ch = self._peek()
        if ch in ("\"", "'"):
            self._string()
        elif ch in ("[", "{"):
            close = "]" if ch == "[" else "}"
            self._i += 1
            index = 0
            while True:
                self._skip(newlines=True)
                ch = self._peek()
                before = self._i
                if ch in (close, ""):
                    self._i += 1
                    return
                if ch == ",":
                    self._i += 1
                elif close == "}":
                    self._keyval(where)
                else:
                    self._spots.setdefault((*where, index), (before, before))
                    self._value((*where, index))
                    index += 1
                self._i = max(self._i, before + 1)
        else:
            scalar = _SCALAR.match(self._s, self._i)
            self._i = max(self._i + 1, scalar.end() if scalar else 0)

    def _string(self) -> None:
        s, i = self._s, self._i
        quote = s[i]
        escapes = quote == '"'
        if s.startswith(quote * 3, i):
            j = i + 3
            while j < len(s) and not s.startswith(quote * 3, j):
                j += 2 if escapes and s[j] == "\\" else 1
            j += 3
            for _ in range(2):  # up to two quotes may end the content itself
                if j < len(s) and s[j] == quote:
                    j += 1
            self._i = j
            return
        j = i + 1
        while j < len(s) and s[j] not in (quote, "\n"):
            j += 2 if escapes and s[j] == "\\" else 1
        self._i = j + 1


# --- writing ----------------------------------------------------------------

def ensure_config(path: Path) -> tuple[Config, bool]:
    """Load `path`; on first run (no file) copy example-config.toml there first.

    Returns (config, created). An existing file is never touched, valid or not.
    """
    if path.exists() or path.is_symlink():
        return load_config(path), False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, paths.example_config_text().encode("utf-8"))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError(str(path), 1, 1, f"cannot create the file: {reason}") from None
    return load_config(path), True


def dump_config(config: Config) -> str:
    """A whole config.toml for `config` (fresh file or export; comments are not kept)."""
    s = config.settings
    settings: dict[str, Any] = {
        "refresh_minutes": s.refresh_minutes,
        "concurrency": s.concurrency,
        "per_host": s.per_host,
        "timeout": s.timeout,
        "max_bytes": s.max_bytes,
    }
    if s.topics:
        settings["topics"] = list(s.topics)
    doc: dict[str, Any] = {"settings": settings}
    if config.feeds:
        doc["feeds"] = [_feed_table(feed) for feed in config.feeds]
    return tomli_w.dumps(doc)


def _feed_table(feed: FeedSpec) -> Mapping[str, str]:
    table = {"url": feed.url, "topic": feed.topic}
    if feed.title:
        table["title"] = feed.title
    return table


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace `path` with `data` so readers see the old or the new bytes, never a mix.

    Temp file in the same directory, fsync, os.replace, fsync of the directory.
    Keeps the mode of an existing file (else `mode`, else the umask default) and
    writes through a symlink to its target, so dotfile managers keep working.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if mode is None:
        with contextlib.suppress(FileNotFoundError):
            mode = stat.S_IMODE(os.stat(target).st_mode)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            # Narrow the mode before any byte lands, so a private file never leaks.
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None and not hasattr(os, "fchmod"):
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
