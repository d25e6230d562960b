"""The article body: light Markdown rendered to lines, mostly off the event loop.

Textual's Markdown widget mounts a widget per block and parses on the event
loop, 30-60 ms of UI-thread time per article. Here `render_markdown` (a pure
function) parses the Markdown and wraps it into Strips at the body's width,
and the widget only hands those lines to the compositor (the line API).
Rendering costs about 1 ms per 1,000 characters: the first screenful is
rendered at once, so the body shows in the same frame as the title (a thread
hop costs more than that while a refresh holds the GIL), and a longer text is
rendered whole in a thread worker, which swaps its lines in when done. A new
width or theme renders again in the worker (the old lines show meanwhile).
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import ClassVar
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.geometry import Size
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["ArticleBody", "BodyStyles", "render_markdown"]

BULLETS = ("• ", "▪ ", "‣ ", "⭑ ", "◦ ")
"""Unordered list markers by how many bullet lists are around (as Textual's Markdown)."""
QUOTE_BAR = "▌"
MIN_NESTED_WIDTH = 12
"""Quotes and lists stop indenting below this many columns: text stays readable."""
HEAD_CHARS = (1_000, 4_000)
"""Bounds of the characters `ArticleBody.show` renders at once (1-4 ms)."""

_SPACE_RE = re.compile(r"\s+")
_Line = list[Segment]


@dataclass(frozen=True)
class BodyStyles:
    """The body's CSS as Rich styles: the worker thread must not touch the DOM."""

    base: Style
    """Text on the body's background (colours included)."""
    h1: Style
    h2: Style
    h3: Style
    code: Style
    fence: Style
    """A code block: its own background."""
    quote: Style
    """A block quote: its own background."""
    quote_bar: Style
    bullet: Style
    rule: Style
    link: Style


# --- Markdown to blocks ---------------------------------------------------------------

@dataclass
class _Block:
    kind: str
    """p, h, quote, list, item, fence, hr, table, row, cell, or div (anything else)."""
    level: int = 0
    inline: Token | None = None
    children: list[_Block] = field(default_factory=list)
    code: str = ""
    ordered: bool = False
    start: int = 1
    hidden: bool = False
    """A paragraph of a tight list: no gap around it."""
    header: bool = False


_local = threading.local()


def _parser() -> MarkdownIt:
    """The parser Textual's Markdown widget used (bare URLs become links, as before).

    One per thread: building one costs about as much as parsing a short body.
    """
    parser: MarkdownIt | None = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = MarkdownIt("gfm-like")
    return parser


def _open(token: Token) -> _Block:
    kind = token.type[:-5]  # "..._open"
    if kind == "heading":
        return _Block("h", level=int(token.tag[1:]) if token.tag[1:].isdigit() else 3)
    if kind == "paragraph":
        return _Block("p", hidden=token.hidden)
    if kind == "blockquote":
        return _Block("quote")
    if kind in ("bullet_list", "ordered_list"):
        start = token.attrs.get("start", 1)
        return _Block("list", ordered=kind == "ordered_list",
                      start=start if isinstance(start, int) else 1)
    if kind == "list_item":
        return _Block("item")
    if kind == "table":
        return _Block("table")
    if kind == "tr":
        return _Block("row")
    if kind in ("th", "td"):
        return _Block("cell", header=kind == "th")
    return _Block("div")


def parse_blocks(source: str) -> list[_Block]:
    root = _Block("div")
    stack = [root]
    for token in _parser().parse(source):
        kind = token.type
        if kind.endswith("_open"):
            block = _open(token)
            stack[-1].children.append(block)
            stack.append(block)
        elif kind.endswith("_close"):
            if len(stack) > 1:
                stack.pop()
        elif kind == "inline":
            stack[-1].inline = token
        elif kind in ("fence", "code_block"):
            stack[-1].children.append(_Block("fence", code=token.content))
        elif kind == "hr":
            stack[-1].children.append(_Block("hr"))
        elif kind == "html_block":  # never dropped: shown as it is (sanitized upstream)
            stack[-1].children.append(_Block("fence", code=token.content))
    return root.children


def inline_text(token: Token | None, styles: BodyStyles) -> Text:
    """An inline token as Rich Text: emphasis, code, links (clickable)."""
    text = Text(end="")
    if token is None or not token.children:
        return text
    open_spans: list[tuple[Style, int]] = []

    def close() -> None:
        if open_spans:
            style, start = open_spans.pop()
            text.stylize(style, start, len(text))

    for child in token.children:
        kind = child.type
        if kind in ("text", "html_inline"):
            text.append(_SPACE_RE.sub(" ", child.content))
        elif kind == "softbreak":
            text.append(" ")
        elif kind == "hardbreak":
            text.append("\n")
        elif kind == "code_inline":
            text.append(child.content, styles.code)
        elif kind == "em_open":
            open_spans.append((Style(italic=True), len(text)))
        elif kind == "strong_open":
            open_spans.append((Style(bold=True), len(text)))
        elif kind == "s_open":
            open_spans.append((Style(strike=True), len(text)))
        elif kind == "link_open":
            open_spans.append((_link_style(str(child.attrs.get("href", "")), styles),
                               len(text)))
        elif kind == "image":
            alt = child.content or "image"
            text.append(alt, _link_style(str(child.attrs.get("src", "")), styles))
        elif kind.endswith("_close"):
            close()
    while open_spans:
        close()
    return text


def _link_style(href: str, styles: BodyStyles) -> Style:
    # The same action Textual's Markdown used: a click runs `action_link` on the widget.
    return styles.link + Style.from_meta({"@click": f"link({href!r})"})


# --- blocks to lines ------------------------------------------------------------------

class _Renderer:
    """Lays blocks out in lines of exactly `width` cells."""

    def __init__(self, styles: BodyStyles, width: int) -> None:
        self.styles = styles
        self.console = Console(width=max(1, width), file=io.StringIO(), color_system="truecolor",
                               force_terminal=True, legacy_windows=False, markup=False,
                               emoji=False, highlight=False)

    def text(self, text: Text, width: int, base: Style) -> list[_Line]:
        options = self.console.options.update_width(width)
        return self.console.render_lines(text, options, style=base, pad=True)

    def blank(self, width: int, base: Style) -> _Line:
        return [Segment(" " * width, base)]

    def stack(self, blocks: Iterable[_Block], width: int, base: Style,
              depth: int = 0) -> list[_Line]:
        """Blocks one under the other; the gap between two is the larger margin
        (CSS-like collapsing), none before the first or after the last."""
        lines: list[_Line] = []
        gap = 0
        for block in blocks:
            rendered = self.block(block, width, base, depth)
            if not rendered:
                continue
            top, bottom = _margins(block)
            if lines:
                lines.extend(self.blank(width, base) for _ in range(max(gap, top)))
            lines.extend(rendered)
            gap = bottom
        return lines

    def block(self, block: _Block, width: int, base: Style, depth: int) -> list[_Line]:
        styles = self.styles
        kind = block.kind
        if kind == "p":
            return self.text(inline_text(block.inline, styles), width, base)
        if kind == "h":
            text = inline_text(block.inline, styles)
            text.style = (styles.h1, styles.h2)[block.level - 1] if block.level < 3 else styles.h3
            return self.text(text, width, base)
        if kind == "quote":
            return self.quote(block, width, base, depth)
        if kind == "list":
            return self.items(block, width, base, depth)
        if kind == "fence":
            return self.fence(block.code, width)
        if kind == "hr":
            return [[Segment("─" * width, base + styles.rule)]]
        if kind == "table":
            return self.table(block, width, base)
        return self.stack(block.children, width, base, depth)

    def quote(self, block: _Block, width: int, base: Style, depth: int) -> list[_Line]:
        inner = width - 3  # the bar, a space each side
        if inner < MIN_NESTED_WIDTH:
            return self.stack(block.children, width, base, depth)
        quote = base + self.styles.quote
        bar = Segment(QUOTE_BAR, base + self.styles.quote_bar)
        pad = Segment(" ", quote)
        return [[bar, pad, *line, pad]
                for line in self.stack(block.children, inner, quote, depth)]

    def items(self, block: _Block, width: int, base: Style, depth: int) -> list[_Line]:
        items = [item for item in block.children if item.kind == "item"]
        if not items:
            return []
        if block.ordered:
            numbers = range(block.start, block.start + len(items))
            size = max(len(f"{n}. ") for n in numbers)
            markers = [f"{n}. ".rjust(size + 1) for n in numbers]
        else:
            markers = [BULLETS[depth % len(BULLETS)]] * len(items)
        loose = any(child.kind == "p" and not child.hidden
                    for item in items for child in item.children)
        bullet = base + self.styles.bullet
        lines: list[_Line] = []
        for marker, item in zip(markers, items, strict=True):
            indent = cell_len(marker)
            if width - indent < MIN_NESTED_WIDTH:
                indent, marker = 0, ""
            body = self.stack(item.children, width - indent, base,
                              depth if block.ordered else depth + 1)
            if not body:
                body = [self.blank(width - indent, base)]
            if loose and lines:
                lines.append(self.blank(width, base))
            for index, line in enumerate(body):
                prefix = Segment(marker, bullet) if index == 0 else Segment(" " * indent, base)
                lines.append([prefix, *line] if indent else line)
        return lines

    def fence(self, code: str, width: int) -> list[_Line]:
        fence = self.styles.base + self.styles.fence
        inner = width - 4 if width >= MIN_NESTED_WIDTH else width
        side = Segment(" " * ((width - inner) // 2), fence)
        text = Text(code.rstrip("\n").expandtabs(4), end="", overflow="fold")
        body = [[side, *line, side] for line in self.text(text, inner, fence)]
        return [self.blank(width, fence), *body, self.blank(width, fence)]

    def table(self, block: _Block, width: int, base: Style) -> list[_Line]:
        # Rare in feeds: each row on its own, cells apart, the header in bold.
        lines: list[_Line] = []
        for row in _walk(block, "row"):
            text = Text(end="")
            for index, cell in enumerate(c for c in row.children if c.kind == "cell"):
                if index:
                    text.append(" │ ", self.styles.rule)
                part = inline_text(cell.inline, self.styles)
                if cell.header:
                    part.stylize(Style(bold=True))
                text.append_text(part)
            lines.extend(self.text(text, width, base))
        return lines


def _walk(block: _Block, kind: str) -> Iterable[_Block]:
    for child in block.children:
        if child.kind == kind:
            yield child
        else:
            yield from _walk(child, kind)


def _margins(block: _Block) -> tuple[int, int]:
    """Blank lines (above, below) a block, as Textual's Markdown spaced them."""
    kind = block.kind
    if kind == "p":
        return (0, 0) if block.hidden else (0, 1)
    if kind == "h":
        return (2, 1) if block.level < 3 else (1, 1)
    if kind in ("quote", "fence", "hr"):
        return (1, 1)
    return (0, 1)


def render_markdown(source: str, width: int, styles: BodyStyles) -> list[Strip]:
    """Markdown as lines of `width` cells; thread-safe (touches no widget).

    Every segment carries its offset, so text selection works as in Textual's
    own widgets.
    """
    width = max(1, width)
    renderer = _Renderer(styles, width)
    try:
        lines = renderer.stack(parse_blocks(source), width, styles.base)
    except Exception:  # text from the web: whatever trips the parser, it still reads
        lines = renderer.text(Text(source, end=""), width, styles.base)
    return [Strip(line).apply_offsets(0, y) for y, line in enumerate(lines)]


# --- the widget -----------------------------------------------------------------------

class ArticleBody(Widget):
    """Shows `render_markdown`'s lines; `show` starts a render in a thread worker."""

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

        def __init__(self, serial: int, width: int, lines: list[Strip]) -> None:
            super().__init__()
            self.serial = serial
            self.width = width
            self.lines = lines

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._source: str | None = None
        self._lines: list[Strip] = []
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
        self._set_lines(render_markdown(head, width, styles), width)
        if len(head) < len(source):
            self._request(width)
        elif on_complete is not None:
            on_complete()

    def clear(self) -> None:
        """Forget the current text; a render still running is dropped."""
        self._serial += 1
        self._source = None
        self._on_complete = None
        self._set_lines([], 0)

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
        self.post_message(self.Rendered(serial, width, render_markdown(source, width, styles)))

    @on(Rendered)
    def _rendered(self, message: Rendered) -> None:
        message.stop()
        if message.serial != self._serial:
            return
        self._set_lines(message.lines, message.width)
        if self._on_complete is not None:
            self._on_complete()

    def _set_lines(self, lines: list[Strip], width: int) -> None:
        changed = len(lines) != len(self._lines)
        self._lines = lines
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
