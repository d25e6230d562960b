"""What parse.py builds entries from: the same records from either parser."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RawEntry", "RawFeed"]


@dataclass(slots=True)
class RawEntry:
    """The fields parse.py takes from one feedparser entry."""

    raw_id: Any
    title_html: str
    link: Any
    author: str
    published: time.struct_time | None
    updated: time.struct_time | None
    content_html: str
    summary_html: str
    categories: tuple[str | None, ...]
    language: str | None
    enclosures: tuple[tuple[Any, Any, Any], ...] = ()
    """(href, type, length) of each enclosure link, as feedparser gives them."""
    duration: Any = None
    """itunes:duration as written."""


@dataclass(slots=True)
class RawFeed:
    title: str
    link: Any
    language: str | None
    entries: list[RawEntry] = field(default_factory=list)
    fast: bool = False
    """True when the fast path read the document (not feedparser)."""
