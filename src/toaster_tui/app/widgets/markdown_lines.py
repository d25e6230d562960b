"""Light Markdown to styled terminal lines: what the article body shows.

`render_markdown` is a pure function (it touches no widget), so the body can
run it in a thread worker: it parses with the parser Textual's Markdown
widget used, lays the blocks out at a given width (quotes, lists, code,
tables) the way that widget spaced them, and returns Strips for the line API.

Links are numbered as newsboat does: "text[3]" in the body, and a "Links"
list at its end (`render_body`), so a digit key can open link 3. Raw HTML
(markdown-it reads `<div>…` as an html_block) shows as its text, not as code.
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

from toaster_tui.reading.html_convert import html_to_text

__all__ = ["BodyStyles", "RenderedBody", "render_body", "render_markdown"]

BULLETS = ("• ", "▪ ", "‣ ", "⭑ ", "◦ ")
"""Unordered list markers by how many bullet lists are around (as Textual's Markdown)."""
QUOTE_BAR = "▌"
MIN_NESTED_WIDTH = 12
"""Quotes and lists stop indenting below this many columns: text stays readable."""

LINKS_TITLE = "Links"
_SPACE_RE = re.compile(r"\s+")
_BREAK_TAG_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
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
    """p, h, quote, list, item, fence, html, hr, table, row, cell, or div (anything else)."""
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


def parse_blocks(source: str) -> tuple[list[_Block], dict[str, int]]:
    """The blocks, and each link target's number (the first link is 1; a target
    linked twice keeps its first number)."""
    root = _Block("div")
    stack = [root]
    numbers: dict[str, int] = {}
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
            for child in token.children or ():
                href = _target(child)
                if href is not None and href not in numbers:
                    numbers[href] = len(numbers) + 1
        elif kind in ("fence", "code_block"):
            stack[-1].children.append(_Block("fence", code=token.content))
        elif kind == "hr":
            stack[-1].children.append(_Block("hr"))
        elif kind == "html_block":  # markup, not code: its text shows (as a paragraph)
            stack[-1].children.append(_Block("html", code=token.content))
    return root.children, numbers


def _target(token: Token) -> str | None:
    """Where a link or an image token points (None for any other token)."""
    if token.type == "link_open":
        return str(token.attrs.get("href", ""))
    if token.type == "image":
        return str(token.attrs.get("src", ""))
    return None


def inline_text(token: Token | None, styles: BodyStyles,
                numbers: dict[str, int] | None = None) -> Text:
    """An inline token as Rich Text: emphasis, code, links (clickable, each
    followed by its number in `numbers`, if any)."""
    text = Text(end="")
    if token is None or not token.children:
        return text
    open_spans: list[tuple[Style, int]] = []
    links: list[str] = []  # the targets of the links open here

    def number(href: str) -> None:
        if numbers and href in numbers:
            # Clickable too, but not underlined: it reads as a label, not as text.
            text.append(f"[{numbers[href]}]", Style(dim=True) + _click(href))

    def close() -> None:
        if open_spans:
            style, start = open_spans.pop()
            text.stylize(style, start, len(text))

    for child in token.children:
        kind = child.type
        if kind == "text":
            text.append(_SPACE_RE.sub(" ", child.content))
        elif kind == "html_inline":  # a tag: only <br> means something in the text
            if _BREAK_TAG_RE.fullmatch(child.content.strip()):
                text.append("\n")
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
            href = str(child.attrs.get("href", ""))
            links.append(href)
            open_spans.append((_link_style(href, styles), len(text)))
        elif kind == "image":
            src = str(child.attrs.get("src", ""))
            text.append(child.content or "image", _link_style(src, styles))
            number(src)
        elif kind == "link_close":
            close()
            if links:
                number(links.pop())
        elif kind.endswith("_close"):
            close()
    while open_spans:
        close()
    return text


def _link_style(href: str, styles: BodyStyles) -> Style:
    return styles.link + _click(href)


def _click(href: str) -> Style:
    # The same action Textual's Markdown used: a click runs `action_link` on the widget.
    return Style.from_meta({"@click": f"link({href!r})"})


# --- blocks to lines ------------------------------------------------------------------

class _Renderer:
    """Lays blocks out in lines of exactly `width` cells."""

    def __init__(self, styles: BodyStyles, width: int,
                 numbers: dict[str, int] | None = None) -> None:
        self.styles = styles
        self.numbers = numbers or {}
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
            return self.text(inline_text(block.inline, styles, self.numbers), width, base)
        if kind == "h":
            text = inline_text(block.inline, styles, self.numbers)
            text.style = (styles.h1, styles.h2)[block.level - 1] if block.level < 3 else styles.h3
            return self.text(text, width, base)
        if kind == "quote":
            return self.quote(block, width, base, depth)
        if kind == "list":
            return self.items(block, width, base, depth)
        if kind == "fence":
            return self.fence(block.code, width)
        if kind == "html":
            plain = html_to_text(block.code)  # "" for a comment: no line at all
            return self.text(Text(plain, end=""), width, base) if plain else []
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
                part = inline_text(cell.inline, self.styles, self.numbers)
                if cell.header:
                    part.stylize(Style(bold=True))
                text.append_text(part)
            lines.extend(self.text(text, width, base))
        return lines


    def link_list(self, width: int) -> list[_Line]:
        """ "Links", then "N: target" for each link, a long target folded under itself."""
        base = self.styles.base
        lines = self.text(Text(LINKS_TITLE, self.styles.h3, end=""), width, base)
        size = len(f"{len(self.numbers)}: ")
        for href, n in self.numbers.items():
            marker = f"{n}: ".rjust(size)
            indent = size if width - size >= MIN_NESTED_WIDTH else 0
            target = Text(href, _link_style(href, self.styles), end="", overflow="fold")
            if not indent:
                target = Text(marker, end="") + target
            for index, line in enumerate(self.text(target, width - indent, base)):
                prefix = marker if index == 0 else " " * indent
                lines.append([Segment(prefix, base), *line] if indent else line)
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
    if kind == "html":
        return (0, 1)
    if kind == "h":
        return (2, 1) if block.level < 3 else (1, 1)
    if kind in ("quote", "fence", "hr"):
        return (1, 1)
    return (0, 1)


@dataclass(frozen=True)
class RenderedBody:
    lines: list[Strip]
    links: tuple[str, ...]
    """Every link's target by its number: link 1 first."""


def render_body(source: str, width: int, styles: BodyStyles, *,
                link_list: bool = True) -> RenderedBody:
    """Markdown as lines of `width` cells, links numbered; thread-safe (touches
    no widget). With `link_list`, the lines end with the list of links (not for
    the start of a longer text: the list goes at the end of it all).

    Every segment carries its offset, so text selection works as in Textual's
    own widgets.
    """
    width = max(1, width)
    renderer = _Renderer(styles, width)
    numbers: dict[str, int] = {}
    try:
        blocks, numbers = parse_blocks(source)
        renderer.numbers = numbers
        lines = renderer.stack(blocks, width, styles.base)
        if link_list and numbers:
            lines.append(renderer.blank(width, styles.base))
            lines.extend(renderer.link_list(width))
    except Exception:  # text from the web: whatever trips the parser, it still reads
        numbers = {}
        lines = renderer.text(Text(source, end=""), width, styles.base)
    return RenderedBody([Strip(line).apply_offsets(0, y) for y, line in enumerate(lines)],
                        tuple(numbers))


def render_markdown(source: str, width: int, styles: BodyStyles) -> list[Strip]:
    """`render_body`'s lines: the body as the reader shows it."""
    return render_body(source, width, styles).lines
