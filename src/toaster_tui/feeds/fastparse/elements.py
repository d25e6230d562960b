"""What every part of the fast path's reader shares: element names as feedparser
knows them, values as its pop() makes them, and the state of one read."""

from __future__ import annotations

import contextlib
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import _sanitize_html
from feedparser.urls import make_safe_absolute_uri, resolve_relative_uris

from toaster_tui.feeds.fastparse.markup import clean_markup, join_url

__all__ = ["HANDLER_PREFIXES", "NAMESPACES", "XML_NS", "Decline", "ElementReader",
           "EntryFields", "lower_attrs"]

NAMESPACES: dict[str, str] = {k.lower(): v for k, v in _FeedParserMixin.namespaces.items()}
XML_NS = "{http://www.w3.org/XML/1998/namespace}"
_HANDLERS = frozenset(n for n in dir(_FeedParserMixin) if n.startswith(("_start_", "_end_")))
HANDLER_PREFIXES = frozenset(
    n.split("_", 2)[2].split("_", 1)[0].lower() for n in _HANDLERS
    if "_" in n.split("_", 2)[2]
)
# Keys of an entry or the feed that parse.py reads: an unknown element that
# feedparser would store under one of these names must not be ignored.
_READ_KEYS = frozenset({"id", "link", "author", "tags", "content", "summary", "title",
                        "language", "published_parsed", "updated_parsed", "links",
                        "summary_detail", "title_detail", "entries", "feed"})
_TEXT_TYPES = {"text": "text/plain", "plain": "text/plain", "html": "text/html",
               "xhtml": "application/xhtml+xml", "text/plain": "text/plain",
               "text/html": "text/html", "application/xhtml+xml": "application/xhtml+xml"}


class Decline(Exception):
    """This document is outside the fast path's subset: use feedparser."""


@dataclass(slots=True)
class EntryFields:
    """One entry as far as it has been read."""

    raw_id: Any = None
    link: Any = None
    title: str | None = None
    title_type: str = "text/plain"
    title_lang: str | None = None
    summary: str | None = None
    summary_detail: tuple[str, str, str | None] | None = None
    content: list[tuple[str, str, str | None]] = field(default_factory=list)
    has_content: bool = False
    author: str | None = None
    published: time.struct_time | None = None
    updated: time.struct_time | None = None
    tags: list[list[str | None]] = field(default_factory=list)
    language: str | None = None
    enclosures: list[tuple[Any, Any, Any]] = field(default_factory=list)
    duration: Any = None


