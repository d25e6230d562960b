"""One entry: an RSS <item> or an Atom <entry>, with its content, people and tags."""

from __future__ import annotations

import html as _html
import xml.etree.ElementTree as ET

from feedparser.datetimes import _parse_date
from feedparser.mixin import _FeedParserMixin

from toaster_tui.feeds.fastparse.elements import (
    XML_NS,
    Decline,
    ElementReader,
    EntryFields,
    lower_attrs,
)
from toaster_tui.feeds.fastparse.markup import join_url

__all__ = ["read_item"]

_ENTRY_IGNORED = frozenset({
    "comments", "slash:comments", "wfw:commentrss", "wfw:comment",
    "feedburner:origlink", "feedburner:origenclosurelink", "media:content",
    "media:thumbnail", "dc:rights", "dc:publisher", "dc:format", "dc:type",
    "dc:identifier", "dc:source", "dc:relation", "dc:coverage", "dcterms:created",
    "contributor", "name", "email", "uri", "rights",
    "itunes:explicit", "itunes:image", "itunes:episode",
    "itunes:season", "itunes:episodetype", "itunes:block",
})
_PUBLISHED = frozenset({"pubdate", "published", "issued", "dcterms:issued"})
_UPDATED = frozenset({"updated", "modified", "lastbuilddate", "dc:date", "dcterms:modified"})


def read_item(reader: ElementReader, el: ET.Element, depth: int, lang: str | None) -> None:
    """One entry, appended to reader.entries."""
    reader.check_attrs(el)
    if el.get("href") is not None or el.get("lastmod") is not None:
        raise Decline
    e = EntryFields()
    reader.entries.append(e)
    reader.title_depth = -1
    about = el.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    if about:
        e.raw_id = about
    seen: set[str] = set()
    for child in el:
        name = reader.name(child.tag)
        cdepth = depth + 1
        clang = reader.lang(child, lang)
        reader.check_attrs(child)
        if name in ("title", "description", "summary", "content", "content:encoded",
                    "guid", "id", "author", "dc:creator", "dc:author", "language",
                    "dc:language"):
            key = "author" if name in ("dc:creator", "dc:author") else (
                "guid" if name == "id" else "language" if name == "dc:language" else name)
            if key in seen:
                raise Decline
            seen.add(key)
        if name == "title":
            got = reader.title(child, cdepth)
            if got[2]:
                e.title, e.title_type = got[0], got[1]
                e.title_lang = clang.replace("_", "-") if clang else None
        elif name == "link":
            if lower_attrs(child).get("rel", "").lower() == "enclosure":
                _enclosure_link(reader, child, e)
            else:
                reader.link(child, feed=False, entry=e)
        elif name == "enclosure":
            _enclosure(child, e)
        elif name == "itunes:duration":
            e.duration, _ = reader.pop(reader.text(child))
        elif name in ("description", "summary"):
            if e.summary is not None and not e.has_content:
                raise Decline  # feedparser would read it as content
            default = "text/html" if name == "description" else "text/plain"
            value, ctype, dlang = _markup(reader, child, default, clang)
            e.summary = value
            e.summary_detail = (value, ctype, dlang)
        elif name in ("content", "content:encoded"):
            default = "text/plain" if name == "content" else "text/html"
            e.has_content = True
            value, ctype, dlang = _markup(reader, child, default, clang)
            e.content.append((value, ctype, dlang))
            if e.summary is None:
                e.summary = value
        elif name in ("guid", "id"):
            permalink = lower_attrs(child).get("ispermalink", "true") == "true"
            value, _ = reader.pop(reader.text(child), relative=permalink)
            e.raw_id = value
            if permalink and e.link is None:
                e.link = value
        elif name in ("author", "dc:creator", "dc:author"):
            e.author = _author(reader, child)
        elif name in _PUBLISHED:
            e.published = _parse_date(reader.pop(reader.text(child))[0])
        elif name in _UPDATED:
            e.updated = _parse_date(reader.pop(reader.text(child))[0])
        elif name in ("category", "dc:subject"):
            _category(reader, child, e)
        elif name in ("language", "dc:language"):
            e.language, _ = reader.pop(reader.text(child))
        elif name == "source" and not len(child):
            reader.title_depth = -1
        elif name[0] == "?" or name in _ENTRY_IGNORED:
            reader.ignorable(child, _ENTRY_IGNORED)
        else:
            raise Decline


