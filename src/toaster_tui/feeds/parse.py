"""Feed bytes -> FeedData: feedparser for RSS/RDF/Atom, json for JSON Feed.

Common RSS and Atom documents take a fast path (fastparse: expat's C tree
builder) that reproduces feedparser's reading of them; everything else goes
to feedparser itself. Both hand the same fields to `build_entry`.

Runs in a worker process or thread, never on the event loop. Every string
that leaves this module is terminal-safe (see sanitize) and bounded in size.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import io
import json
import os
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser

from toaster_tui.core.errors import FeedError
from toaster_tui.core.models import Enclosure, EntryData, FeedData
from toaster_tui.core.sanitize import clean_line, clean_text, safe_url
from toaster_tui.feeds import feedguard
from toaster_tui.feeds.enclosures import clean_enclosures
from toaster_tui.feeds.fastparse.plain_text import html_text, html_text_words
from toaster_tui.feeds.fastparse.raw_feed import RawEntry, RawFeed
from toaster_tui.feeds.fastparse.reader import Limits, parse_xml
from toaster_tui.reading.entry_fields import (
    clean_categories,
    make_snippet,
    plain_text_title,
    plain_title,
    read_minutes_of,
)
from toaster_tui.reading.html_cut import cut_html
from toaster_tui.reading.language import entry_language, normalize_language
from toaster_tui.reading.sentences import truncate

MAX_ENTRIES = 1000
"""Entries kept from one document (the first ones: feeds list newest first)."""
MAX_HTML = 512 * 1024
"""Characters of HTML kept per entry body: a longer one is cut at a tag boundary
and ends with a marker the reader shows as a notice (reading.html_cut)."""
MAX_FIELD = 1000
"""Characters kept of a title, author or key."""
EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)
# No feedparser HTML sanitizing or URI resolving: both are quadratic on
# hostile markup, and reading whitelists what it shows on its own. The fast
# path follows the same two settings, so both readings stay the same.
SANITIZE_HTML = False
RESOLVE_RELATIVE_URIS = False
FAST_PATH = os.environ.get("TOASTER_FASTPARSE", "1") != "0"
"""The fast path for common RSS/Atom; TOASTER_FASTPARSE=0 sends all to feedparser."""


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> FeedData:
    """Parse a fetched document. Raises FeedError when it is not a feed."""
    head = data.lstrip()[:1]
    if head in (b"{", b"[") or (content_type or "").split(";")[0].strip().endswith("json"):
        return _parse_json_feed(data, url)
    return _parse_xml_feed(data, url, content_type)


# --- dates -----------------------------------------------------------------

def _latest_allowed() -> datetime:
    # A date more than a day ahead would pin an entry to the top for ever.
    return datetime.fromtimestamp(time.time() + 86_400, UTC)


def _checked(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if moment < EARLIEST or moment > _latest_allowed():
        return None
    return moment


def _from_struct(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return _checked(datetime.fromtimestamp(calendar.timegm(value), UTC))
    except (OverflowError, ValueError, TypeError, OSError):
        return None


def _from_iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return _checked(datetime.fromisoformat(text))
    except ValueError:
        parsed = feedparser.datetimes._parse_date(value)
        return _from_struct(parsed)


# --- entries -----------------------------------------------------------------

def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _entry_key(raw_id: Any, link: str | None, title: str, when: datetime | None) -> str:
    ident = clean_line(raw_id if isinstance(raw_id, str) else "")
    if ident:
        return _cap(ident, MAX_FIELD)
    if link:
        return _cap(link, MAX_FIELD)
    stamp = when.isoformat() if when else ""
    return "sha1:" + hashlib.sha1(f"{title}\x00{stamp}".encode()).hexdigest()


def build_entry(
    *,
    raw_id: Any,
    title: str,
    link: Any,
    author: str,
    published: datetime | None,
    updated: datetime | None,
    content_html: str,
    summary_html: str,
    categories: Iterable[str | None],
    language: str | None,
    feed_language: str | None,
    enclosures: tuple[Enclosure, ...] = (),
) -> EntryData:
    """One entry from its fields, cleaned, cut and extracted (text, snippet,
    language, read time). Every source goes through here: both XML paths,
    JSON Feed, and a sync server's items."""
    url = safe_url(link) if isinstance(link, str) else None
    # Stored HTML is cleaned too (controls, escapes, bidi, lone surrogates).
    body = clean_text(cut_html(content_html or summary_html, MAX_HTML))
    summary = clean_text(cut_html(summary_html, MAX_HTML))
    # html_text gives the lines html_convert.html_to_text gives, at a fraction of
    # the cost; the reader pane renders Markdown from content_html when shown.
    text, words = html_text_words(body, cleaned=True)
    title = _cap(title, MAX_FIELD)  # already one plain line: _entry_title, plain_text_title
    if not title:
        # Show what is missing plainly, but still give the row something to say.
        lead = make_snippet(text, 80)
        title = lead if lead else "(untitled)"
    key = _entry_key(raw_id, url, title, published or updated)
    return EntryData(
        key=key,
        title=title,
        url=url,
        author=_cap(clean_line(author), MAX_FIELD) or None,
        published=published,
        updated=updated,
        content_html=body,
        summary_html=summary,
        text=text,
        snippet=_snippet(summary, text),
        categories=clean_categories(categories),
        # Declared, else told from the text (bounded sample), else "".
        language=entry_language(language, feed_language, f"{title}\n{text}"),
        read_minutes=read_minutes_of(words),
        enclosures=enclosures,
    )


