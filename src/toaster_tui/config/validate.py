"""The keys config.toml may hold and the checks on their values.

Each problem is placed on the key or value concerned (line:col) and an unknown
key gets a "did you mean" hint.
"""

from __future__ import annotations

import math
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from toaster_tui.config.locate import Locator, Where
from toaster_tui.config.rules import filters_from, views_from
from toaster_tui.config.wording import UNSAFE_WHAT as _UNSAFE_WHAT
from toaster_tui.config.wording import show as _show
from toaster_tui.config.wording import unknown as _unknown
from toaster_tui.config.wording import unsafe_text as _unsafe_text
from toaster_tui.core.errors import ConfigError
from toaster_tui.core.models import FALLBACK_TOPIC, Config, FeedSpec, Settings, SyncSpec

__all__ = ["FEED_KEYS", "SETTINGS_KEYS", "SYNC_KEYS", "SYNC_SERVICES", "TOP_KEYS",
           "feed_url_problem", "server_url_problem", "validate_config"]

TOP_KEYS = ("settings", "feeds", "filters", "views", "sync")
SETTINGS_KEYS = ("refresh_minutes", "concurrency", "per_host", "timeout", "max_bytes", "topics",
                 "keep_days", "notify", "hidden_from_all", "desktop_notify", "full_text")
# The per-feed rules: each may sit on a [[feeds]] entry, its default in [settings].
FEED_RULE_KEYS = ("refresh_minutes", "keep_days", "notify", "hidden_from_all", "full_text")
FEED_KEYS = ("url", "topic", "title", *FEED_RULE_KEYS)
_BOOL_KEYS = ("notify", "hidden_from_all", "full_text")
DESKTOP_NOTIFY = ("auto", "osc9", "osc777", "off")
SYNC_KEYS = ("service", "url", "username", "password_command")
SYNC_SERVICES = ("greader",)

# (minimum, maximum or None, how to say it) for the integer settings.
_INT_RULES: dict[str, tuple[int, int | None, str]] = {
    "refresh_minutes": (0, None, "an integer >= 0 (0 = manual refresh only)"),
    "concurrency": (1, 256, "an integer from 1 to 256"),
    "per_host": (1, 64, "an integer from 1 to 64"),
    "max_bytes": (1024, None, "an integer >= 1024"),
    "keep_days": (0, None, "an integer >= 0 (0 = keep for ever)"),
}
_MAX_TIMEOUT = 600.0
# Upper bounds: a setting beyond these is a typo, and would disable a limit.
_INT_CAPS: dict[str, tuple[int, str]] = {
    "refresh_minutes": (525_600, "525600 (a year)"),
    "max_bytes": (1 << 30, "1073741824 (1 GiB)"),
    "keep_days": (36_500, "36500 (a hundred years)"),
}


def validate_config(raw: dict[str, Any], text: str, path: Path, shift: int) -> Config:
    """The Config that tomllib's `raw` dict of `text` describes, else ConfigError.

    `shift` is 1 when a byte-order mark was cut off the first line of `text`.
    """
    return _Validator(text, path, shift).config(raw)


