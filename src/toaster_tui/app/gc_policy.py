"""Garbage collection that keeps out of the way of key presses.

A running Textual app holds 150,000-300,000 objects that Python's cyclic
garbage collector tracks (every rendered Strip carries seven small caches,
some holding the strip itself, so dead strips are cycles only the collector
frees). A full collection walks all of them: 50-300 ms on a busy 2-core
machine, during which nothing else in the process runs; left to itself,
Python started one every second or two while the screen was busy (a
refresh, keys pressed), so they landed on key presses and made most of the
slow ones (see benchmarks/tui_bench.py: "full garbage collections").

IdleCollector changes three things while the app runs:

- a young generation of YOUNG objects instead of 700: strips live for a
  frame or two, and most now die young, in collections of a millisecond or
  two (the middle generation's take a few), instead of reaching the old
  generation and making full collections long and frequent;
- no full collection on Python's schedule: one runs from the app's timer
  once input has paused for IDLE_AFTER seconds, if there were WORTH_IT
  middle-generation collections since the last; while keys keep coming,
  only after FORCE_AFTER of them (a long busy spell);
- after each, what survived is frozen (gc.freeze), so the next walks only
  what was made since. Frozen objects that die in cycles are freed by a
  deep collection, which unfreezes everything first: after DEEP_IDLE
  seconds without input, at most every DEEP_EVERY seconds (or after
  DEEP_FORCE seconds without one, busy or not).

The settings are the process's: `uninstall` puts them back (the tests run
many apps in one process).
"""

from __future__ import annotations

import gc
import time

__all__ = ["IdleCollector"]

YOUNG = 10_000
"""Allocations (less deallocations) between young collections (Python's default: 700)."""
CHECK_EVERY = 0.25
"""Seconds between looks at whether a collection is due (the app's timer)."""
IDLE_AFTER = 0.5
"""Seconds without input after which a collection may run."""
WORTH_IT = 3
"""Middle-generation collections since the last full one for an idle one to run
(each moves up to ~10,000 objects to the old generation)."""
FORCE_AFTER = 20
"""Middle-generation collections after which one runs even while keys come in."""
DEEP_IDLE = 5.0
"""Seconds without input after which a deep collection may run."""
DEEP_EVERY = 30.0
"""Seconds between deep collections at least (when idle)."""
DEEP_FORCE = 600.0
"""Seconds after which a deep collection runs even while keys come in."""
_NEVER = 1_000_000_000


class IdleCollector:
    """The app calls `note_input` on every input event and `tick` from a timer."""

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None
        self._last_input = time.monotonic()
        self._last_deep = time.monotonic()
        self.collections = 0
        """Collections run by this collector (deep ones included)."""
        self.deep_collections = 0

    @property
    def installed(self) -> bool:
        return self._saved is not None

    def install(self) -> None:
        if self._saved is not None:
            return
        young, middle, old = gc.get_threshold()
        self._saved = (young, middle, old)
        gc.set_threshold(max(young, YOUNG), middle, _NEVER)
        # What exists now (modules, classes, stylesheets) lives as long as the
        # app: never walked. No collection first: that would be the long pause.
        gc.freeze()
        self._last_input = self._last_deep = time.monotonic()

    def uninstall(self) -> None:
        if self._saved is None:
            return
        gc.set_threshold(*self._saved)
        self._saved = None
        gc.unfreeze()  # back to the oldest generation, collected as usual from now on

    def note_input(self) -> None:
        self._last_input = time.monotonic()

    def tick(self) -> None:
        if self._saved is None or not gc.isenabled():
            return
        now = time.monotonic()
        idle = now - self._last_input
        since_deep = now - self._last_deep
        if (idle >= DEEP_IDLE and since_deep >= DEEP_EVERY) or since_deep >= DEEP_FORCE:
            self.collect(deep=True)
            return
        pending = gc.get_count()[2]  # middle-generation collections since the last full one
        if (idle >= IDLE_AFTER and pending >= WORTH_IT) or pending >= FORCE_AFTER:
            self.collect()

    def collect(self, *, deep: bool = False) -> None:
        if deep:
            gc.unfreeze()
            self._last_deep = time.monotonic()
            self.deep_collections += 1
        gc.collect()
        gc.freeze()
        self.collections += 1
