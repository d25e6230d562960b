"""`main`: parse, run the command, and turn every failure into its exit code and one line."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable, Sequence

from toaster_tui import __version__
from toaster_tui.cli.common import UsageError
from toaster_tui.cli.output import err
from toaster_tui.cli.parser import build_parser
from toaster_tui.config import paths
from toaster_tui.config.load import ensure_config
from toaster_tui.core.errors import ConfigError, Crashed, ToasterError
from toaster_tui.core.sanitize import clean_line


def cmd_tui(args: argparse.Namespace) -> int:
    from toaster_tui.app.run import run_app

    config_path = paths.config_path(getattr(args, "config", None))
    first_run = not config_path.exists()
    if first_run:
        ensure_config(config_path)
        err(f"created {config_path} with sample subscriptions")
    # An invalid file is not an exit here: the TUI shows path:line:col in a
    # dialog and offers to edit it.
    return run_app(config_path, paths.db_path(getattr(args, "db", None)), first_run=first_run)


def cmd_demo(args: argparse.Namespace) -> int:
    from toaster_tui.app.run import run_demo

    return run_demo()


def _lazy(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    """A command whose module is imported when it runs: `toaster refresh` need
    not import what `toaster add` or `fulltext` use (trafilatura, the config
    editor...), which is most of the start-up."""
    def command(args: argparse.Namespace) -> int:
        fn: Callable[[argparse.Namespace], int] = getattr(
            importlib.import_module(f"toaster_tui.cli.{module}"), name)
        return fn(args)

    command.__name__ = name
    return command


_FEEDS, _READING, _REFRESH = "feeds_commands", "reading_commands", "refresh_commands"
COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_tui, "demo": cmd_demo, "refresh": _lazy(_REFRESH, "cmd_refresh"),
    "add": _lazy(_FEEDS, "cmd_add"), "remove": _lazy(_FEEDS, "cmd_remove"),
    "move": _lazy(_FEEDS, "cmd_move"), "feeds": _lazy(_FEEDS, "cmd_feeds"),
    "articles": _lazy(_READING, "cmd_articles"), "show": _lazy(_READING, "cmd_show"),
    "fulltext": _lazy(_READING, "cmd_fulltext"), "import": _lazy(_FEEDS, "cmd_import"),
    "export": _lazy(_FEEDS, "cmd_export"), "filters": _lazy(_REFRESH, "cmd_filters"),
    "vacuum": _lazy(_REFRESH, "cmd_vacuum"), "sync": _lazy(_REFRESH, "cmd_sync"),
}


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a non-UTF-8 terminal gets "?", not a traceback
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        print(clean_line(str(exc)), file=sys.stderr)  # exactly path:line:col: message
        return 2
    except UsageError as exc:
        err(str(exc))
        return 2
    except ToasterError as exc:
        err(str(exc))
        return 1
    except sqlite3.Error as exc:  # e.g. a database damaged after it was opened
        where = paths.db_path(getattr(args, "db", None))
        err(f"{where}: database error: {exc}")
        return 1
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            return 0
        err(f"{exc.filename or 'file'}: {exc.strerror or exc}")
        return 1
    except RecursionError:
        err("the input is nested too deeply to read")
        return 1
    except KeyboardInterrupt:
        err("interrupted")
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
    except OSError as problem:
        saved = f" (no crash log: {problem.strerror or problem})"
    what = clean_line(exc.summary if isinstance(exc, Crashed) else f"{type(exc).__name__}: {exc}")
    what = what[:200]
    err(f"unexpected error, please report it: {what}{saved}")
    return EXIT_CRASH
