"""The `toaster` command: the TUI by default, and a headless CLI for scripts.

Exit codes: 0 success, 1 the work ran but something in it failed, 2 bad
usage or an invalid config, 70 an internal error (a bug: one line, and the
traceback in a crash log). Errors are one line each on stderr.

entry: main and the exit codes; parser: the grammar; feeds_commands,
reading_commands, refresh_commands: the commands; common: the config and the
cache they open; output: what they print.
"""

from __future__ import annotations

from toaster_tui.cli.common import UsageError
from toaster_tui.cli.entry import COMMANDS, EXIT_CRASH, crashed, main

__all__ = ["COMMANDS", "EXIT_CRASH", "UsageError", "crashed", "main"]
