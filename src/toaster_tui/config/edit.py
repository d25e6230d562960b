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

import tomlkit
from tomlkit.container import Container
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Array, Comment, InlineTable, Item, Null, Table, Whitespace
from tomlkit.toml_document import TOMLDocument

from toaster_tui.config.load import feed_url_problem, parse_config, write_atomic
from toaster_tui.core.errors import ConfigError, SubscriptionError
from toaster_tui.core.models import FALLBACK_TOPIC, Config, FeedSpec
from toaster_tui.core.sanitize import clean_line

__all__ = ["add_feed", "add_feeds", "move_feed", "remove_feed", "rename_feed", "write_atomic"]

_BOM = "\ufeff"
_ATTEMPTS = 3
_LOCK = threading.Lock()  # the TUI may edit from worker threads: one edit at a time

# An edit gets the parsed document, the validated current config and the file's
# line ending; it changes the document and returns the feeds it should now hold.
_Change = Callable[[TOMLDocument, Config, str], tuple[FeedSpec, ...]]
_Entry = Table | InlineTable


# --- the edits -----------------------------------------------------------------

def add_feed(path: Path, url: str, topic: str | None, title: str | None = None) -> Config:
    """Append a `[[feeds]]` table for `url`; refuses a duplicate or a non-http(s) url."""
    feed = _new_feed(url, topic, title)

    def change(doc: TOMLDocument, current: Config, nl: str) -> tuple[FeedSpec, ...]:
        if any(f.url == feed.url for f in current.feeds):
            raise SubscriptionError(f"already subscribed: {feed.url}")
        _append_entry(doc, feed, nl)
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
                _append_entry(doc, feed, nl)
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
        _remove_entry(doc, index)
        return current.feeds[:index] + current.feeds[index + 1:]

    return _edit(path, change)


def move_feed(path: Path, url: str, topic: str) -> Config:
    """Set the feed's topic (the line keeps its place and its comment)."""
    url, topic = url.strip(), clean_line(topic)
    if not topic:
        raise SubscriptionError("a topic name cannot be empty")

    def change(doc: TOMLDocument, current: Config, nl: str) -> tuple[FeedSpec, ...]:
        index = _index_of(current, url)
        _set_key(_entry(doc, index, url), "topic", topic, nl)
        return _replaced(current.feeds, index, topic=topic)

    return _edit(path, change)


def rename_feed(path: Path, url: str, title: str | None) -> Config:
    """Set the feed's title override; None or "" removes it (the feed's own title shows)."""
    url, title = url.strip(), clean_line(title) or None

    def change(doc: TOMLDocument, current: Config, nl: str) -> tuple[FeedSpec, ...]:
        index = _index_of(current, url)
        entry = _entry(doc, index, url)
        if title is None:
            if "title" in entry:
                del entry["title"]
        else:
            _set_key(entry, "title", title, nl)
        return _replaced(current.feeds, index, title=title)

    return _edit(path, change)


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


# --- changing the tomlkit document -------------------------------------------------

def _feeds(doc: TOMLDocument) -> AoT | Array | None:
    found = doc.item("feeds") if "feeds" in doc else None
    return found if isinstance(found, AoT | Array) else None


def _entry(doc: TOMLDocument, index: int, url: str) -> _Entry:
    feeds = _feeds(doc)
    entry = feeds[index] if feeds is not None and index < len(feeds) else None
    if not isinstance(entry, Table | InlineTable) or str(entry.get("url", "")).strip() != url:
        raise SubscriptionError(f"cannot find {url} in the file; edit it by hand")
    return entry


def _set_key(entry: _Entry, key: str, value: str, nl: str) -> None:
    if key in entry:
        entry[key] = value  # tomlkit keeps the key's spacing and inline comment
        return
    line = tomlkit.item(value)
    if isinstance(entry, InlineTable):
        line.trivia.indent = " "  # tomlkit would glue it to the comma
        entry[key] = line
        return
    # A new line goes right after url (topic) or after topic/url (title), not
    # after trailing comments that introduce the next feed.
    anchor = "topic" if key == "title" and "topic" in entry else "url"
    body = entry.value
    previous = body.item(anchor)
    if isinstance(previous, Item):
        line.trivia.indent = previous.trivia.indent
    line.trivia.trail = nl
    body._insert_after(anchor, key, line)