class _Validator:
    """Checks the parsed dict; finds positions in the text only when something is wrong."""

    def __init__(self, text: str, path: Path, shift: int) -> None:
        self._text = text
        self._path = path
        self._shift = shift
        self._locator: Locator | None = None

    @property
    def _where(self) -> Locator:
        if self._locator is None:
            self._locator = Locator(self._text)
        return self._locator

    def _fail(self, at: Where, message: str, *, value: bool = False) -> ConfigError:
        """The error for `message`, placed on the key (or its value) at path `at`."""
        line, col = self._where.value_at(at) if value else self._where.key_at(at)
        return ConfigError(str(self._path), line, col + (self._shift if line == 1 else 0), message)

    def config(self, raw: dict[str, Any]) -> Config:
        for key in raw:
            if key not in TOP_KEYS:
                raise self._fail((key,), _unknown(key, TOP_KEYS, "at the top level"))
        settings = self._settings(raw.get("settings", {}))
        feeds = self._feeds(raw.get("feeds", []))
        filters = filters_from(raw.get("filters", []), self._fail, self._line)
        views = views_from(raw.get("views", []), self._fail, self._line)
        sync = self._sync(raw["sync"]) if "sync" in raw else None
        return Config(path=self._path, settings=settings, feeds=feeds, filters=filters,
                      views=views, sync=sync)

    def _line(self, at: Where) -> int:
        return self._where.key_at(at)[0]

    def _settings(self, raw: object) -> Settings:
        if not isinstance(raw, dict):
            raise self._fail(("settings",), f"settings must be a table, not {_show(raw)}")
        for key in raw:
            if key not in SETTINGS_KEYS:
                raise self._fail(("settings", key), _unknown(key, SETTINGS_KEYS, "in [settings]"))
        values: dict[str, Any] = {}
        for key in _INT_RULES:
            if key in raw:
                values[key] = self._int(("settings", key), raw[key])
        for key in _BOOL_KEYS:
            if key in raw:
                values[key] = self._bool(("settings", key), raw[key])
        if "desktop_notify" in raw:
            mode = raw["desktop_notify"]
            if mode not in DESKTOP_NOTIFY:
                raise self._fail(("settings", "desktop_notify"), "desktop_notify must be one of "
                                 f"{', '.join(map(_show, DESKTOP_NOTIFY))}, not {_show(mode)}",
                                 value=True)
            values["desktop_notify"] = mode
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

    def _int(self, where: Where, value: object) -> int:
        """An integer setting or feed rule named by the last part of `where`, checked."""
        key = str(where[-1])
        low, high, wanted = _INT_RULES[key]
        if (isinstance(value, bool) or not isinstance(value, int) or value < low
                or (high is not None and value > high)):
            raise self._fail(where, f"{key} must be {wanted}, not {_show(value)}", value=True)
        cap = _INT_CAPS.get(key)
        if cap is not None and value > cap[0]:
            raise self._fail(where, f"{key} must be at most {cap[1]}, not {_show(value)}",
                             value=True)
        return value

    def _bool(self, where: Where, value: object) -> bool:
        if not isinstance(value, bool):
            raise self._fail(where, f"{where[-1]} must be true or false, not {_show(value)}",
                             value=True)
        return value

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
        rules: dict[str, Any] = {}
        for key in FEED_RULE_KEYS:
            if key in entry:
                where = ("feeds", index, key)
                rules[key] = (self._bool(where, entry[key]) if key in _BOOL_KEYS
                              else self._int(where, entry[key]))
        return FeedSpec(url=url.strip(), topic=topic.strip(), title=(title or "").strip() or None,
                        **rules)

    def _sync(self, raw: object) -> SyncSpec:
        if not isinstance(raw, dict):
            raise self._fail(("sync",), f"sync must be a table ([sync]), not {_show(raw)}")
        if "password" in raw:
            raise self._fail(("sync", "password"), _PLAIN_PASSWORD)
        for key in raw:
            if key not in SYNC_KEYS:
                raise self._fail(("sync", key), _unknown(key, SYNC_KEYS, "in [sync]"))
        service = raw.get("service", "greader")
        if service not in SYNC_SERVICES:
            raise self._fail(("sync", "service"), "service must be one of "
                             f"{', '.join(map(_show, SYNC_SERVICES))}, not {_show(service)}",
                             value=True)
        for key in ("url", "username"):
            if key not in raw:
                raise self._fail(("sync",), f"[sync] has no {key}")
            if not isinstance(raw[key], str) or not raw[key].strip():
                raise self._fail(("sync", key), f"{key} must be a non-empty string, "
                                 f"not {_show(raw[key])}", value=True)
        problem = server_url_problem(raw["url"])
        if problem:
            raise self._fail(("sync", "url"), problem, value=True)
        if _unsafe_text(raw["username"]):
            raise self._fail(("sync", "username"), f"username must not contain {_UNSAFE_WHAT}",
                             value=True)
        return SyncSpec(url=raw["url"].strip().rstrip("/"), username=raw["username"].strip(),
                        service=service, password_command=self._command(raw))

    def _command(self, raw: dict[str, Any]) -> tuple[str, ...]:
        """password_command as argv: an array as it is, a string split like a shell (none runs)."""
        if "password_command" not in raw:
            return ()
        command = raw["password_command"]
        where = ("sync", "password_command")
        wanted = ('password_command must be a command line ("pass show feeds") or an array '
                  'of its words (["pass", "show", "feeds"])')
        if isinstance(command, str):
            try:
                words = shlex.split(command)
            except ValueError as exc:
                raise self._fail(where, f"password_command cannot be split into words: {exc}",
                                 value=True) from None
        elif isinstance(command, list) and all(isinstance(word, str) for word in command):
            words = list(command)
        else:
            raise self._fail(where, f"{wanted}, not {_show(command)}", value=True)
        if not words or not words[0].strip():
            raise self._fail(where, f"{wanted}, not an empty one", value=True)
        if any("\0" in word for word in words):
            raise self._fail(where, "password_command must not contain NUL characters",
                             value=True)
        return tuple(words)


_PLAIN_PASSWORD = (
    "[sync] must not hold the password in plain text (config files get shared, synced "
    "and backed up): set password_command to a command that prints it, e.g. "
    'password_command = "pass show feeds", or the TOASTER_SYNC_PASSWORD environment variable'
)



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


def server_url_problem(url: str) -> str | None:
    """Why `url` cannot be a sync server's address, or None when it can."""
    problem = feed_url_problem(url)
    if problem:
        return problem
    parts = urlsplit(url.strip())
    if parts.query or parts.fragment:
        return f"url must not have a ?query or #fragment: {_show(url)}"
    return None


