"""Feed discovery: is this response a feed, and if not, where does the page point?

Used by `toaster add URL` and the TUI's add dialog: a user may paste a blog's
home page rather than its feed. Nothing here fetches; callers pass what they
already downloaded.
"""

from __future__ import annotations

import codecs
import json
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from toaster_tui.reading.defang import defang_html

__all__ = ["FEED_LINK_TYPES", "find_feed_links", "looks_like_feed"]

FEED_LINK_TYPES = frozenset({
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
})

# Media types that name a feed outright, and generic ones a feed is often
# served as (which are trusted unless the body is plainly an HTML page).
_FEED_TYPES = ("rss", "atom", "rdf+xml", "feed+json")
_GENERIC_TYPES = ("application/xml", "text/xml", "application/json", "text/json")

_FEED_PATH_SUFFIXES = (
    "/feed", "/rss", ".rss", ".xml", "/atom.xml", "/feed.xml", "/index.xml", "/feed.json",
    ".atom",
)
_SNIFF_BYTES = 64 * 1024


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _head_text(body: bytes) -> str:
    """The start of the body as text, good enough to look at the first tag."""
    head = body[:_SNIFF_BYTES]
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"),
                          (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(encoding, errors="replace")
    # Feeds without a BOM are ASCII-compatible in their markup; latin-1 never fails.
    return head.decode("latin-1")


def _first_tag(text: str) -> str:
    """The text from the first real element on: prolog, comments and DOCTYPE skipped."""
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if text.startswith("<?", pos):
            end = text.find("?>", pos)
        elif text.startswith("<!--", pos):
            end = text.find("-->", pos)
        elif text[pos:pos + 9].upper() == "<!DOCTYPE":
            end = text.find(">", pos)  # RSS 0.91 files still carry one
        else:
            return text[pos:]
        if end < 0:
            return ""
        pos = text.find(">", end) + 1


def _is_json_feed(body: bytes) -> bool:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):  # bad JSON, bad encoding, absurd nesting
        return False
    version = doc.get("version") if isinstance(doc, dict) else None
    return isinstance(version, str) and "jsonfeed.org" in version


def looks_like_feed(content_type: str | None, body: bytes) -> bool:
    """True when a response is (probably) a feed rather than a web page.

    Either the media type says so (rss, atom, rdf, feed+json, or generic
    xml/json unless the body is an HTML page), or the body starts with
    <rss, <feed or <rdf:RDF, or is a JSON Feed.
    """
    media = _media_type(content_type)
    if any(kind in media for kind in _FEED_TYPES):
        return True
    start = _first_tag(_head_text(body)).lower()
    if media in _GENERIC_TYPES and not start.startswith("<html"):
        return True
    for tag in ("<rss", "<feed", "<rdf:rdf", "<atom:feed"):
        # The next character must end the name: "<feedback>" is no feed.
        if start.startswith(tag) and start[len(tag):len(tag) + 1] in ("", " ", ">", "/", "\t",
                                                                       "\n", "\r"):
            return True
    return start.startswith("{") and _is_json_feed(body)


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _web_url(base: str, href: str) -> str | None:
    """href resolved against base, when it is an http(s) url; else None."""
    href = href.strip()
    if not href:
        return None
    try:
        url = urljoin(base, href)
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url.split("#", 1)[0]


class _LinkCollector(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.base_seen = False
        self.alternates: list[str] = []
        self.anchors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        href = values.get("href", "")
        if tag == "base" and not self.base_seen and href:
            # Only the first <base href> counts, as in browsers.
            self.base_seen = True
            self.base_url = _web_url(self.base_url, href) or self.base_url
        elif tag == "link":
            rels = values.get("rel", "").lower().split()
            media = _media_type(values.get("type"))
            if "alternate" in rels and media in FEED_LINK_TYPES:
                self.alternates.append(href)
        elif tag == "a" and href:
            self.anchors.append(href)

    handle_startendtag = handle_starttag


def _looks_like_feed_path(url: str) -> bool:
    path = urlsplit(url).path.lower().rstrip("/")  # WordPress: /feed/
    return path.endswith(_FEED_PATH_SUFFIXES) and "sitemap" not in path


def find_feed_links(html: str, base_url: str) -> list[str]:
    """Feed urls a web page points to, best first; never raises.

    `<link rel="alternate">` with a feed type, in document order; if there is
    none, `<a href>` links on the same host whose path looks like a feed.
    """
    collector = _LinkCollector(base_url)
    try:
        # defang_html: html.parser rescans to the end for every construct it
        # cannot close (100 KB of "<a<a..." took seconds); this keeps it linear.
        collector.feed(defang_html(html))
        collector.close()
    except Exception:  # html.parser can still trip on odd markup; keep what was found
        pass
    found: list[str] = []
    for href in collector.alternates:
        url = _web_url(collector.base_url, href)
        if url and url not in found:
            found.append(url)
    if found:
        return found
    page_host = _host(base_url)
    for href in collector.anchors:
        url = _web_url(collector.base_url, href)
        if (url and url not in found and _looks_like_feed_path(url)
                and _host(url) == page_host):
            found.append(url)
    return found
