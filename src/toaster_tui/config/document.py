"""Changes to config.toml's tomlkit document that leave every other byte as it was.

Only tomlkit's public API is used (0.13 to 0.15 at least). It has no insert, so
a line that must go in the middle of a table or of the document is put there by
`_insert`, and tomlkit's own spacing is never relied on: every line break and
indent of a new line is set here, in the file's newline style.
"""

from __future__ import annotations

import tomlkit
from tomlkit.container import Container
from tomlkit.items import AoT, Array, Comment, InlineTable, Item, Key, Null, Table, Whitespace
from tomlkit.toml_document import TOMLDocument

from toaster_tui.core.errors import SubscriptionError
from toaster_tui.core.models import FeedSpec

__all__ = ["Entry", "append_entry", "find_entry", "remove_entry", "set_key"]

Entry = Table | InlineTable  # one feed: a [[feeds]] table or an entry of `feeds = [...]`
_Line = tuple[Key | str | None, Item]  # a body item of a container: key = value, comment, blank


def find_entry(doc: TOMLDocument, index: int, url: str) -> Entry:
    """The feed entry at `index`, which must be the one for `url`."""
    feeds = _feeds(doc)
    entry = feeds[index] if feeds is not None and index < len(feeds) else None
    if not isinstance(entry, Table | InlineTable) or str(entry.get("url", "")).strip() != url:
        raise SubscriptionError(f"cannot find {url} in the file; edit it by hand")
    return entry


def set_key(entry: Entry, key: str, value: str, nl: str) -> None:
    """Set a feed's key; a new line goes right after url (topic) or after topic/url (title)."""
    if key in entry:
        entry[key] = value  # tomlkit keeps the key's spacing and inline comment
        return
    line = tomlkit.item(value)
    if isinstance(entry, InlineTable):
        line.trivia.indent = " "  # tomlkit would glue it to the comma
        entry[key] = line
        return
    # Right below the anchor, not after trailing comments that introduce the next feed.
    anchor = entry.value.item("topic" if key == "title" and "topic" in entry else "url")
    if not isinstance(anchor, Item):
        raise SubscriptionError("cannot edit this feed in place; edit it by hand")
    line.trivia.indent = anchor.trivia.indent
    line.trivia.trail = nl
    if "\n" not in anchor.trivia.trail:  # the file's last line, without a line break: keep it so
        anchor.trivia.trail += nl
        line.trivia.trail = ""
    body = entry.value.body
    at = next(i for i, (_, item) in enumerate(body) if item is anchor) + 1
    _insert(entry.value, at, [(key, line)])


def append_entry(doc: TOMLDocument, feed: FeedSpec, nl: str) -> None:
    """Add a feed after the last one, one blank line above it."""
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
        _end_last_line(doc, nl)
        table.trivia.indent = _gap(doc.as_string(), nl)
        new = tomlkit.aot()
        new.append(table)
        _insert(doc, len(doc.body), [("feeds", new)])
        return
    table.trivia.indent = _gap(feeds.body[-1].as_string(), nl)
    position = next(i for i, (_, item) in enumerate(doc.body) if item is feeds)
    if any(not isinstance(item, Null) for _, item in doc.body[position + 1:]):
        table.add(tomlkit.ws(nl))  # keep a blank line before the table that follows
    feeds.append(table)


def remove_entry(doc: TOMLDocument, index: int) -> None:
    """Delete the feed at `index` with the comments about it; keep the rest."""
    feeds = _feeds(doc)
    if isinstance(feeds, Array):
        del feeds[index]
        return
    assert feeds is not None  # the caller found the feed, so there is a feeds array
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
    if keep:
        _insert(region, end, [(None, item) for item in keep])


# --- helpers -----------------------------------------------------------------------

def _feeds(doc: TOMLDocument) -> AoT | Array | None:
    found = doc.item("feeds") if "feeds" in doc else None
    return found if isinstance(found, AoT | Array) else None


def _feed_fields(feed: FeedSpec) -> dict[str, str | bool]:
    fields: dict[str, str | bool] = {"url": feed.url, "topic": feed.topic}
    if feed.title:
        fields["title"] = feed.title
    if feed.full_text is not None:
        fields["full_text"] = feed.full_text
    return fields


def _insert(container: Container, at: int, lines: list[_Line]) -> None:
    """Put `lines` into the container's body at index `at`.

    tomlkit has no public insert: the items from `at` on are taken out (their
    slots become Null, as tomlkit's own remove leaves them) and appended again
    after `lines`. Appending in parsing mode adds them as the parser does, with
    no blank line or indent of tomlkit's own.
    """
    body = container.body
    tail: list[_Line] = [(key, item) for key, item in body[at:] if not isinstance(item, Null)]
    for i in range(at, len(body)):
        slot_key = body[i][0]
        if slot_key is None:
            body[i] = (None, Null())
        else:
            container.remove(slot_key)
    container.parsing(True)
    try:
        for key, item in (*lines, *tail):
            container.append(key, item)
    finally:
        container.parsing(False)  # as tomlkit.parse leaves every container


def _end_last_line(doc: TOMLDocument, nl: str) -> None:
    """Give the file's last line its line break, so that a table can go below it."""
    text = doc.as_string()
    if not text or text.endswith("\n"):
        return
    container: Container = doc
    while True:  # the last line is in the table rendered last, if there is one
        last = next((item for _, item in reversed(container.body)
                     if not isinstance(item, Null)), None)
        if isinstance(last, AoT) and last.body:
            last = last.body[-1]
        if not isinstance(last, Table):
            break
        container = last.value
    _insert(container, len(container.body), [(None, tomlkit.ws(nl))])


def _gap(before: str, nl: str) -> str:
    """Line breaks to put before a new header so exactly one blank line separates it."""
    if not before.strip():
        return ""
    breaks = before[len(before.rstrip()):].count("\n")
    return nl * max(0, 2 - breaks)


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
