"""Load config.toml, first run included; every problem becomes `path:line:col: message`."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from toaster_tui.config import paths
from toaster_tui.config.atomic import write_atomic
from toaster_tui.config.validate import FEED_RULE_KEYS, validate_config
from toaster_tui.core.errors import ConfigError
from toaster_tui.core.models import Config, FeedSpec

__all__ = ["dump_config", "ensure_config", "load_config", "parse_config"]

_MAX_NESTING = 64

_TOML_POS = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$", re.S)
_TOML_END = re.compile(r"^(?P<msg>.*?)\s*\(at end of document\)$", re.S)
_BOM = "\ufeff"


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
    return validate_config(raw, text, path, shift)


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


# --- first run and export ---------------------------------------------------

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
        "keep_days": s.keep_days,
        "notify": s.notify,
        "hidden_from_all": s.hidden_from_all,
        "desktop_notify": s.desktop_notify,
    }
    if s.topics:
        settings["topics"] = list(s.topics)
    if s.full_text:
        settings["full_text"] = True
    doc: dict[str, Any] = {"settings": settings}
    if config.feeds:
        doc["feeds"] = [_feed_table(feed) for feed in config.feeds]
    return tomli_w.dumps(doc)


def _feed_table(feed: FeedSpec) -> Mapping[str, str | int | bool]:
    table: dict[str, str | int | bool] = {"url": feed.url, "topic": feed.topic}
    if feed.title:
        table["title"] = feed.title
    for key in FEED_RULE_KEYS:  # only the rules the feed sets itself
        value = getattr(feed, key)
        if value is not None:
            table[key] = value
    return table