def _entry_title(title_html: str) -> str:
    """entry_fields.plain_title, with html_text doing the markup.

    Both XML paths hand over a title as HTML (a plain-text one escaped), so
    they agree by construction; plain_text_title documents the rule.
    """
    if not title_html:
        return ""
    if "<" not in title_html and "&" not in title_html:
        return clean_line(title_html)  # most titles: no markup to read
    return plain_text_title(html_text(title_html))


def _snippet(summary_html: str, body_text: str) -> str:
    """entry_fields.make_snippet(summary or body), reusing the body's text."""
    text = html_text(summary_html) if summary_html else body_text
    return truncate(clean_line(text), 280)


# --- RSS / RDF / Atom ------------------------------------------------------

def _parse_xml_feed(data: bytes, url: str, content_type: str | None) -> FeedData:
    # Hostile-input guard (feedguard): DTDs defused, structure and size bounded.
    if not data.strip() or not FAST_PATH:
        data, content_type = feedguard.guard_xml(data, url, content_type)
        raw = _fast(data, url, content_type) if FAST_PATH else None
        return _feed_from_raw(raw or _read_with_feedparser(data, url, content_type))
    # One XML pass where it can: the fast path bounds the tree it builds itself
    # (feedguard.check_tree) instead of after the guard's own expat pass.
    prepared = feedguard.prepare_xml(data, url, content_type)
    raw, retry = None, not feedguard.may_fit(prepared.text)
    if not retry:
        try:
            raw = _fast(prepared.text, url, prepared.content_type, feedguard.check_tree)
        except feedguard.OverLimits:
            retry = True
    if raw is None:
        data, content_type = feedguard.check_xml(prepared)  # refuses what guard_xml refuses
        if retry or data is not prepared.text:  # cut or repaired: a different document
            raw = _fast(data, url, content_type)
        if raw is None:
            raw = _read_with_feedparser(data, url, content_type)
    return _feed_from_raw(raw)


def _fast(data: bytes, url: str, content_type: str | None,
          limits: Limits | None = None) -> RawFeed | None:
    return parse_xml(data, url, content_type, sanitize_html=SANITIZE_HTML,
                     resolve_relative_uris=RESOLVE_RELATIVE_URIS, limits=limits)


def _read_with_feedparser(data: bytes, url: str, content_type: str | None) -> RawFeed:
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    try:
        # A stream, never bytes or str: feedparser treats those as a path or URL.
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers,
                                  sanitize_html=SANITIZE_HTML,
                                  resolve_relative_uris=RESOLVE_RELATIVE_URIS)
    except Exception as exc:  # feedparser raises assorted errors on hostile input
        raise FeedError(f"unreadable feed: {clean_line(str(exc))[:200]}") from exc
    feed = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    version = parsed.get("version", "")
    if not entries and not feed.get("title") and not version:
        reason = "not a feed"
        lowered = data[:2048].lower()
        if not data.strip():
            reason = "empty response, not a feed"
        elif b"<html" in lowered or b"<!doctype html" in lowered:
            reason = "an HTML page, not a feed"
        elif parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            reason = f"not a readable feed: {clean_line(str(problem))[:160]}"
        raise FeedError(reason)
    feed_language = feed.get("language") or (feed.get("title_detail") or {}).get("language")
    out = []
    for entry in entries[:MAX_ENTRIES]:
        content = entry.get("content") or []
        content_html = "".join(
            _as_html(c) for c in content if isinstance(c, Mapping)
        )
        summary_html = _as_html(entry.get("summary_detail") or {}) or entry.get("summary", "")
        title_detail = entry.get("title_detail") or {}
        title_html = entry.get("title", "")
        if title_detail.get("type") == "text/plain":
            title_html = html.escape(title_html)
        language = dict.get(entry, "language")
        for detail in (*content, entry.get("summary_detail"), title_detail):
            if not language and isinstance(detail, Mapping) and detail.get("language"):
                language = detail["language"]
                break
        out.append(RawEntry(
            raw_id=entry.get("id"),
            title_html=title_html,
            link=entry.get("link"),
            author=entry.get("author", "") or "",
            # dict.get: feedparser's own get() maps updated to published.
            published=dict.get(entry, "published_parsed"),
            updated=dict.get(entry, "updated_parsed"),
            content_html=content_html,
            summary_html=summary_html,
            categories=tuple(t.get("term") or t.get("label") for t in entry.get("tags", []) or []),
            language=language,
            # RSS <enclosure> and <link rel="enclosure">, in document order.
            enclosures=tuple((e.get("href"), e.get("type"), e.get("length"))
                             for e in entry.get("enclosures") or [] if isinstance(e, Mapping)),
            duration=dict.get(entry, "itunes_duration"),
        ))
    return RawFeed(title=feed.get("title", ""), link=feed.get("link"), language=feed_language,
                   entries=out)


