"""Desktop notifications through the terminal: OSC 9 and OSC 777.

Terminals that turn an escape sequence into a desktop notification disagree on
which one: iTerm2, WezTerm, Windows Terminal, ghostty and kitty take OSC 9
(`ESC ] 9 ; text BEL`); foot, rxvt-unicode (with its notify extension) and
VTE terminals built with the notification patch take OSC 777
(`ESC ] 777 ; notify ; title ; body BEL`). A terminal that knows neither
ignores both, but some print OSC 9's text or beep, so "auto" sends one only
to a terminal that says who it is (TERM_PROGRAM, TERM, WT_SESSION,
KITTY_WINDOW_ID) and to none inside tmux or screen (they swallow it or need
their own wrapping). `[settings] desktop_notify` picks one by hand.
"""

from __future__ import annotations

from collections.abc import Mapping

from toaster_tui.core.sanitize import clean_line

__all__ = ["desktop_mode", "osc_sequence"]

_OSC9_PROGRAMS = ("iterm.app", "wezterm", "ghostty", "kitty")
_OSC777_TERMS = ("foot", "rxvt-unicode")
MAX_TEXT = 200


def desktop_mode(setting: str, env: Mapping[str, str]) -> str | None:
    """"osc9", "osc777" or None (no desktop notification) for `setting` in `env`."""
    if setting in ("osc9", "osc777"):
        return setting
    if setting != "auto":
        return None
    if env.get("TMUX") or env.get("STY"):
        return None
    program = env.get("TERM_PROGRAM", "").lower()
    term = env.get("TERM", "").lower()
    if (program in _OSC9_PROGRAMS or env.get("WT_SESSION") or env.get("KITTY_WINDOW_ID")
            or term == "xterm-kitty" or term == "xterm-ghostty"):
        return "osc9"
    if any(term.startswith(name) for name in _OSC777_TERMS):
        return "osc777"
    return None


def osc_sequence(mode: str, title: str, body: str) -> str:
    """The escape sequence for `mode`; title and body are made inert first (no
    control characters, and no ';' where it would end a field)."""
    body = clean_line(body)[:MAX_TEXT]
    title = clean_line(title)[:MAX_TEXT]
    if mode == "osc777":
        return f"\x1b]777;notify;{title.replace(';', ',')};{body}\x07"
    return f"\x1b]9;{title}: {body}\x07"
