"""Light Markdown to styled terminal lines: what the article body shows.

`render_markdown` is a pure function (it touches no widget), so the body can
run it in a thread worker: it parses with the parser Textual's Markdown
widget used, lays the blocks out at a given width (quotes, lists, code,
tables) the way that widget spaced them, and returns Strips for the line API.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

__all__ = ["BodyStyles", "render_markdown"]

BULLETS = ("• ", "▪ ", "‣ ", "⭑ ", "◦ ")
"""Unordered list markers by how many bullet lists are around (as Textual's Markdown)."""
QUOTE_BAR = "▌"
MIN_NESTED_WIDTH = 12
"""Quotes and lists stop indenting below this many columns: text stays readable."""

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
