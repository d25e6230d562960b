"""The command line's grammar: argparse, with one-line usage errors."""

from __future__ import annotations

import argparse
from typing import NoReturn

from toaster_tui import __version__


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One clear line instead of argparse's usage block.
        self.exit(2, f"toaster: {message} (see toaster --help)\n")


def build_parser() -> argparse.ArgumentParser:
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
    cmd("sync", "send subscription and read/star changes to the feed server in [sync], "
                "then get its news")
    p = cmd("add", "subscribe to a feed (a web page's feed is discovered); with [sync], on "
                   "the feed server unless --local")
    p.add_argument("url")
    p.add_argument("--topic", default=None, help="topic (default: Personal)")
    p.add_argument("--title", default=None, help="a title that overrides the feed's own")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--server", dest="where", action="store_const", const="server",
                       help="on the feed server of [sync], sent by the next 'toaster sync' "
                            "(the default when config.toml has a [sync] table)")
    where.add_argument("--local", dest="where", action="store_const", const="local",
                       help="in config.toml, fetched by this machine (the default without "
                            "[sync])")
    p = cmd("remove", "unsubscribe from a feed (a feed of the sync server: there too, at the "
                      "next sync)")
    p.add_argument("url")
    p = cmd("move", "move a feed to another topic (a feed of the sync server: to that folder "
                    "there, at the next sync)")
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
    p = cmd("filters", "apply the [[filters]] of config.toml to the cached articles, or "
                       "unhide what they no longer hide")
    p.add_argument("what", choices=["apply", "unhide"], metavar="{apply,unhide}")
    p = cmd("export", "write subscriptions as OPML 2.0 (to stdout without FILE)")
    p.add_argument("file", nargs="?")
    return parser
