"""Resolve what a user typed into a feed: fetch it, or discover it from a page.

Shared by `toaster add` and the TUI's add dialog.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from toaster_tui.core.errors import FeedError, FeedUnreachable
from toaster_tui.core.models import FeedData, Settings
from toaster_tui.feeds.address import check_url
from toaster_tui.feeds.discover import find_feed_links, looks_like_feed
from toaster_tui.feeds.fetch import Fetcher, FetchResult, Outcome
from toaster_tui.feeds.parse import parse_feed

MAX_CANDIDATES = 3


@dataclass(frozen=True)
class ResolvedFeed:
    url: str
    """The feed's own URL (after discovery and permanent redirects)."""
    data: FeedData


async def resolve_feed(text: str, settings: Settings) -> ResolvedFeed:
    """Fetch `text`; when it is a web page, follow its feed links."""
    url = check_url(text)
    async with Fetcher(settings) as fetcher:
        first = await fetcher.fetch(url)
        _raise_for(url, first)
        feed_url = first.permanent_url or url
        if looks_like_feed(first.content_type, first.body):
            return ResolvedFeed(feed_url, await _parse(first, feed_url))
        page = first.body.decode("utf-8", "replace")
        candidates = find_feed_links(page, feed_url)[:MAX_CANDIDATES]
        if not candidates:
            raise FeedError(f"{url}: no feed found on this page")
        problems: list[str] = []
        for candidate in candidates:
            result = await fetcher.fetch(candidate)
            try:
                _raise_for(candidate, result)
                found = result.permanent_url or candidate
                return ResolvedFeed(found, await _parse(result, found))
            except FeedError as exc:
                problems.append(str(exc))
        raise FeedError(problems[0])


def _raise_for(url: str, result: FetchResult) -> None:
    if result.outcome is not Outcome.OK:
        kind = FeedUnreachable if result.unreachable else FeedError
        raise kind(f"{url}: {result.error or 'failed'}")


async def _parse(result: FetchResult, url: str) -> FeedData:
    try:
        return await asyncio.to_thread(parse_feed, result.body, url, result.content_type)
    except FeedError as exc:
        raise FeedError(f"{url}: {exc}") from exc
