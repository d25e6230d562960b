"""Enclosures (a podcast's audio, a video) from what a feed says of them.

Both XML paths and JSON Feed hand over raw values; only what passes here is
stored: http(s) URLs (sanitize.safe_url), a plain MIME type, a length and a
duration in sane ranges. A hostile value is dropped, never the entry.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from toaster_tui.core.models import Enclosure
from toaster_tui.core.sanitize import clean_line, safe_url

__all__ = ["MAX_DURATION", "MAX_ENCLOSURES", "MAX_LENGTH", "clean_enclosures",
           "parse_duration"]

MAX_ENCLOSURES = 10
"""Enclosures kept per entry (the first ones)."""
MAX_SCANNED = 100
"""Raw enclosures looked at per entry: a flood of broken ones costs no more."""
MAX_LENGTH = 2**40
"""Bytes (1 TiB): a larger length is not a real file's."""
MAX_DURATION = 48 * 3600
"""Seconds: a longer duration is not a real episode's."""
_MIME_RE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}")
_DURATION_RE = re.compile(r"(?:(\d{1,3}):)?(?:(\d{1,4}):)?(\d{1,6})(?:[.,]\d{1,6})?")


def clean_enclosures(raw: Iterable[tuple[Any, Any, Any, Any]],
                     entry_duration: Any = None) -> tuple[Enclosure, ...]:
    """(url, type, length, duration) items -> checked Enclosures, in order.

    `entry_duration` (RSS itunes:duration, which belongs to the item) goes to
    the first audio or video enclosure that has no duration of its own.
    """
    out: list[Enclosure] = []
    seen: set[str] = set()
    try:
        for count, (url, mime, length, duration) in enumerate(raw):
            if count >= MAX_SCANNED or len(out) == MAX_ENCLOSURES:
                break
            safe = safe_url(url) if isinstance(url, str) else None
            if safe is None or safe in seen:
                continue
            seen.add(safe)
            out.append(Enclosure(url=safe, type=_mime(mime), length=_length(length),
                                 duration_seconds=parse_duration(duration)))
    except (TypeError, ValueError):  # a malformed list keeps what was read
        pass
    seconds = parse_duration(entry_duration)
    if seconds is not None:
        for index, enclosure in enumerate(out):
            if enclosure.kind is not None:
                if enclosure.duration_seconds is None:
                    out[index] = Enclosure(enclosure.url, enclosure.type, enclosure.length,
                                           seconds)
                break
    return tuple(out)


def _mime(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > 200:
        return None
    mime = clean_line(value).split(";", 1)[0].strip().lower()
    return mime if _MIME_RE.fullmatch(mime) else None


def _length(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text.isascii() or not text.isdigit() or len(text) > 15:
            return None
        value = int(text)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 0 < value <= MAX_LENGTH:
        return value
    return None


def parse_duration(value: Any) -> int | None:
    """Seconds from "5400", "5400.5", "90:00", "1:30:00" (itunes:duration) or a
    JSON number; None when absent, zero, malformed or over MAX_DURATION."""
    seconds: float
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and len(value) <= 32:
        match = _DURATION_RE.fullmatch(value.strip())
        if match is None:
            return None
        hours_or_minutes, minutes, secs = match.groups()
        parts = [int(p) for p in (hours_or_minutes, minutes, secs) if p is not None]
        if len(parts) > 1 and parts[-1] >= 60:
            return None  # "1:75" is not a time
        if len(parts) == 3 and parts[1] >= 60:
            return None
        seconds = 0
        for part in parts:
            seconds = seconds * 60 + part
    else:
        return None
    if not math.isfinite(seconds) or seconds < 1 or seconds > MAX_DURATION:
        return None
    return round(seconds)
