"""Subscriptions from the command line: add, remove, move, feeds, import, export.

Each edit goes to config.toml first (comment-preserving, atomic), then the
cache follows it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from toaster_tui.cli.common import UsageError, load_config, open_store
from toaster_tui.cli.output import err, json_out, out
from toaster_tui.cli.refresh_commands import refresh_feeds
from toaster_tui.config import edit as config_edit
from toaster_tui.config.atomic import write_atomic
from toaster_tui.core.sanitize import clean_line, clean_text
from toaster_tui.reading.render import feed_json, feed_line
from toaster_tui.store import listing


def cmd_add(args: argparse.Namespace) -> int:
    from toaster_tui.feeds.subscribe import resolve_feed

    config = load_config(args)
    resolved = asyncio.run(resolve_feed(args.url, config.settings))
    topic = args.topic or "Personal"
    title = clean_line(args.title) or None if args.title else None
    config = config_edit.add_feed(config.path, resolved.url, topic, title)
    store = open_store(args, config)
    spec = next(f for f in config.feeds if f.url == resolved.url)
    outcomes = refresh_feeds(config, store, [spec], None)
    store.close()
    shown = title or resolved.data.title or resolved.url
    got = sum(o.new for o in outcomes)
    out(f"added {shown} ({resolved.url}) to {topic}: {got} articles")
    return 1 if any(o.failed for o in outcomes) else 0


def cmd_remove(args: argparse.Namespace) -> int:
    config = load_config(args)
    config = config_edit.remove_feed(config.path, args.url.strip())
    open_store(args, config).close()
    out(f"removed {args.url.strip()}")
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    topic = clean_line(args.topic)
    if not topic:
        raise UsageError("the topic must not be empty")
    config = load_config(args)
    config = config_edit.move_feed(config.path, args.url.strip(), topic)
    open_store(args, config).close()
    out(f"moved {args.url.strip()} to {topic}")
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    config = load_config(args)
    store = open_store(args, config)
    rows = listing.list_feeds(store.db)
    store.close()
    if args.json:
        json_out([feed_json(r) for r in rows])
    else:
        for row in rows:
            out(feed_line(row))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from toaster_tui.feeds.opml import parse_opml

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from exc
    specs = parse_opml(data, str(path))
    config = load_config(args)
    known = {f.url for f in config.feeds}
    fresh = [s for s in specs if s.url not in known]
    if fresh:
        config = config_edit.add_feeds(config.path, fresh)
    open_store(args, config).close()
    out(f"imported {len(fresh)} feeds ({len(specs) - len(fresh)} already subscribed)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from toaster_tui.feeds.opml import render_opml

    config = load_config(args)
    store = open_store(args, config)
    titles = {r.url: r.title for r in listing.list_feeds(store.db)}
    store.close()
    text = render_opml(config.feeds, titles)
    if args.file:
        target = Path(args.file).resolve()
        if target in (store.path.resolve(), config.path.resolve()):
            raise UsageError(f"{args.file} is the database or config.toml itself; "
                             "export to another file")
        write_atomic(Path(args.file), text.encode("utf-8"))
        err(f"exported {len(config.feeds)} feeds to {args.file}")
    else:
        sys.stdout.write(clean_text(text))
    return 0
