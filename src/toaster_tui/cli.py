"""The `toaster` command: the TUI by default, and a headless CLI for scripts.

Exit codes: 0 success, 1 the work ran but something in it failed, 2 bad
usage or an invalid config, 70 an internal error (a bug: one line, and the
traceback in a crash log). Errors are one line each on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn, TextIO

from toaster_tui import __version__
from toaster_tui.config import edit as config_edit
from toaster_tui.config import paths
from toaster_tui.config.atomic import write_atomic
from toaster_tui.config.load import ensure_config
from toaster_tui.core.errors import ConfigError, Crashed, ToasterError
from toaster_tui.core.models import Config, FeedSpec
from toaster_tui.core.sanitize import clean_line, clean_text, json_safe
from toaster_tui.reading.render import article_json, article_line, detail_text, feed_json, feed_line
from toaster_tui.refresh.due import due_feed_ids
from toaster_tui.refresh.notify import run_command, summary_for
from toaster_tui.refresh.outcomes import FeedOutcome
from toaster_tui.refresh.pages import PageReport, fetch_pages
from toaster_tui.refresh.refresher import Refresher
from toaster_tui.store import listing
from toaster_tui.store.database import Store
from toaster_tui.store.detail import article_detail
from toaster_tui.store.filters import FilterSet
from toaster_tui.store.retention import compact, disk_size, expire, keep_days_by_feed
from toaster_tui.store.views import view_filter


class UsageError(ToasterError):
    """Bad usage: exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One clear line instead of argparse's usage block.
        self.exit(2, f"toaster: {message} (see toaster --help)\n")


