"""Reading from the command line: articles, show, fulltext."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import replace

from toaster_tui.cli.common import UsageError, load_config, open_store
from toaster_tui.cli.output import err, json_out, out
from toaster_tui.core.models import Config
from toaster_tui.reading.render import article_json, article_line, detail_text
from toaster_tui.refresh.pages import fetch_pages
from toaster_tui.store import listing
from toaster_tui.store.detail import article_detail
from toaster_tui.store.views import view_filter


def cmd_articles(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    config = load_config(args)
    store = open_store(args, config)
    flt = listing.ArticleFilter(topic=args.topic, feed_url=args.feed, unread_only=args.unread,
                                starred_only=args.starred, search=args.search,
                                hidden=args.hidden,
                                # Nothing narrows it: the All Topics listing.
                                all_topics=not (args.topic or args.feed or args.starred
                                                or args.hidden or args.view
                                                or args.search is not None))
    if args.view is not None:
        flt = _in_view(config, args.view, flt)
    rows = listing.list_articles(store.db, flt, limit=args.limit)
    store.close()
    if args.json:
        json_out([article_json(r) for r in rows])
    else:
        for row in rows:
            out(article_line(row))
    return 0


def _in_view(config: Config, name: str, flt: listing.ArticleFilter) -> listing.ArticleFilter:
    """The view's listing, narrowed further by the other options given."""
    view = next((v for v in config.views if v.name.casefold() == name.strip().casefold()), None)
    if view is None:
        known = ", ".join(v.name for v in config.views) or "none in config.toml"
        raise UsageError(f"no view named {name!r} (views: {known})")
    base = view_filter(view)
    return replace(base, topic=flt.topic or base.topic, feed_url=flt.feed_url,
                   unread_only=base.unread_only or flt.unread_only,
                   starred_only=base.starred_only or flt.starred_only,
                   search=flt.search or base.search, hidden=flt.hidden)


def cmd_show(args: argparse.Namespace) -> int:
    config = load_config(args)
    store = open_store(args, config)
    detail = article_detail(store.db, args.id)
    store.close()
    if detail is None:
        err(f"no article with id {args.id}")
        return 1
    if args.json:
        json_out(article_json(detail.row, detail))
    else:
        out(detail_text(detail))
    return 0


def cmd_fulltext(args: argparse.Namespace) -> int:
    config = load_config(args)
    store = open_store(args, config)
    try:
        before = article_detail(store.db, args.id, with_related=False)
        if before is None:
            err(f"no article with id {args.id}")
            return 1
        if before.has_page:
            out(f"article {args.id}: full article already cached "
                 f"({before.row.read_minutes} min read)")
            return 0
        if before.row.url is None:
            err(f"article {args.id} has no web link to fetch")
            return 1
        report = asyncio.run(fetch_pages(store.path, config.settings, article_ids=[args.id]))
    finally:
        store.close()
    outcome = report.outcomes[0] if report.outcomes else None
    if outcome is None or outcome.error is not None:
        reason = outcome.error if outcome is not None else "the article is gone"
        err(f"article {args.id}: cannot fetch the full article from "
             f"{before.row.url}: {reason}")
        return 1
    out(f"article {args.id}: full article fetched from {outcome.url} "
         f"({outcome.read_minutes} min read)")
    return 0
