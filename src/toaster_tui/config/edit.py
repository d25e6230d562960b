"""Edits the app makes to config.toml: add, remove, move, rename feeds.

Every edit re-reads the file, refuses to touch an invalid one, changes only
the entry concerned through tomlkit (so comments, order and spacing of
everything else survive byte for byte), validates the result, leaves the old
bytes in `config.toml.bak` and replaces the file atomically.
"""

from __future__ import annotations

import stat
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import tomli_w
import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.toml_document import TOMLDocument

from toaster_tui.config.atomic import write_atomic
from toaster_tui.config.document import append_entry, find_entry, remove_entry, set_key
from toaster_tui.config.load import parse_config
from toaster_tui.config.validate import feed_url_problem
from toaster_tui.core.errors import ConfigError, SubscriptionError
from toaster_tui.core.models import FALLBACK_TOPIC, Config, FeedSpec
from toaster_tui.core.rules import ViewRule
from toaster_tui.core.sanitize import clean_line

__all__ = ["add_feed", "add_feeds", "add_view", "move_feed", "remove_feed", "rename_feed"]

_BOM = "\ufeff"
_ATTEMPTS = 3
_LOCK = threading.Lock()  # the TUI may edit from worker threads: one edit at a time

# An edit gets the parsed document, the validated current config and the file's
# line ending; it changes the document and returns the feeds it should now hold.
_Change = Callable[[TOMLDocument, Config, str], tuple[FeedSpec, ...]]


# --- the edits -----------------------------------------------------------------

def add_feed(path: Path, url: str, topic: str | None, title: str | None = None) -> Config:
    """Append a `[[feeds]]` table for `url`; refuses a duplicate or a non-http(s) url."""
    feed = _new_feed(url, topic, title)

    def change(doc: TOMLDocument, current: Config, nl: str) -> tuple[FeedSpec, ...]:
        if any(f.url == feed.url for f in current.feeds):
            raise SubscriptionError(f"already subscribed: {feed.url}")
        append_entry(doc, feed, nl)
        return (*current.feeds, feed)

    return _edit(path, change)


def add_feeds(path: Path, feeds: Iterable[FeedSpec]) -> Config:
    """Append several feeds in one edit (OPML import): one write, one .bak.

    Urls already subscribed, or repeated in `feeds`, are skipped; a non-http(s)
    url refuses the whole batch.
    """
    wanted = [_new_feed(f.url, f.topic, f.title) for f in feeds]

    def change(doc: TOMLDocument, current: Config, nl: str) -> tuple[FeedSpec, ...]:
        known = {f.url for f in current.feeds}
        added: list[FeedSpec] = []
        for feed in wanted:
            if feed.url not in known:
                known.add(feed.url)
                append_entry(doc, feed, nl)
                added.append(feed)
        return (*current.feeds, *added)

    return _edit(path, change)


def _new_feed(url: str, topic: str | None, title: str | None) -> FeedSpec:
    url = url.strip()
    problem = feed_url_problem(url)
    if problem:
        raise SubscriptionError(f"cannot add this feed: {problem}")
    # clean_line: a title or topic from a feed or an OPML file must not carry
    # controls into config.toml (validation would then refuse the whole edit).
    return FeedSpec(url=url, topic=clean_line(topic) or FALLBACK_TOPIC,
                    title=clean_line(title) or None)


def remove_feed(path: Path, url: str) -> Config:
    """Delete the feed's table with the comments directly above it; keep the rest."""
    url = url.strip()

    def change(doc: TOMLDocument, current: Config, nl: str) -> tuple[FeedSpec, ...]:
        index = _index_of(current, url)
        remove_entry(doc, index)
        return current.feeds[:index] + current.feeds[index + 1:]

    return _edit(path, change)


def move_feed(path: Path, url: str, topic: str) -> Config:
    """Set the feed's topic (the line keeps its place and its comment)."""
    url, topic = url.strip(), clean_line(topic)
    if not topic:
        raise SubscriptionError("a topic name cannot be empty")

    def change(doc: TOMLDocument, current: Config, nl: str) -> tuple[FeedSpec, ...]:
        index = _index_of(current, url)
        set_key(find_entry(doc, index, url), "topic", topic, nl)
        return _replaced(current.feeds, index, topic=topic)

    return _edit(path, change)


def rename_feed(path: Path, url: str, title: str | None) -> Config:
    """Set the feed's title override; None or "" removes it (the feed's own title shows)."""
    url, title = url.strip(), clean_line(title) or None

    def change(doc: TOMLDocument, current: Config, nl: str) -> tuple[FeedSpec, ...]:
        index = _index_of(current, url)
        entry = find_entry(doc, index, url)
        if title is None:
            if "title" in entry:
                del entry["title"]
        else:
            set_key(entry, "title", title, nl)
        return _replaced(current.feeds, index, title=title)

    return _edit(path, change)