def _feed_from_raw(raw: RawFeed) -> FeedData:
    out = [
        build_entry(
            raw_id=e.raw_id,
            title=_entry_title(e.title_html),
            link=e.link,
            author=e.author,
            published=_from_struct(e.published),
            updated=_from_struct(e.updated),
            content_html=e.content_html,
            summary_html=e.summary_html,
            categories=e.categories,
            language=e.language,
            feed_language=raw.language,
            enclosures=clean_enclosures(((*link, None) for link in e.enclosures), e.duration),
        )
        for e in raw.entries[:MAX_ENTRIES]
    ]
    return FeedData(
        title=_cap(plain_title(raw.title), MAX_FIELD) or None,
        site_url=safe_url(raw.link),
        language=normalize_language(raw.language) or None,
        entries=tuple(out),
    )


def _as_html(detail: Mapping[str, Any]) -> str:
    """A feedparser text construct as HTML (plain text gets escaped)."""
    value = detail.get("value", "")
    if not isinstance(value, str):
        return ""
    if detail.get("type") in ("text/plain", "text"):
        return "<p>" + html.escape(value).replace("\n\n", "</p><p>") + "</p>"
    return value


# --- JSON Feed ---------------------------------------------------------------

def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _parse_json_feed(data: bytes, url: str) -> FeedData:
    feedguard.guard_json(data)
    try:
        # Real feeds carry raw control characters inside strings; read them, and let
        # the cleaning every string gets drop them.
        doc = json.loads(data.decode("utf-8-sig"), strict=False)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise FeedError(f"malformed JSON Feed: {clean_line(str(exc))[:160]}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise FeedError("not a JSON Feed: no items list")
    feed_language = _str(doc.get("language")) or None
    out = []
    for item in doc["items"][:MAX_ENTRIES]:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = ", ".join(
            _str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")
        ) if isinstance(authors, list) else ""
        content_html = _str(item.get("content_html"))
        if not content_html and _str(item.get("content_text")):
            content_html = _as_html({"value": item["content_text"], "type": "text/plain"})
        summary = _str(item.get("summary"))
        tags = item.get("tags")
        attachments = item.get("attachments")
        out.append(build_entry(
            raw_id=str(item["id"]) if isinstance(item.get("id"), (str, int)) else None,
            # Plain text by the spec, but real feeds put HTML and references in it.
            title=plain_text_title(_str(item.get("title"))),
            link=_str(item.get("url")) or _str(item.get("external_url")) or None,
            author=author,
            published=_from_iso(item.get("date_published")),
            updated=_from_iso(item.get("date_modified")),
            content_html=content_html,
            summary_html=_as_html({"value": summary, "type": "text/plain"}) if summary else "",
            categories=(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
            language=_str(item.get("language")) or None,
            feed_language=feed_language,
            enclosures=clean_enclosures(
                (a.get("url"), a.get("mime_type"), a.get("size_in_bytes"),
                 a.get("duration_in_seconds"))
                for a in (attachments if isinstance(attachments, list) else ())
                if isinstance(a, dict)),
        ))
    return FeedData(
        title=_cap(plain_text_title(_str(doc.get("title"))), MAX_FIELD) or None,
        site_url=safe_url(_str(doc.get("home_page_url")) or None),
        language=normalize_language(feed_language) or None,
        entries=tuple(out),
    )