def _build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    # SUPPRESS lets --config/--db go before or after the subcommand.
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help="config.toml to use (default: $TOASTER_CONFIG or the user config dir)")
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="database to use (default: $TOASTER_DB or the user data dir)")
    parser = _Parser(prog="toaster", parents=[common],
                     description="A calm terminal feed reader. Without a command: the TUI.")
    parser.add_argument("--version", action="version", version=f"toaster-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def cmd(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=text, description=text)

    cmd("demo", "the TUI on bundled sample feeds, offline, nothing written to your files")
    p = cmd("refresh", "fetch the feeds due (each at most every refresh_minutes)")
    p.add_argument("--topic", help="only the feeds of this topic")
    p.add_argument("--all", action="store_true", help="fetch every feed now, due or not")
    p.add_argument("--notify-command", metavar="CMD",
                   help="run CMD with a summary of new articles from notify feeds as its "
                        "last argument (no shell)")
    cmd("vacuum", "delete read articles older than keep_days and shrink the database")
    cmd("sync", "send read/star changes to the feed server in [sync], then get its news")
    p = cmd("add", "subscribe to a feed (a web page's feed is discovered)")
    p.add_argument("url")
    p.add_argument("--topic", default=None, help="topic (default: Personal)")
    p.add_argument("--title", default=None, help="a title that overrides the feed's own")
    p = cmd("remove", "unsubscribe from a feed")
    p.add_argument("url")
    p = cmd("move", "move a feed to another topic")
    p.add_argument("url")
    p.add_argument("topic")
    p = cmd("feeds", "list subscriptions with counts and status")
    p.add_argument("--json", action="store_true")
    p = cmd("articles", "list articles, newest first")
    p.add_argument("--topic")
    p.add_argument("--feed", metavar="URL")
    p.add_argument("--unread", action="store_true")
    p.add_argument("--starred", action="store_true")
    p.add_argument("--search", metavar="Q")
    p.add_argument("--view", metavar="NAME", help="the listing of a [[views]] table")
    p.add_argument("--hidden", action="store_true", help="only the articles filters hid")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    p.add_argument("--json", action="store_true")
    p = cmd("show", "one article as the reader pane shows it")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p = cmd("fulltext", "fetch an article's web page for its full text (cached)")
    p.add_argument("id", type=int)
    p = cmd("import", "subscribe to the feeds of an OPML file")
    p.add_argument("file")
    p = cmd("filters", "apply the [[filters]] of config.toml to the cached articles")
    p.add_argument("what", choices=["apply"], metavar="apply")
    p = cmd("export", "write subscriptions as OPML 2.0 (to stdout without FILE)")
    p.add_argument("file", nargs="?")
    return parser


# --- shared plumbing --------------------------------------------------------

def _err(message: str) -> None:
    print(f"toaster: {clean_line(message)}", file=sys.stderr)


def _out(text: str) -> None:
    """Print to stdout. Everything shown was cleaned when stored; this is the
    last line of defence: no escape or control character reaches a terminal."""
    print(clean_text(text))


def _json_out(value: object) -> None:
    """JSON on stdout, unsafe characters as \\u escapes (the same data)."""
    print(json_safe(json.dumps(value, ensure_ascii=False, indent=2)))


def _load(args: argparse.Namespace) -> Config:
    path = paths.config_path(getattr(args, "config", None))
    config, created = ensure_config(path)
    if created:
        _err(f"created {path} with sample subscriptions; edit it or use 'toaster add'")
    return config


def _open_store(args: argparse.Namespace, config: Config) -> Store:
    store = Store(paths.db_path(getattr(args, "db", None)))
    store.sync_feeds(config.feeds, hidden_default=config.settings.hidden_from_all)
    return store


class _ProgressBar:
    """done/total on stderr when it is a terminal; failures always, one line each."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()

    def __call__(self, done: int, total: int, outcome: FeedOutcome) -> None:
        if self.live:
            self.stream.write("\r\x1b[2K")
        if outcome.failed:
            reason = clean_line(outcome.error) or "failed"
            self.stream.write(f"{clean_line(outcome.url)}: {reason}\n")
        if self.live:
            width = 30
            filled = width * done // max(total, 1)
            self.stream.write(f"[{'#' * filled}{'-' * (width - filled)}] {done}/{total} feeds")
            if done == total:
                self.stream.write("\r\x1b[2K")
        self.stream.flush()


def _refresh(config: Config, store: Store, feeds: Sequence[FeedSpec],
             progress: Callable[[int, int, FeedOutcome], None] | None) -> list[FeedOutcome]:
    ids = store.sync_feeds(config.feeds, hidden_default=config.settings.hidden_from_all)
    wanted = [ids[f.url] for f in feeds if f.url in ids]
    refresher = Refresher(store.path, config.settings, filters=config.filters)
    return asyncio.run(refresher.run(wanted, progress=progress)).outcomes


def _fetch_pages(store: Store, config: Config, ids: dict[str, int],
                 feeds: Sequence[FeedSpec]) -> PageReport | None:
    """After the feeds: the pages of new articles of full_text feeds (None: no such feed)."""
    wanted = [ids[f.url] for f in feeds if f.url in ids and config.full_text(f)]
    if not wanted:
        return None
    report = asyncio.run(fetch_pages(store.path, config.settings, feed_ids=wanted))
    for failure in report.failures:
        _err(f"{failure.url}: full article not fetched: {failure.error}")
    return report


# --- commands -----------------------------------------------------------------

def cmd_refresh(args: argparse.Namespace) -> int:
    config = _load(args)
    feeds = [f for f in config.feeds if args.topic is None or f.topic == args.topic]
    if args.topic is not None and not feeds:
        raise UsageError(f"no feeds in topic {args.topic!r}")
    store = _open_store(args, config)
    try:
        rows = listing.list_feeds(store.db)
        if not args.all:  # refresh_minutes: only the feeds due
            due = set(due_feed_ids(rows, config, time.time(), automatic=False))
            feeds_due = {r.url for r in rows if r.id in due}
            feeds = [f for f in feeds if f.url in feeds_due]
        outcomes = _refresh(config, store, feeds, _ProgressBar(sys.stderr))
        removed = expire(store.db, keep_days_by_feed(config, {r.url: r.id for r in rows}))
        news = summary_for(store.db, outcomes, config) if args.notify_command else None
        failed = sum(o.failed for o in outcomes)
        new = sum(o.new for o in outcomes)
        unchanged = sum(o.kind == "not_modified" for o in outcomes)
        line = f"{len(outcomes)} feeds: {new} new articles, {unchanged} unchanged, {failed} failed"
        waiting = len([f for f in config.feeds if args.topic in (None, f.topic)]) - len(outcomes)
        if waiting > 0:
            line += f", {waiting} not due yet (--all fetches them)"
        if removed:
            line += f"; {removed} old read articles removed (keep_days)"
        # The feeds' line first: the pages never hold up what the feeds brought.
        _out(line)
        sys.stdout.flush()
        pages = _fetch_pages(store, config, {r.url: r.id for r in rows}, feeds)
    finally:
        store.close()
    if pages is not None and pages.outcomes:
        _out(f"{len(pages.outcomes)} full articles: {len(pages.stored)} fetched, "
             f"{len(pages.failures)} failed (the feed's text kept)")
    problem = run_command(args.notify_command, news) if news is not None else None
    if problem is not None:
        _err(problem)
    return 1 if failed or problem else 0


def cmd_vacuum(args: argparse.Namespace) -> int:
    config = _load(args)
    store = _open_store(args, config)
    try:
        before = disk_size(store.path)
        ids = {r.url: r.id for r in listing.list_feeds(store.db)}
        _progress("removing read articles older than keep_days")
        removed = expire(store.db, keep_days_by_feed(config, ids))
        done = compact(store.db, store.path, before, step=_progress)
    finally:
        store.close()
    _out(f"removed {removed:,} read, unstarred articles older than keep_days "
         f"and {done.forgotten_dropped:,} expired tombstones")
    _out(f"database size: {_size(done.size_before)} before, {_size(done.size_after)} after")
    return 0


def _progress(step: str) -> None:
    print(f"{step}…", file=sys.stderr, flush=True)


def _size(n: int) -> str:
    return f"{n / 1e6:,.1f} MB ({n:,} bytes)"


def cmd_fulltext(args: argparse.Namespace) -> int:
    config = _load(args)
    store = _open_store(args, config)
    try:
        before = article_detail(store.db, args.id, with_related=False)
        if before is None:
            _err(f"no article with id {args.id}")
            return 1
        if before.has_page:
            _out(f"article {args.id}: full article already cached "
                 f"({before.row.read_minutes} min read)")
            return 0
        if before.row.url is None:
            _err(f"article {args.id} has no web link to fetch")
            return 1
        report = asyncio.run(fetch_pages(store.path, config.settings, article_ids=[args.id]))
    finally:
        store.close()
    outcome = report.outcomes[0] if report.outcomes else None
    if outcome is None or outcome.error is not None:
        reason = outcome.error if outcome is not None else "the article is gone"
        _err(f"article {args.id}: cannot fetch the full article from "
             f"{before.row.url}: {reason}")
        return 1
    _out(f"article {args.id}: full article fetched from {outcome.url} "
         f"({outcome.read_minutes} min read)")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from toaster_tui.sync.credentials import sync_password
    from toaster_tui.sync.engine import run_sync

    config = _load(args)
    if config.sync is None:
        raise UsageError(f"no [sync] table in {config.path} (the README's Sync section says how)")
    password = sync_password(config.sync)
    _open_store(args, config).close()  # the cache exists, migrated, local feeds in step
    report = run_sync(paths.db_path(getattr(args, "db", None)), config.sync, password,
                      timeout=config.settings.timeout)
    _out(f"synced: {report.feeds} server feeds, {report.new_items} new articles, "
         f"{report.pushed} changes sent, {report.state_changes} read/star updates "
         f"({report.seconds:.1f} s)")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from toaster_tui.feeds.subscribe import resolve_feed

    config = _load(args)
    resolved = asyncio.run(resolve_feed(args.url, config.settings))
    topic = args.topic or "Personal"
    title = clean_line(args.title) or None if args.title else None
    config = config_edit.add_feed(config.path, resolved.url, topic, title)
    store = _open_store(args, config)
    spec = next(f for f in config.feeds if f.url == resolved.url)
    outcomes = _refresh(config, store, [spec], None)
    store.close()
    shown = title or resolved.data.title or resolved.url
    got = sum(o.new for o in outcomes)
    _out(f"added {shown} ({resolved.url}) to {topic}: {got} articles")
    return 1 if any(o.failed for o in outcomes) else 0


def cmd_remove(args: argparse.Namespace) -> int:
    config = _load(args)
    config = config_edit.remove_feed(config.path, args.url.strip())
    _open_store(args, config).close()
    _out(f"removed {args.url.strip()}")
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    topic = clean_line(args.topic)
    if not topic:
        raise UsageError("the topic must not be empty")
    config = _load(args)
    config = config_edit.move_feed(config.path, args.url.strip(), topic)
    _open_store(args, config).close()
    _out(f"moved {args.url.strip()} to {topic}")
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    config = _load(args)
    store = _open_store(args, config)
    rows = listing.list_feeds(store.db)
    store.close()
    if args.json:
        _json_out([feed_json(r) for r in rows])
    else:
        for row in rows:
            _out(feed_line(row))
    return 0


def cmd_articles(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    config = _load(args)
    store = _open_store(args, config)
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
        _json_out([article_json(r) for r in rows])
    else:
        for row in rows:
            _out(article_line(row))
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


def cmd_filters(args: argparse.Namespace) -> int:
    config = _load(args)
    if not config.filters:
        _out(f"no [[filters]] in {config.path}")
        return 0
    store = _open_store(args, config)
    changed = store.apply_filters(FilterSet(config.filters))
    store.close()
    for rule, n in zip(config.filters, changed, strict=True):
        done = {"hide": "hidden", "mark_read": "marked read", "star": "starred"}[rule.action]
        _out(f"filter on line {rule.line} ({rule.action}): {n} article{'' if n == 1 else 's'} "
             f"{done}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    config = _load(args)
    store = _open_store(args, config)
    detail = article_detail(store.db, args.id)
    store.close()
    if detail is None:
        _err(f"no article with id {args.id}")
        return 1
    if args.json:
        _json_out(article_json(detail.row, detail))
    else:
        _out(detail_text(detail))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from toaster_tui.feeds.opml import parse_opml

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from exc
    specs = parse_opml(data, str(path))
    config = _load(args)
    known = {f.url for f in config.feeds}
    fresh = [s for s in specs if s.url not in known]
    if fresh:
        config = config_edit.add_feeds(config.path, fresh)
    _open_store(args, config).close()
    _out(f"imported {len(fresh)} feeds ({len(specs) - len(fresh)} already subscribed)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from toaster_tui.feeds.opml import render_opml

    config = _load(args)
    store = _open_store(args, config)
    titles = {r.url: r.title for r in listing.list_feeds(store.db)}
    store.close()
    text = render_opml(config.feeds, titles)
    if args.file:
        target = Path(args.file).resolve()
        if target in (store.path.resolve(), config.path.resolve()):
            raise UsageError(f"{args.file} is the database or config.toml itself; "
                             "export to another file")
        write_atomic(Path(args.file), text.encode("utf-8"))
        _err(f"exported {len(config.feeds)} feeds to {args.file}")
    else:
        sys.stdout.write(clean_text(text))
    return 0


def cmd_tui(args: argparse.Namespace) -> int:
    from toaster_tui.app.run import run_app

    config_path = paths.config_path(getattr(args, "config", None))
    if not config_path.exists():
        ensure_config(config_path)
        _err(f"created {config_path} with sample subscriptions")
    # An invalid file is not an exit here: the TUI shows path:line:col in a
    # dialog and offers to edit it.
    return run_app(config_path, paths.db_path(getattr(args, "db", None)))


def cmd_demo(args: argparse.Namespace) -> int:
    from toaster_tui.app.run import run_demo

    return run_demo()


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_tui, "demo": cmd_demo, "refresh": cmd_refresh, "add": cmd_add,
    "remove": cmd_remove, "move": cmd_move, "feeds": cmd_feeds, "articles": cmd_articles,
    "show": cmd_show, "fulltext": cmd_fulltext, "import": cmd_import, "export": cmd_export,
    "filters": cmd_filters, "vacuum": cmd_vacuum, "sync": cmd_sync,
}


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a non-UTF-8 terminal gets "?", not a traceback
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    args = _build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        print(clean_line(str(exc)), file=sys.stderr)  # exactly path:line:col: message
        return 2
    except UsageError as exc:
        _err(str(exc))
        return 2
    except ToasterError as exc:
        _err(str(exc))
        return 1
    except sqlite3.Error as exc:  # e.g. a database damaged after it was opened
        where = paths.db_path(getattr(args, "db", None))
        _err(f"{where}: database error: {exc}")
        return 1
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return 0
        _err(f"{exc.filename or 'file'}: {exc.strerror or exc}")
        return 1
    except RecursionError:
        _err("the input is nested too deeply to read")
        return 1
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except Exception as exc:  # a bug, not the user's doing: never a traceback on screen
        return crashed(exc)


EXIT_CRASH = 70  # EX_SOFTWARE


def crashed(exc: BaseException) -> int:
    """Keep the traceback in a crash log and say so in one line; exit code 70.

    Whatever was being written is left as it was: database writes are
    transactions and config.toml is replaced atomically, so nothing half-done remains.
    """
    text = exc.details if isinstance(exc, Crashed) else "".join(traceback.format_exception(exc))
    where = paths.crash_log_dir()
    log = where / f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    try:
        where.mkdir(parents=True, exist_ok=True)
        log.write_text(f"toaster-tui {__version__}, python {sys.version.split()[0]}\n{text}",
                       encoding="utf-8")
        saved = f"; the details are in {log}"
    except OSError as err:
        saved = f" (no crash log: {err.strerror or err})"
    what = clean_line(exc.summary if isinstance(exc, Crashed) else f"{type(exc).__name__}: {exc}")
    what = what[:200]
    _err(f"unexpected error, please report it: {what}{saved}")
    return EXIT_CRASH