def add_view(path: Path, view: ViewRule) -> Config:
    """Append a `[[views]]` table at the end of the file (every byte before it
    stays as it was); refuses a name already in use."""
    name = clean_line(view.name)
    if not name:
        raise SubscriptionError("a view needs a name")
    view = replace(view, name=name, search=clean_line(view.search) or None)
    with _LOCK:
        for _ in range(_ATTEMPTS):
            old = _read(path)
            current = parse_config(old or b"", path)  # invalid: ConfigError, file untouched
            if any(v.name.casefold() == name.casefold() for v in current.views):
                raise SubscriptionError(f"there is a view named {name!r} already")
            text = (old or b"").decode("utf-8")
            nl = "\r\n" if "\r\n" in text else "\n"
            lead = "" if not text.strip() else ("" if text.endswith("\n") else nl) + nl
            new = (text + lead + _view_table(view).replace("\n", nl)).encode("utf-8")
            try:
                result = parse_config(new, path)
            except ConfigError as exc:
                raise SubscriptionError(f"edit refused, the result would be invalid "
                                        f"({exc.line}:{exc.col}: {exc.message})") from None
            if (result.views != (*current.views, view) or result.feeds != current.feeds
                    or result.filters != current.filters):
                raise SubscriptionError(f"cannot add the view to {path}; edit it by hand")
            if _read(path) != old:
                continue  # edited by hand meanwhile: redo the edit on the newer text
            _write(path, old, new)
            return result
    raise SubscriptionError(f"{path} kept changing while it was being edited; try again")


def _view_table(view: ViewRule) -> str:
    table: dict[str, Any] = {"name": view.name}
    for key in ("search", "topic", "feed", "since_days"):
        if getattr(view, key) is not None:
            table[key] = getattr(view, key)
    for key in ("unread", "starred"):
        if getattr(view, key):
            table[key] = True
    return "[[views]]\n" + tomli_w.dumps(table)


def _index_of(config: Config, url: str) -> int:
    for index, feed in enumerate(config.feeds):
        if feed.url == url:
            return index
    raise SubscriptionError(f"not subscribed: {url}")


def _replaced(feeds: tuple[FeedSpec, ...], index: int, **changes: Any) -> tuple[FeedSpec, ...]:
    return (*feeds[:index], replace(feeds[index], **changes), *feeds[index + 1:])


# --- read, check, write -------------------------------------------------------

def _edit(path: Path, change: _Change) -> Config:
    with _LOCK:
        for _ in range(_ATTEMPTS):
            old = _read(path)
            current = parse_config(old or b"", path)  # invalid: ConfigError, file untouched
            text = (old or b"").decode("utf-8")
            bom = _BOM if text.startswith(_BOM) else ""
            text = text[len(bom):]
            doc = _parse(text, path)
            expected = change(doc, current, "\r\n" if "\r\n" in text else "\n")
            new = (bom + doc.as_string()).encode("utf-8")
            result = _check(new, path, current, expected)
            if new == old:
                return result  # nothing changed (same topic, same title): no rewrite
            if _read(path) != old:
                continue  # edited by hand meanwhile: redo the edit on the newer text
            _write(path, old, new)
            return result
    raise SubscriptionError(f"{path} kept changing while it was being edited; try again")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None  # an edit on a missing file starts from an empty one
    except OSError as exc:
        raise ConfigError(str(path), 1, 1, f"cannot read the file: {exc.strerror or exc}") from None


def _parse(text: str, path: Path) -> TOMLDocument:
    cannot = (f"cannot edit {path} without changing its layout (e.g. [[feeds]] tables split "
              "by another table, or spaces inside [[ ]]); edit it by hand")
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError:
        raise SubscriptionError(cannot) from None
    # tomlkit reorders some layouts; an edit must never do that to the user's file.
    if doc.as_string() != text:
        raise SubscriptionError(cannot)
    return doc


def _check(new: bytes, path: Path, current: Config, expected: tuple[FeedSpec, ...]) -> Config:
    """The edited text must validate and say exactly what was intended, nothing else."""
    try:
        result = parse_config(new, path)
    except ConfigError as exc:
        where = f"{exc.line}:{exc.col}"
        raise SubscriptionError(f"edit refused, the result would be invalid ({where}: "
                                f"{exc.message})") from None
    if result.feeds != expected or result.settings != current.settings:
        raise SubscriptionError(f"cannot edit {path} in place; edit it by hand")
    return result


def _write(path: Path, old: bytes | None, new: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if old is not None:
            # The backup is as private as the file it copies.
            mode = stat.S_IMODE(path.stat().st_mode)
            write_atomic(path.with_name(path.name + ".bak"), old, mode=mode)
        write_atomic(path, new)
    except OSError as exc:
        raise SubscriptionError(f"cannot write {path}: {exc.strerror or exc}") from None
