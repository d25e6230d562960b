"""How one article looks in the list: two lines, painted to strips.

Line 1: an unread dot, the title (bold when unread, dimmed when read) and a
star when starred; line 2: "Feed · 4d ago · 2 min read".
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from toaster_tui.core.models import ArticleRow
from toaster_tui.reading.render import time_to_read
from toaster_tui.reading.timefmt import relative_age

__all__ = ["RowStyles", "message_lines", "message_strip", "render_row"]


@dataclass(frozen=True)
class RowStyles:
    """Rich styles from the list's component classes (foregrounds only, but
    `base`, `cursor` and `hover`, which carry the row background)."""

    base: Style
    cursor: Style
    hover: Style
    title: Style
    title_read: Style
    meta: Style
    meta_read: Style
    dot: Style
    star: Style


def render_row(row: ArticleRow, *, cursor: bool, hover: bool, width: int, styles: RowStyles,
               now: datetime, console: Console) -> tuple[Strip, Strip]:
    back = styles.base
    if cursor:
        back += styles.cursor
    elif hover:
        back += styles.hover
    title_style = styles.title_read if row.read else styles.title
    meta_style = styles.meta_read if row.read else styles.meta
    if cursor:
        # The cursor's own foreground keeps text readable on its background.
        fore = Style(color=back.color)
        title_style, meta_style = title_style + fore, meta_style + fore
    star = " ★" if row.starred else ""
    title = Text(style=back)
    title.append(" ")
    title.append("●" if not row.read else " ", style=styles.dot)
    title.append(" ")
    title.append(row.title or "(untitled)", style=title_style)
    title.truncate(width - len(star), overflow="ellipsis", pad=True)
    if star:
        title.append(star, style=styles.star)
    age = relative_age(row.published or row.when, now)
    meta = Text(style=back)
    meta.append(f"   {row.feed_title} · {age} · {time_to_read(row)}", meta_style)
    meta.truncate(width, overflow="ellipsis", pad=True)
    return _strip(title, width, back, console), _strip(meta, width, back, console)


def message_lines(message: str, width: int) -> list[str]:
    """An empty list's message (e.g. "No unread articles in X. Press u to show all."),
    wrapped at words to the list's width, each line centred: never cut short."""
    room = max(width - 2, 1)  # a column of air on each side
    return [line.center(width) for line in textwrap.wrap(message, room)] or [""]


def message_strip(line: str, width: int, style: Style, console: Console) -> Strip:
    """One line of message_lines, painted."""
    text = Text(line, style)
    text.truncate(width, overflow="ellipsis", pad=True)
    return Strip(list(text.render(console)), width).simplify()


def _strip(text: Text, width: int, back: Style, console: Console) -> Strip:
    segments = [s for s in text.render(console) if s.text != "\n"]
    strip = Strip(segments).extend_cell_length(width, back)
    return strip.crop(0, width) if strip.cell_length > width else strip
