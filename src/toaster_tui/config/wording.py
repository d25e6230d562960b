"""How config errors name keys and values: shown values, unknown-key hints."""

from __future__ import annotations

import difflib
import json

from toaster_tui.core.sanitize import is_terminal_safe

__all__ = ["UNSAFE_WHAT", "show", "unknown", "unsafe_text"]

UNSAFE_WHAT = "line breaks, tabs, control characters or bidi overrides"


def unsafe_text(value: str) -> bool:
    """A topic, title or name that would drive the terminal or break a line."""
    return not is_terminal_safe(value) or "\n" in value or "\t" in value


def unknown(key: str, known: tuple[str, ...], where: str) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f'did you mean "{close[0]}"?' if close else "known keys: " + ", ".join(known)
    return f"unknown key {show(key)} {where} ({hint})"


def show(value: object) -> str:
    """A short, terminal-safe rendering of a TOML value for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = json.dumps(value if len(value) <= 80 else value[:77] + "...", ensure_ascii=False)
        # json leaves bidi overrides and other invisible format characters alone.
        return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in shown)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date/time"
