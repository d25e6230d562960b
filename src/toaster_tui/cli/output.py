"""What the commands print: one cleaned line at a time, JSON, progress on stderr."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from toaster_tui.core.sanitize import clean_line, clean_text, json_safe
from toaster_tui.refresh.outcomes import FeedOutcome


def err(message: str) -> None:
    print(f"toaster: {clean_line(message)}", file=sys.stderr)


def out(text: str) -> None:
    """Print to stdout. Everything shown was cleaned when stored; this is the
    last line of defence: no escape or control character reaches a terminal."""
    print(clean_text(text))


def json_out(value: object) -> None:
    """JSON on stdout, unsafe characters as \\u escapes (the same data)."""
    print(json_safe(json.dumps(value, ensure_ascii=False, indent=2)))


def step(what: str) -> None:
    """A long step of a command, named on stderr before it starts."""
    print(f"{what}…", file=sys.stderr, flush=True)


class ProgressBar:
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
