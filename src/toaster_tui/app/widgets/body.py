"""The article body: light Markdown rendered to lines, mostly off the event loop.

Textual's Markdown widget mounts a widget per block and parses on the event
loop, 30-60 ms of UI-thread time per article. Here `render_markdown` (a pure
function, markdown_lines.py) parses the Markdown and wraps it into Strips at
the body's width, and the widget only hands those lines to the compositor
(the line API). Rendering costs about 1 ms per 1,000 characters: the first
screenful is rendered at once, so the body shows in the same frame as the
title (a thread hop costs more than that while a refresh holds the GIL), and
a longer text is rendered whole in a thread worker, which swaps its lines in
when done. A new width or theme renders again in the worker (the old lines
show meanwhile). Links are numbered as they render (`links`): the first
screenful's numbers are the whole text's, and the list of links at the end
comes with the whole text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar
from urllib.parse import unquote

from rich.segment import Segment
from rich.style import Style
from textual import events, on
from textual.geometry import Size
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from toaster_tui.app.widgets.markdown_lines import BodyStyles, RenderedBody, render_body

__all__ = ["ArticleBody"]

HEAD_CHARS = (1_000, 4_000)
"""Bounds of the characters `ArticleBody.show` renders at once (1-4 ms)."""


class ArticleBody(Widget):
    """Shows `render_body`'s lines; `show` starts a render in a thread worker."""

    DEFAULT_CSS = """
    ArticleBody {
        width: 1fr;
        height: auto;
        & > .body--h1 { color: $markdown-h1-color; text-style: $markdown-h1-text-style; }
        & > .body--h2 { color: $markdown-h2-color; text-style: $markdown-h2-text-style; }
        & > .body--h3 { color: $markdown-h3-color; text-style: $markdown-h3-text-style; }
        & > .body--code { background: $warning 10%; color: $text-warning 95%; }
        & > .body--fence { background: black 10%; color: $text; }
        & > .body--quote { background: $boost; }
        & > .body--quote-bar { color: $text-primary 50%; }
        & > .body--bullet { color: $text-primary; }
        & > .body--rule { color: $secondary; }
        &:light {
            & > .body--code { background: $error 5%; color: $text-error 95%; }
            & > .body--fence { background: white 30%; }
            & > .body--quote-bar { color: $text-secondary; }
            & > .body--bullet { color: $text-secondary; }
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "body--h1", "body--h2", "body--h3", "body--code", "body--fence", "body--quote",
        "body--quote-bar", "body--bullet", "body--rule",
    }

    class LinkClicked(Message):
        """A link in the body was clicked."""

        def __init__(self, href: str) -> None:
            super().__init__()
            self.href = href

    class Rendered(Message):
        """From the worker: lines for request `serial`."""

        def __init__(self, serial: int, width: int, body: RenderedBody) -> None:
            super().__init__()
            self.serial = serial
            self.width = width
            self.body = body

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._source: str | None = None
        self._lines: list[Strip] = []
        self._links: tuple[str, ...] = ()
        self._plain: str | None = None
        self._width = 0
        """The width `_lines` were rendered at."""
        self._styles: BodyStyles | None = None
        self._serial = 0
        """Bumped by every request: results of older ones are dropped."""
        self._on_complete: Callable[[], None] | None = None

    @property
    def lines(self) -> list[Strip]:
        return self._lines

    @property
    def links(self) -> tuple[str, ...]:
        """The targets of the body's links by number (link 1 first); while the rest
        of a long body renders, those of its first screenful."""
        return self._links

    @property
    def plain(self) -> str:
        """The body as shown, as plain text (line by line)."""
        if self._plain is None:
            self._plain = "\n".join(line.text.rstrip() for line in self._lines)
        return self._plain

    def show(self, source: str, width: int, screen_cells: int,
             on_complete: Callable[[], None] | None = None) -> None:
        """Show `source` wrapped at `width` columns.

        About `screen_cells` characters (what fills the screen) are rendered at
        once; a longer text is rendered whole in a worker. `on_complete` runs
        once all of it is in place: here for a short text, else when the worker
        is done (and again after a re-render).
        """
        width = max(1, width)
        self._source = source
        self._on_complete = on_complete
        self._serial += 1
        styles = self._current_styles()
        head = _head(source, min(max(screen_cells, HEAD_CHARS[0]), HEAD_CHARS[1]))
        whole = len(head) == len(source)
        self._set_lines(render_body(head, width, styles, link_list=whole), width)
        if not whole:
            self._request(width)
        elif on_complete is not None:
            on_complete()

    def clear(self) -> None:
        """Forget the current text; a render still running is dropped."""
        self._serial += 1
        self._source = None
        self._on_complete = None
        self._set_lines(RenderedBody([], ()), 0)

    def _request(self, width: int) -> None:
        if self._source is None:
            return
        self._serial += 1
        styles = self._current_styles()
        work = partial(self._render_off_loop, self._serial, self._source, width, styles)
        self.run_worker(work, thread=True, exclusive=True, group="article-body",
                        exit_on_error=False)

    def _render_off_loop(self, serial: int, source: str, width: int, styles: BodyStyles) -> None:
        # In a worker thread: no DOM access, the result goes back as a message.
        self.post_message(self.Rendered(serial, width, render_body(source, width, styles)))

    @on(Rendered)
    def _rendered(self, message: Rendered) -> None:
        message.stop()
        if message.serial != self._serial:
            return
        self._set_lines(message.body, message.width)
        if self._on_complete is not None:
            self._on_complete()

    def _set_lines(self, body: RenderedBody, width: int) -> None:
        lines = body.lines
        changed = len(lines) != len(self._lines)
        self._lines = lines
        self._links = body.links
        self._plain = None
        self._width = width
        self.refresh(layout=changed)

    def _current_styles(self) -> BodyStyles:
        # Kept until the CSS changes (`notify_style_update`): worked out anew, they
        # would cost a good part of a short article's render.
        if self._styles is None:
            self._styles = self._body_styles()
        return self._styles

    def _body_styles(self) -> BodyStyles:
        base = self.rich_style

        def part(name: str) -> Style:
            # Only what the component sets: it is laid over whatever is under it.
            styles = self.get_component_styles(name)
            full = self.get_component_rich_style(name)
            return Style.from_color(
                full.color if styles.has_rule("color") else None,
                full.bgcolor if styles.has_rule("background") else None,
            ) + styles.text_style

        return BodyStyles(
            base=base, h1=part("body--h1"), h2=part("body--h2"), h3=part("body--h3"),
            code=part("body--code"), fence=part("body--fence"), quote=part("body--quote"),
            quote_bar=part("body--quote-bar"), bullet=part("body--bullet"),
            rule=part("body--rule"), link=self.link_style)

    # --- layout and painting --------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        if not 0 <= y < len(self._lines):
            return Strip.blank(self.size.width, self.rich_style)
        line = self._lines[y]
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(y)) is not None:
            line = _select(line, *span, self.screen.get_component_rich_style("screen--selection"))
        return line

    def on_resize(self, event: events.Resize) -> None:
        # Wrapped for another width: wrap again (the old lines show meanwhile).
        width = self.content_size.width
        if self._source is not None and width and width != self._width:
            self._request(width)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self._styles is None or not self.is_mounted:
            return
        styles = self._body_styles()
        if styles != self._styles:
            # A new theme: the lines carry the old colours.
            self._styles = styles
            if self._source is not None:
                self._request(self._width or self.content_size.width)

    def action_link(self, href: str) -> None:
        self.post_message(self.LinkClicked(unquote(href)))

    # --- text selection -------------------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract(self.plain), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self.refresh()


def _head(source: str, budget: int) -> str:
    """The start of `source`, at most `budget` characters, cut between paragraphs
    where it can: the rest of the screen then looks as it will once whole."""
    if len(source) <= budget:
        return source
    cut = source.rfind("\n\n", 0, budget)
    return source[:cut] if cut > budget // 2 else source[:budget]


def _select(line: Strip, start: int, end: int, style: Style) -> Strip:
    """`line` with characters start..end (end -1: to the end) in the selection style."""
    segments: list[Segment] = []
    position = 0
    for text, seg_style, control in line:
        size = len(text)
        first = max(start, position) - position
        last = size if end == -1 else min(end, position + size) - position
        if first >= last:
            segments.append(Segment(text, seg_style, control))
        else:
            if first:
                segments.append(Segment(text[:first], seg_style, control))
            segments.append(Segment(text[first:last], (seg_style or Style()) + style, control))
            if last < size:
                segments.append(Segment(text[last:], seg_style, control))
        position += size
    return Strip(segments, line.cell_length)
