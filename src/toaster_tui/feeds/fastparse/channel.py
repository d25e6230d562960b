"""The feed level: an RSS <channel> or the Atom <feed>, and RSS <image>/<textinput>."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from toaster_tui.feeds.fastparse.elements import Decline, ElementReader
from toaster_tui.feeds.fastparse.entries import read_item

__all__ = ["read_channel", "read_image"]

# Elements feedparser stores under keys parse.py never reads; their subtrees
# must consist of such elements too. Channel level and entry level differ.
_FEED_IGNORED = frozenset({
    "docs", "ttl", "generator", "cloud", "rating", "skiphours", "hour", "skipdays", "day",
    "webmaster", "managingeditor", "lastbuilddate", "pubdate", "copyright", "rights",
    "category", "icon", "logo", "updated", "subtitle", "tagline", "description",
    "author", "contributor", "name", "email", "uri", "url",
    "sy:updateperiod", "sy:updatefrequency", "sy:updatebase",
    "admin:generatoragent", "admin:errorreportsto", "dc:rights", "dc:publisher",
    "dc:date", "dc:creator", "dc:subject", "dc:description",
    "feedburner:info", "feedburner:browserfriendly", "feedburner:emailserviceid",
    "feedburner:feedburnerhostname",
    "items", "rdf:seq", "rdf:li", "rdf:bag",
    "itunes:explicit", "itunes:image", "itunes:category", "itunes:owner", "itunes:name",
    "itunes:email", "itunes:type", "itunes:block", "itunes:author", "itunes:summary",
    "itunes:subtitle",
})
_IMAGE_CHILDREN = frozenset({"title", "link", "description", "url", "width", "height"})
_TEXTINPUT_CHILDREN = frozenset({"title", "link", "description", "name"})


def read_channel(reader: ElementReader, el: ET.Element, depth: int, lang: str | None,
                 top: bool = False) -> None:
    """The feed's own elements and its entries (`top`: the Atom root itself)."""
    if not top:
        reader.check_attrs(el)
        if el.get("href") is not None or el.get("lastmod") is not None:
            raise Decline
    titles = 0
    for child in el:
        name = reader.name(child.tag)
        cdepth = depth + 1
        clang = reader.lang(child, lang)
        reader.check_attrs(child)
        if name in ("item", "entry"):
            if (name == "entry") != reader.atom:
                raise Decline
            read_item(reader, child, cdepth, clang)
        elif name == "title":
            titles += 1
            if titles > 1:
                raise Decline
            got = reader.title(child, cdepth)
            if got[2]:
                reader.feed_title = got[0]
                reader.feed_title_lang = clang.replace("_", "-") if clang else None
        elif name == "link":
            reader.link(child, feed=True)
        elif name in ("language", "dc:language"):
            reader.feed_language, _ = reader.pop(reader.text(child))
        elif name == "id" and reader.atom:
            value, _ = reader.pop(reader.text(child), relative=True)
            if reader.feed_link is None:
                reader.feed_link = value
        elif name in ("image", "textinput"):
            read_image(reader, child, cdepth, clang)
        elif name[0] == "?" or name in _FEED_IGNORED:
            reader.ignorable(child, _FEED_IGNORED)
        else:
            raise Decline


def read_image(reader: ElementReader, el: ET.Element, depth: int, lang: str | None) -> None:
    """<image> and <textinput>: skipped, but their titles move title_depth."""
    reader.title_depth = -1
    # Any other unprefixed child would end feedparser's image/textinput
    # context and send the rest to the feed.
    allowed = _IMAGE_CHILDREN if reader.name(el.tag) == "image" else _TEXTINPUT_CHILDREN
    for child in el.iter():
        if child is el:
            continue
        name = reader.name(child.tag)
        reader.check_attrs(child)
        if name not in allowed:
            raise Decline
        if len(child):
            raise Decline
        if name == "title":
            text = (child.text or "").strip()
            if "<" in text or "&" in text:
                raise Decline
            if text:
                reader.title_depth = depth + 1
