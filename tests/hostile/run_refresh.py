"""`toaster refresh` exactly as the CLI runs it, plus a record of when each feed ended.

Usage: python run_refresh.py TIMES.json toaster-arguments...

The refresh is the real one (cli.main); the only addition is a wrapper on
Refresher.run's progress callback that notes, per feed url, the seconds
since this process started. Run as a script (the parse pool's workers import
this module as __mp_main__, hence the guard).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from typing import Any

START = time.monotonic()


def main(argv: Sequence[str]) -> int:
    from toaster_tui import cli
    from toaster_tui.refresh import outcomes, refresher

    times: dict[str, float] = {}
    original = refresher.Refresher.run
    log = open(argv[0] + ".log", "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the run

    async def run(self: refresher.Refresher, feed_ids: Sequence[int], *, due_only: bool = False,
                  progress: Any = None) -> outcomes.RefreshReport:
        def noted(done: int, total: int, outcome: outcomes.FeedOutcome) -> None:
            times[outcome.url] = time.monotonic() - START
            log.write(f"{times[outcome.url]:.2f} {outcome.url}\n")
            log.flush()  # a killed run still says which feeds ended
            if progress is not None:
                progress(done, total, outcome)

        return await original(self, feed_ids, due_only=due_only, progress=noted)

    refresher.Refresher.run = run  # type: ignore[method-assign]
    try:
        return cli.main(list(argv[1:]))
    finally:
        with open(argv[0], "w", encoding="utf-8") as fh:
            json.dump({"times": times, "total": time.monotonic() - START}, fh)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