class ElementReader:
    """The state of one read, and what every element handler needs of it."""

    def __init__(self, url: str, sanitize_html: bool, resolve_relative_uris: bool) -> None:
        # What feedparser's baseuri becomes at the root, for a URL we fetched.
        self.base = make_safe_absolute_uri(url, url) or url
        self.sanitize = sanitize_html
        self.resolve = resolve_relative_uris
        self.version = ""
        self.atom = False
        self.title_depth = -1
        self.names: dict[str, str] = {}
        self.unknown_default: set[str] = set()
        self.feed_title: str | None = None
        self.feed_title_lang: str | None = None
        self.feed_link: Any = None
        self.feed_language: str | None = None
        self.entries: list[EntryFields] = []

    def name(self, tag: str) -> str:
        """feedparser's name for an element ("title", "dc:creator"), or decline."""
        known = self.names.get(tag)
        if known is not None:
            return known
        if tag[:1] == "{":
            uri, _, local = tag[1:].partition("}")
        else:
            uri, local = "", tag
        local = local.lower()
        key = uri.lower()
        if "backend.userland.com/rss" in key:
            key = "http://backend.userland.com/rss"
        prefix = NAMESPACES.get(key)
        special = (f"_start_{local}" in _HANDLERS or f"_end_{local}" in _HANDLERS
                   or local in _READ_KEYS)
        if prefix is None:
            # An unknown namespace: feedparser keeps the document's own prefix,
            # or none for a default namespace, which would make it a core name.
            if key in self.unknown_default and special:
                raise Decline
            name = "?" + local
        elif not prefix and not special:
            # A core element feedparser has no handler for: it is stored under
            # its own name, which nothing here reads.
            name = "?" + local
        else:
            name = f"{prefix}:{local}" if prefix else local
        self.names[tag] = name
        return name

    @staticmethod
    def lang(el: ET.Element, parent: str | None) -> str | None:
        lang = el.get(XML_NS + "lang", el.get("lang"))
        if lang == "":
            return None
        return parent if lang is None else lang

    @staticmethod
    def check_attrs(el: ET.Element) -> None:
        if el.get(XML_NS + "base") is not None or el.get("base") is not None:
            raise Decline

    def ignorable(self, el: ET.Element, allowed: frozenset[str]) -> None:
        """Decline unless every element of the subtree is one feedparser stores
        where parse.py never looks."""
        for sub in el.iter():
            name = self.name(sub.tag)
            if name[0] != "?" and name not in allowed:
                raise Decline
            self.check_attrs(sub)

    @staticmethod
    def text(el: ET.Element) -> str:
        """Character data of an element that must not contain markup."""
        if len(el):
            raise Decline
        return el.text or ""

    def pop(self, value: str, *, ctype: str | None = None, relative: bool = False,
            markup: bool = False) -> tuple[str, str | None]:
        """feedparser's pop(): strip, resolve, guess, sanitize, fix up."""
        output = value.strip()
        if relative and output:
            output = join_url(self.base, output)
        if ctype == "text/plain" and not self.version.startswith("atom") and (
                _looks_like_html(output)):
            ctype = "text/html"
        if markup and ctype in ("text/html", "application/xhtml+xml"):
            if self.sanitize and self.resolve:
                output = clean_markup(output, self.base, ctype)
            else:
                if self.resolve:
                    output = resolve_relative_uris(output, self.base, "utf-8", ctype)
                if self.sanitize:
                    output = str(_sanitize_html(output, "utf-8", ctype))
        return _fixups(output), ctype

    def content_type(self, el: ET.Element, default: str) -> str:
        attrs = lower_attrs(el)
        if "mode" in attrs or "src" in attrs:
            raise Decline
        raw = attrs.get("type")
        ctype = _TEXT_TYPES.get(raw.lower() if raw is not None else default)
        if ctype is None:
            raise Decline
        return ctype

    def title(self, el: ET.Element, depth: int) -> tuple[str, str, bool]:
        """(value, type, stored) for a title element."""
        ctype = self.content_type(el, "text/plain")
        if ctype == "application/xhtml+xml":
            raise Decline
        value, ctype_out = self.pop(self.text(el), ctype=ctype, markup=True)
        stored = not (-1 < self.title_depth <= depth)
        if value:
            self.title_depth = depth
        return value, ctype_out or ctype, stored

    def link(self, el: ET.Element, feed: bool, entry: EntryFields | None = None) -> None:
        attrs = lower_attrs(el)
        rel = attrs.get("rel", "alternate").lower()
        ltype = attrs.get("type")
        ltype = ltype.lower() if ltype is not None else (
            "application/atom+xml" if rel == "self" else "text/html")
        if "url" in attrs or "uri" in attrs or attrs.get("href") == "":
            raise Decline
        href = attrs.get("href")
        if href:
            if len(el) or (el.text or "").strip():
                raise Decline
            href = join_url(self.base, href)
            if rel == "alternate" and _TEXT_TYPES.get(ltype, ltype) in (
                    "text/html", "application/xhtml+xml"):
                if feed:
                    self.feed_link = href
                elif entry is not None:
                    entry.link = href
            return
        if set(attrs) - {"rel", "type"}:
            raise Decline
        value, _ = self.pop(self.text(el), relative=True)
        if feed:
            self.feed_link = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value)
        elif entry is not None:
            value = value.replace("&amp;", "&")
            entry.link = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value)


def lower_attrs(el: ET.Element) -> dict[str, str]:
    """Attributes by lower-cased name, as feedparser's strict parser keys them."""
    return {k.lower(): v for k, v in el.attrib.items() if k[:1] != "{"} if el.attrib else {}


def _fixups(output: str) -> str:
    """The last steps of feedparser's pop(): latin-1 mojibake repair, cp1252."""
    if output.isascii():
        return output
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        output = output.encode("iso-8859-1").decode("utf-8")
    return output.translate(_cp1252)


def _looks_like_html(s: str) -> bool:
    return bool(_FeedParserMixin.looks_like_html(s))
