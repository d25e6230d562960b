"""An article's own web page: fetched like a feed, read like a feed body.

The fetch is feeds/fetch.py's (http/https only, the same concurrency limits,
timeout, size cap while streaming, at most 5 redirects); the page is decoded
(feeds/charset.py), its main content found (reading/page_extract.py), and that
HTML goes the way of an entry body in feeds/parse.py: cut to MAX_HTML, cleaned
of terminal controls, then read for its text, language and reading time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toaster_tui.core.models import PageText
from toaster_tui.core.sanitize import clean_line, clean_text, safe_url
from toaster_tui.feeds.charset import decode_page
from toaster_tui.feeds.fastparse.plain_text import html_text
from toaster_tui.feeds.fetch import Fetcher, Outcome
from toaster_tui.feeds.parse import MAX_HTML
from toaster_tui.reading.entry_fields import read_minutes
from toaster_tui.reading.html_cut import cut_html
from toaster_tui.reading.language import entry_language

__all__ = ["PAGE_ACCEPT", "PageAnswer", "fetch_page", "page_text"]

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")
_LANG_RE = re.compile(r"<html\b[^>]{0,512}?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][\w]{1,8})*)",
                      re.I)
NO_ARTICLE = "no article text found on the page"


@dataclass(frozen=True)
class PageAnswer:
    """A page fetched, or why not: `body` is set only when `error` is None."""

    url: str
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    error: str | None = None


async def fetch_page(fetcher: Fetcher, url: str) -> PageAnswer:
    """GET the page at `url` (an article's link). Never raises."""
    safe = safe_url(url)
    if safe is None:
        return PageAnswer(url, error="the article's link is not an http or https address")
    result = await fetcher.fetch(safe, accept=PAGE_ACCEPT)
    if result.outcome is Outcome.GONE:
        return PageAnswer(safe, result.status, error="HTTP 410 Gone: the page was removed")
    if result.outcome is not Outcome.OK:
        return PageAnswer(safe, result.status, error=result.error or "the page could not be had")
    kind = (result.content_type or "").split(";", 1)[0].strip().lower()
    if kind and kind not in _PAGE_TYPES:
        return PageAnswer(safe, result.status,
                          error=f"not a web page ({clean_line(kind)[:60]})")
    return PageAnswer(safe, result.status, result.body, result.content_type)


def page_text(body: bytes, content_type: str | None, url: str) -> PageText | None:
    """The page's main text as a feed body would be stored; None when it has none."""
    page = decode_page(body, content_type)
    # trafilatura and lxml take ~0.1 s to import: not at every start of the app.
    from toaster_tui.reading.page_extract import extract_article

    found = extract_article(page, url)
    if found is None:
        return None
    content = clean_text(cut_html(found, MAX_HTML))
    text = html_text(content)
    if not text.strip():
        return None
    declared = _LANG_RE.search(page[:8192])
    return PageText(
        content_html=content,
        text=text,
        language=entry_language(declared.group(1) if declared else None, None, text),
        read_minutes=read_minutes(text),
    )