def _append_entry(doc: TOMLDocument, feed: FeedSpec, nl: str) -> None:
    feeds = _feeds(doc)
    if isinstance(feeds, Array):
        inline = tomlkit.inline_table()
        inline.update(_feed_fields(feed))
        feeds.append(inline)
        return
    table = tomlkit.table()
    table.trivia.trail = nl
    for key, value in _feed_fields(feed).items():
        line = tomlkit.item(value)
        line.trivia.trail = nl
        table.add(key, line)
    if feeds is None:
        new = tomlkit.aot()
        new.append(table)
        doc.append("feeds", new)  # tomlkit puts a blank line before it itself
        table.trivia.indent = table.trivia.indent.replace("\n", nl)
        return
    table.trivia.indent = _gap(feeds.body[-1].as_string(), nl)
    position = next(i for i, (_, item) in enumerate(doc.body) if item is feeds)
    if any(not isinstance(item, Null) for _, item in doc.body[position + 1:]):
        table.add(tomlkit.ws(nl))  # keep a blank line before the table that follows
    feeds.append(table)


def _feed_fields(feed: FeedSpec) -> dict[str, str]:
    fields = {"url": feed.url, "topic": feed.topic}
    if feed.title:
        fields["title"] = feed.title
    return fields


def _gap(before: str, nl: str) -> str:
    """Line breaks to put before a new header so exactly one blank line separates it."""
    if not before.strip():
        return ""
    breaks = before[len(before.rstrip()):].count("\n")
    return nl * max(0, 2 - breaks)


def _remove_entry(doc: TOMLDocument, index: int) -> None:
    feeds = _feeds(doc)
    if isinstance(feeds, Array):
        del feeds[index]
        return
    assert feeds is not None  # _index_of found the feed, so there is a feeds array
    table = feeds.body[index]
    body = table.value.body
    last_key = max((i for i, (key, _) in enumerate(body) if key is not None), default=-1)
    after = [item for _, item in body[last_key + 1:] if not isinstance(item, Null)]
    # Comments right above the next header introduce the next feed: they stay.
    intro = len(after)
    while intro > 0 and isinstance(after[intro - 1], Comment):
        intro -= 1
    # Comments hugging this feed's last line are about this feed: they go.
    own = 0
    while own < intro and isinstance(after[own], Comment):
        own += 1
    keep: list[Item] = after[own:]

    region, end = _before(doc, feeds, index)
    _drop_intro_comments(doc, region, end)
    if keep and isinstance(keep[0], Whitespace) and _ends_blank(region, end):
        keep = keep[1:]  # avoid two blank lines where the feed was
    if len(feeds) == 1:
        doc.remove("feeds")  # an emptied array of tables would render as `feeds = []`
    else:
        del feeds[index]
    _insert_items(region, end, keep)


def _before(doc: TOMLDocument, feeds: AoT, index: int) -> tuple[Container, int]:
    """The container (and index in its body) whose text ends right above entry `index`."""
    if index > 0:
        previous = feeds.body[index - 1].value
        return previous, len(previous.body)
    position = next(i for i, (_, item) in enumerate(doc.body) if item is feeds)
    for key, item in reversed(doc.body[:position]):
        if isinstance(item, Null):
            continue
        if isinstance(item, Table) and key is not None and not key.is_dotted():
            return item.value, len(item.value.body)
        break
    return doc, position


def _drop_intro_comments(doc: TOMLDocument, region: Container, end: int) -> None:
    """Remove the comment lines directly above the removed feed's header."""
    body = region.body
    found: list[int] = []
    start = end - 1
    while start >= 0 and isinstance(body[start][1], Comment | Null):
        if isinstance(body[start][1], Comment):
            found.append(start)
        start -= 1
    if region is doc and start < 0:
        return  # that is the file's own header comment, not the feed's
    for i in found:
        body[i] = (None, Null())  # the way tomlkit itself removes an item


def _ends_blank(region: Container, end: int) -> bool:
    items = [item for _, item in region.body[:end] if not isinstance(item, Null)]
    return not items or isinstance(items[-1], Whitespace)


def _insert_items(region: Container, at: int, items: list[Item]) -> None:
    """Insert key-less items (comments, blank lines) into a container's body."""
    if not items:
        return
    region.body[at:at] = [(None, item) for item in items]
    # tomlkit maps keys to body indexes; keep the entries after `at` pointing right.
    shift = len(items)
    for key, idx in list(region._map.items()):
        if isinstance(idx, tuple):
            region._map[key] = tuple(i + shift if i >= at else i for i in idx)
        elif idx >= at:
            region._map[key] = idx + shift
