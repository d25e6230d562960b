"""`[[filters]]` and `[[views]]` in config.toml: their keys and the checks on them.

Every problem is a ConfigError on the key or value concerned (line:col). A
regex is compiled here exactly as the matcher compiles it (core/rules.py), so
a pattern the validator accepts is one the matcher can use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from toaster_tui.config.locate import Where
from toaster_tui.config.wording import UNSAFE_WHAT, show, unknown, unsafe_text
from toaster_tui.core.errors import ConfigError
from toaster_tui.core.rules import ACTIONS, FilterRule, PatternError, ViewRule, compile_pattern

__all__ = ["FILTER_KEYS", "VIEW_KEYS", "filters_from", "views_from"]

FILTER_CRITERIA = ("feed", "topic", "title", "author", "text", "older_than_days")
FILTER_KEYS = (*FILTER_CRITERIA, "action")
VIEW_KEYS = ("name", "search", "topic", "feed", "unread", "starred", "since_days")
MAX_DAYS = 36_500
_WORD = re.compile(r"\w")  # what store/fts.py searches for


class Fail(Protocol):
    def __call__(self, at: Where, message: str, *, value: bool = False) -> ConfigError: ...


LineOf = Callable[[Where], int]


def filters_from(raw: object, fail: Fail, line_of: LineOf) -> tuple[FilterRule, ...]:
    """The `filters` array of tables, checked."""
    tables = _tables(raw, "filters", fail)
    return tuple(_filter(i, entry, fail, line_of) for i, entry in enumerate(tables))


def views_from(raw: object, fail: Fail, line_of: LineOf) -> tuple[ViewRule, ...]:
    """The `views` array of tables, checked; names are unique."""
    views: list[ViewRule] = []
    first: dict[str, int] = {}
    for index, entry in enumerate(_tables(raw, "views", fail)):
        view = _view(index, entry, fail)
        key = view.name.casefold()
        if key in first:
            earlier = line_of(("views", first[key]))
            raise fail(("views", index, "name"), f"duplicate view name {show(view.name)} "
                       f"(first used on line {earlier})", value=True)
        first[key] = index
        views.append(view)
    return tuple(views)


def _tables(raw: object, name: str, fail: Fail) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise fail((name,), f"{name} must be an array of tables ([[{name}]]), not {show(raw)}")
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise fail((name, index), f"each of {name} must be a table, not {show(entry)}",
                       value=True)
    return raw


def _filter(index: int, entry: dict[str, Any], fail: Fail, line_of: LineOf) -> FilterRule:
    at: Where = ("filters", index)
    for key in entry:
        if key not in FILTER_KEYS:
            raise fail((*at, key), unknown(key, FILTER_KEYS, "in [[filters]]"))
    if "action" not in entry:
        raise fail(at, "filter has no action (action = \"hide\", \"mark_read\" or \"star\")")
    action = entry["action"]
    if action not in ACTIONS:
        raise fail((*at, "action"), "action must be one of \"hide\", \"mark_read\", \"star\", "
                   f"not {show(action)}", value=True)
    if not any(key in entry for key in FILTER_CRITERIA):
        raise fail(at, "filter says which articles by none of "
                   + ", ".join(FILTER_CRITERIA) + " (it would act on every article)")
    values: dict[str, Any] = {}
    for key in ("feed", "topic"):
        if key in entry:
            values[key] = _name(at, key, entry[key], fail)
    for key in ("title", "author"):
        if key in entry:
            values[key] = _pattern(at, key, entry[key], fail)
    if "text" in entry:
        values["text"] = _words(at, "text", entry["text"], fail)
    if "older_than_days" in entry:
        values["older_than_days"] = _days(at, "older_than_days", entry["older_than_days"], fail)
    return FilterRule(action=action, line=line_of(at), **values)


def _view(index: int, entry: dict[str, Any], fail: Fail) -> ViewRule:
    at: Where = ("views", index)
    for key in entry:
        if key not in VIEW_KEYS:
            raise fail((*at, key), unknown(key, VIEW_KEYS, "in [[views]]"))
    if "name" not in entry:
        raise fail(at, "view has no name")
    values: dict[str, Any] = {"name": _name(at, "name", entry["name"], fail)}
    for key in ("topic", "feed"):
        if key in entry:
            values[key] = _name(at, key, entry[key], fail)
    if "search" in entry:
        values["search"] = _words(at, "search", entry["search"], fail)
    for key in ("unread", "starred"):
        if key in entry:
            if not isinstance(entry[key], bool):
                raise fail((*at, key), f"{key} must be true or false, not {show(entry[key])}",
                           value=True)
            values[key] = entry[key]
    if "since_days" in entry:
        values["since_days"] = _days(at, "since_days", entry["since_days"], fail)
    return ViewRule(**values)


def _name(at: Where, key: str, value: object, fail: Fail) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail((*at, key), f"{key} must be a non-empty string, not {show(value)}",
                   value=True)
    if unsafe_text(value):
        raise fail((*at, key), f"{key} must not contain {UNSAFE_WHAT}: {show(value)}",
                   value=True)
    return value.strip()


def _pattern(at: Where, key: str, value: object, fail: Fail) -> str:
    if not isinstance(value, str) or not value:
        raise fail((*at, key), f"{key} must be a non-empty regular expression string, "
                   f"not {show(value)}", value=True)
    try:
        compile_pattern(value)
    except PatternError as exc:
        raise fail((*at, key), f"{key} is not a regular expression this reader can use "
                   f"({exc}): {show(value)}", value=True) from None
    return value


def _words(at: Where, key: str, value: object, fail: Fail) -> str:
    if not isinstance(value, str) or not _WORD.search(value):
        raise fail((*at, key), f"{key} must be a string with at least one word to search for, "
                   f"not {show(value)}", value=True)
    if unsafe_text(value):
        raise fail((*at, key), f"{key} must not contain {UNSAFE_WHAT}: {show(value)}",
                   value=True)
    return value.strip()


def _days(at: Where, key: str, value: object, fail: Fail) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise fail((*at, key), f"{key} must be a whole number of days from 1 to {MAX_DAYS}, "
                   f"not {show(value)}", value=True)
    return value
