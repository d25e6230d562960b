"""Subscriptions from the command line: add, remove, move, feeds, import, export.

A local feed's edit goes to config.toml first (comment-preserving, atomic),
then the cache follows it. A feed of the sync server changes in the cache at
once and is queued for the server, which the next `toaster sync` tells
(sync/subscriptions.py).
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
from toaster_tui.config import paths
from toaster_tui.config.atomic import write_atomic
from toaster_tui.core.models import Config
from toaster_tui.core.sanitize import clean_line, clean_text
from toaster_tui.reading.render import feed_json, feed_line
from toaster_tui.store import listing
from toaster_tui.store.sub_outbox import ServerFeedRef


def cmd_add(args: argparse.Namespace) -> int:
    from toaster_tui.feeds.subscribe import resolve_feed

    config = load_config(args)
    where = args.where or ("server" if config.sync is not None else "local")
    if where == "server":
        return _add_to_server(args, config)
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


def _add_to_server(args: argparse.Namespace, config: Config) -> int:
    """Queue a subscribe for the server; checked here first when the site answers."""
    from toaster_tui.feeds.address import check_url
    from toaster_tui.sync.subscriptions import add_server_feed, check_for_server, refuse_duplicate

    if config.sync is None:
        raise UsageError(f"--server: there is no [sync] table in {config.path}")
    topic = clean_line(args.topic or "") or "Personal"
    title = clean_line(args.title or "") or None
    open_store(args, config).close()  # the cache exists, migrated, local feeds in step
    db, local = _db(args), [f.url for f in config.feeds]
    refuse_duplicate(db, local, check_url(args.url))
    candidate = asyncio.run(check_for_server(args.url, config.settings))
    refuse_duplicate(db, local, candidate.url)
    add_server_feed(db, candidate, topic, title)
    shown = title or candidate.title or candidate.url
    if candidate.checked:
        out(f"added {shown} ({candidate.url}) to {topic} on the feed server: the next "
            "'toaster sync' subscribes it there and brings its articles")
    else:
        out(f"queued {candidate.url} for the feed server, in {topic}: it will be added on "
            "the next sync")
        err(f"could not check it from here ({candidate.unchecked_why}); the server will look "
            "for the feed at that address")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    url = args.url.strip()
    config = load_config(args)
    server = _server_feed(args, config, url)
    if server is not None:
        from toaster_tui.sync.subscriptions import remove_server_feed

        remove_server_feed(_db(args), server.id)
        out(f"removed {server.title} ({server.url}) here; the next 'toaster sync' "
            "unsubscribes it on the feed server")
        return 0
    config = config_edit.remove_feed(config.path, url)
    open_store(args, config).close()
    out(f"removed {url}")
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    topic = clean_line(args.topic)
    if not topic:
        raise UsageError("the topic must not be empty")
    url = args.url.strip()
    config = load_config(args)
    server = _server_feed(args, config, url)
    if server is not None:
        from toaster_tui.sync.subscriptions import move_server_feed

        move_server_feed(_db(args), server.id, topic)
        out(f"moved {server.title} ({server.url}) to {topic}; the next 'toaster sync' moves "
            "it on the feed server")
        return 0
    config = config_edit.move_feed(config.path, url, topic)
    open_store(args, config).close()
    out(f"moved {url} to {topic}")
    return 0


def _server_feed(args: argparse.Namespace, config: Config,
                 url: str) -> ServerFeedRef | None:
    """The feed of the sync server at `url`, when config.toml has no feed there."""
    from toaster_tui.sync.subscriptions import find_server_feed

    if any(f.url == url for f in config.feeds):
        return None
    open_store(args, config).close()
    found = find_server_feed(_db(args), url)
    if found is not None and config.sync is None:
        raise UsageError(f"{url} is a feed of the sync server and there is no [sync] table "
                         f"in {config.path}")
    return found


def _db(args: argparse.Namespace) -> Path:
    return paths.db_path(getattr(args, "db", None))


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
