"""OPML import and export: subscriptions in, subscriptions out.

Import reads hostile files safely: any DOCTYPE or ENTITY declaration is refused
before expat gets to expand anything, so billion-laughs and external entities
never cost memory or leak local files. The document is streamed through expat
callbacks (no tree is built), and both the input size and the outline count
are capped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import NoReturn
from urllib.parse import urlsplit
from xml.parsers import expat

from toaster_tui.core.errors import OpmlError
from toaster_tui.core.models import FALLBACK_TOPIC, FeedSpec
from toaster_tui.core.sanitize import clean_line, is_terminal_safe

__all__ = ["MAX_OPML_BYTES", "MAX_OUTLINES", "parse_opml", "render_opml"]

MAX_OPML_BYTES = 20 * 1024 * 1024
MAX_OUTLINES = 100_000

# C0/C1 controls (tab and newline become spaces first) and bidi overrides or
# isolates: a title or topic from a file must never drive the terminal.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What XML 1.0 cannot carry at all, even escaped: controls other than tab/LF/CR,
# lone surrogates and the two non-characters U+FFFE/U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class _Refused(Exception):
    """Raised inside expat callbacks; turned into an OpmlError by parse_opml."""


def _clean(value: str | None) -> str:
    """One line of display text: whitespace collapsed, controls, escape sequences,
    bidi overrides and other invisible format characters removed (sanitize)."""
    if not value:
        return ""
    return clean_line(value)


def _is_web_url(url: str) -> bool:
    if _UNSAFE.search(url) or not is_terminal_safe(url) or any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 literal
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _category_topic(category: str) -> str:
    """`category="/Tech/Python,/News"` -> "Tech": first list item, first path part."""
    first = category.split(",", 1)[0].strip().lstrip("/")
    return _clean(first.split("/", 1)[0])


class _OutlineReader:
    """Expat callbacks that turn outlines into FeedSpecs as they stream by."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.feeds: list[FeedSpec] = []
        self.seen: set[str] = set()
        self.outlines = 0
        self.root: str | None = None
        # One item per open <outline>: its topic label, or None when it is a
        # feed or has no label (so it never names the feeds inside it).
        self.stack: list[str | None] = []

    def refuse(self, *_args: object) -> NoReturn:
        raise _Refused(f"{self.source}: DTDs and entities are not allowed")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.lower()
        if self.root is None:
            self.root = local
            if local != "opml":
                raise _Refused(f"{self.source}: not an OPML document (root element <{local}>)")
        if local != "outline":
            return
        self.outlines += 1
        if self.outlines > MAX_OUTLINES:
            raise _Refused(f"{self.source}: more than {MAX_OUTLINES:,} outlines")
        # Readers disagree on the case of attribute names (xmlUrl, xmlurl).
        lower = {key.lower(): value for key, value in attrs.items()}
        url = (lower.get("xmlurl") or "").strip()
        if not url:
            folder = _clean(lower.get("text")) or _clean(lower.get("title"))
            self.stack.append(folder or None)
            return
        self.stack.append(None)
        if not _is_web_url(url) or url in self.seen:
            return
        self.seen.add(url)
        # The innermost labelled folder wins: exports often wrap every folder
        # in one "Subscriptions" outline, which is never the topic meant.
        topic = next((t for t in reversed(self.stack) if t), None)
        if topic is None:
            topic = _category_topic(lower.get("category", "")) or FALLBACK_TOPIC
        label = _clean(lower.get("title")) or _clean(lower.get("text"))
        # A title that is just the url is no title (render_opml writes it so).
        title = label if label and label != url else None
        self.feeds.append(FeedSpec(url=url, topic=topic, title=title))

    def end(self, name: str) -> None:
        if name.lower() == "outline" and self.stack:
            self.stack.pop()


def parse_opml(data: bytes, source: str = "OPML") -> list[FeedSpec]:
    """Subscriptions from an OPML document, in document order.

    Topics come from outline nesting (a labelled outline without xmlUrl),
    else from the `category` attribute, else "Personal". Only http(s) feeds
    are kept; a url seen twice keeps its first entry. Raises OpmlError.
    """
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"{source}: file is larger than {MAX_OPML_BYTES // (1024 * 1024)} MB")
    reader = _OutlineReader(source)
    # No namespace processing: OPML has none, and an unbound prefix somewhere
    # in a reader's extension attributes should not fail the whole import.
    parser = expat.ParserCreate()
    # Refuse at the first sign of a DTD, before any entity is declared or used.
    parser.StartDoctypeDeclHandler = reader.refuse
    parser.EntityDeclHandler = reader.refuse
    parser.UnparsedEntityDeclHandler = reader.refuse
    parser.ExternalEntityRefHandler = reader.refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise OpmlError(str(exc)) from None
    except expat.ExpatError as exc:
        message = expat.ErrorString(exc.code) or "malformed XML"
        raise OpmlError(f"{source}:{exc.lineno}:{exc.offset + 1}: {message}") from None
    if reader.root is None:
        raise OpmlError(f"{source}: empty document")
    return reader.feeds


def _attr(value: str) -> str:
    """An attribute value, quoted, that survives any round trip through a parser."""
    value = _NOT_XML.sub("", value)
    value = (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
             .replace('"', "&quot;"))
    # Parsers normalise raw whitespace in attributes to spaces; references survive.
    return '"' + value.replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;") + '"'


def _text(value: str) -> str:
    value = _NOT_XML.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_opml(
    feeds: Sequence[FeedSpec],
    titles: Mapping[str, str] | None = None,
    title: str = "toaster-tui subscriptions",
    *,
    created: datetime | None = None,
) -> str:
    """An OPML 2.0 document: one outline per topic (first-seen order) holding its feeds.

    A feed's title is its FeedSpec.title, else `titles[url]` (e.g. the feed's
    own title from the cache), else the url. `created` fixes dateCreated
    (default: now) so output can be made reproducible.
    """
    titles = titles or {}
    by_topic: dict[str, list[FeedSpec]] = {}
    for feed in feeds:
        by_topic.setdefault(feed.topic or FALLBACK_TOPIC, []).append(feed)
    when = format_datetime((created or datetime.now(UTC)).astimezone(UTC), usegmt=True)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_text(title)}</title>",
        f"    <dateCreated>{when}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for topic, members in by_topic.items():
        lines.append(f"    <outline text={_attr(topic)} title={_attr(topic)}>")
        for feed in members:
            name = feed.title or titles.get(feed.url) or feed.url
            lines.append(
                f'      <outline type="rss" text={_attr(name)} title={_attr(name)}'
                f" xmlUrl={_attr(feed.url)}/>"
            )
        lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