def _markup(reader: ElementReader, el: ET.Element, default: str,
            lang: str | None) -> tuple[str, str, str | None]:
    """(value, type, language) of a summary or content element."""
    ctype = reader.content_type(el, default)
    raw = _xhtml(reader, el) if ctype == "application/xhtml+xml" else reader.text(el)
    value, ctype_out = reader.pop(raw, ctype=ctype, markup=True)
    return value, ctype_out or ctype, lang.replace("_", "-") if lang else None


def _xhtml(reader: ElementReader, el: ET.Element) -> str:
    """Inline XHTML content serialized the way feedparser's pieces are."""
    if not reader.atom:
        raise Decline
    pieces: list[str] = []
    xhtml = "{http://www.w3.org/1999/xhtml}"

    def text(s: str | None) -> None:
        if s:
            pieces.append(_html.escape(s, quote=False))

    def walk(node: ET.Element) -> None:
        if not node.tag.startswith(xhtml):
            raise Decline
        tag = node.tag[len(xhtml):].lower()
        if tag in ("body", "svg", "math") or "_" in tag:
            raise Decline
        attrs = []
        for key, value in node.attrib.items():
            if key[:1] == "{":
                raise Decline
            k = key.lower()
            attrs.append((k, value.lower() if k in ("rel", "type") else value))
        pieces.append(f"<{tag}{_FeedParserMixin.strattrs(attrs)}>")
        text(node.text)
        for sub in node:
            walk(sub)
            text(sub.tail)
        pieces.append(f"</{tag}>")

    text(el.text)
    for child in el:
        walk(child)
        text(child.tail)
    # feedparser drops one <div> wrapping the whole content.
    while len(pieces) > 1 and not pieces[-1].strip():
        del pieces[-1]
    while len(pieces) > 1 and not pieces[0].strip():
        del pieces[0]
    if pieces and (pieces[0] == "<div>" or pieces[0].startswith("<div ")) and (
            pieces[-1] == "</div>"):
        level = 0
        for piece in pieces[:-1]:
            if piece.startswith("</"):
                level -= 1
                if level == 0:
                    break
            elif piece.startswith("<") and not piece.endswith("/>"):
                level += 1
        else:
            pieces = pieces[1:-1]
    return "".join(pieces)


def _enclosure(el: ET.Element, e: EntryFields) -> None:
    """RSS <enclosure url type length/>: feedparser keeps the url as written."""
    attrs = lower_attrs(el)
    url = attrs.get("url")
    if not url or "uri" in attrs or "href" in attrs or len(el) or (el.text or "").strip():
        raise Decline
    mime = attrs.get("type")
    e.enclosures.append((url, mime.lower() if mime is not None else None, attrs.get("length")))


def _enclosure_link(reader: ElementReader, el: ET.Element, e: EntryFields) -> None:
    """<link rel="enclosure" href type length/>: the href resolved, the type
    text/html when missing, as feedparser's _start_link does."""
    attrs = lower_attrs(el)
    href = attrs.get("href")
    if (not href or "url" in attrs or "uri" in attrs or len(el)
            or (el.text or "").strip()):
        raise Decline
    mime = attrs.get("type")
    e.enclosures.append((join_url(reader.base, href),
                         mime.lower() if mime is not None else "text/html",
                         attrs.get("length")))


def _author(reader: ElementReader, el: ET.Element) -> str:
    if not len(el):
        if set(el.attrib) - {XML_NS + "lang"}:
            raise Decline
        return reader.pop(el.text or "")[0]
    if (el.text or "").strip():
        raise Decline
    name = email = None
    for child in el:
        cname = reader.name(child.tag)
        if cname in ("name", "email", "uri", "url", "homepage") and not len(child):
            if (child.tail or "").strip():
                raise Decline
            value = (child.text or "").strip()
            if cname == "name":
                name = value
            elif cname == "email":
                email = value
        elif cname[0] != "?":
            raise Decline
    if name and email:
        return f"{name} ({email})"
    return name or email or ""


def _category(reader: ElementReader, el: ET.Element, e: EntryFields) -> None:
    if len(el):
        raise Decline
    attrs = lower_attrs(el)
    term = attrs.get("term")
    scheme = attrs.get("scheme", attrs.get("domain"))
    label = attrs.get("label")
    if term or scheme or label:
        tag: list[str | None] = [term, scheme, label]
        if tag not in e.tags:
            e.tags.append(tag)
    value, _ = reader.pop(el.text or "")
    if not value:
        return
    if e.tags and not e.tags[-1][0]:
        e.tags[-1][0] = value
    else:
        tag = [value, None, None]
        if tag not in e.tags:
            e.tags.append(tag)
