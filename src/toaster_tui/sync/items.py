"""Google Reader items as the API sends them, and their ids in one form.

The same item has several id spellings: stream/items/ids sends a decimal
(possibly signed 64-bit) number, stream/items/contents the long form
"tag:google.com,2005:reader/item/<16 hex digits>"; some servers a short hex
form. item_key() turns each into one unsigned decimal string, so ids from both
endpoints compare equal. The HTML here is raw, as the server sent it: it goes
through the same parsing and sanitizing as a fetched feed's before it is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = ["Item", "item_key", "parse_item"]

_LONG = "tag:google.com,2005:reader/item/"
_HEX16 = re.compile(r"[0-9a-fA-F]{16}")
_STATE = "/state/com.google/"


@dataclass(frozen=True)
class Item:
    key: str
    """The item's id in item_key() form."""
    stream_id: str
    """Its subscription: "feed/<id>", as in Subscription.stream_id."""
    title: str
    url: str | None
    author: str | None
    published: datetime | None
    updated: datetime | None
    html: str
    """The body as the server sent it (content, else summary): not yet sanitized."""
    read: bool
    starred: bool
    enclosures: tuple[tuple[str, str | None, int | None], ...] = ()
    """(url, MIME type, length) of each attached file."""


def item_key(raw: str) -> str:
    """One spelling for an item id: its unsigned 64-bit value in decimal."""
    raw = raw.strip()
    if raw.startswith(_LONG):
        return str(int(raw[len(_LONG):], 16))
    if _HEX16.fullmatch(raw):
        return str(int(raw, 16))
    try:
        number = int(raw)
    except ValueError:
        return raw  # an id format we do not know: kept as it is, still comparable
    return str(number % (1 << 64))


def parse_item(raw: Any) -> Item | None:
    """An Item from one entry of a stream/items/contents answer; None when it has no id."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        return None
    origin = raw.get("origin")
    origin = origin if isinstance(origin, dict) else {}
    states = {str(cat).rsplit(_STATE, 1)[-1] for cat in raw.get("categories") or ()
              if _STATE in str(cat)}
    return Item(
        key=item_key(raw["id"]),
        stream_id=str(origin.get("streamId") or ""),
        title=str(raw.get("title") or ""),
        url=_first_href(raw.get("alternate")) or _first_href(raw.get("canonical")),
        author=str(raw["author"]) if raw.get("author") else None,
        published=_when(raw.get("published")),
        updated=_when(raw.get("updated")),
        html=_body(raw.get("content")) or _body(raw.get("summary")),
        read="read" in states,
        starred="starred" in states,
        enclosures=tuple(_enclosures(raw.get("enclosure"))),
    )


def _first_href(links: Any) -> str | None:
    for link in links if isinstance(links, list) else ():
        if isinstance(link, dict) and isinstance(link.get("href"), str) and link["href"]:
            return str(link["href"])
    return None


def _body(part: Any) -> str:
    return str(part.get("content") or "") if isinstance(part, dict) else ""


def _when(seconds: Any) -> datetime | None:
    try:
        value = int(seconds)
        return datetime.fromtimestamp(value, UTC) if value > 0 else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _enclosures(raw: Any) -> list[tuple[str, str | None, int | None]]:
    found = []
    for part in raw if isinstance(raw, list) else ():
        if not isinstance(part, dict) or not isinstance(part.get("href"), str):
            continue
        try:
            length: int | None = int(part.get("length") or 0) or None
        except (TypeError, ValueError):
            length = None
        kind = part.get("type")
        found.append((part["href"], str(kind) if kind else None, length))
    return found
