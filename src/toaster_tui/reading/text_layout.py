"""The output side of the HTML walk: lines of light Markdown or plain text.

`TextLayout` holds what the walk has produced so far: finished lines, the
paragraph being built (the inline buffer), the containers (blockquotes, list
items) whose prefixes start each line, the blank lines between blocks, and the
link and code spans still open. html_convert's walker decides what each
element means and drives this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toaster_tui.reading.markdown_escape import code_span, escape_line_start

__all__ = ["CELL_BREAK", "LINE_BREAK", "Span", "TextLayout"]

# Sentinels inside the inline buffer; clean_text removes them from input text.
LINE_BREAK = "\x01"  # hard line break
CELL_BREAK = "\x02"  # table cell boundary
_MAX_CONTAINERS = 12  # deeper quotes/lists stop indenting (bounded output)
_WS_RE = re.compile(r"\s+")


@dataclass(slots=True)
class _Container:
    """A blockquote ("> ") or list item ("- ", "3. "): a prefix on each line."""

    marker: str
    first: bool = True


@dataclass(slots=True)
class Span:
    """An inline span wrapped when it closes: a link or a code span."""

    kind: str
    start: int
    url: str = ""


class TextLayout:
    """Lines, prefixes and spans of one conversion; `md` selects Markdown or text."""

    def __init__(self, md: bool) -> None:
        self.md = md
        self.lines: list[str] = []
        self.inline: list[str] = []
        self.need_blank = self.fresh = False  # fresh: a container just opened
        self.containers: list[_Container] = []
        self.wraps: list[Span] = []
        self.pre_buf: list[str] = []
        self.heading = self.pre = 0

    def _prefix(self, blank: bool = False) -> str:
        """Container prefixes; a list item shows its marker on its first line only."""
        parts: list[str] = []
        for c in self.containers:
            show = c.marker == "> " or (c.first and not blank)
            c.first = c.first and not show
            parts.append(c.marker if show else " " * len(c.marker))
        p = "".join(parts)
        return p.rstrip() if blank else p

    def emit(self, line: str) -> None:
        if self.need_blank and self.lines and not self.fresh:
            self.lines.append(self._prefix(blank=True))
        self.need_blank = self.fresh = False
        self.lines.append(self._prefix() + line)

    def close_wrap(self, w: Span) -> None:
        frag = "".join(self.inline[w.start:]).replace(LINE_BREAK, " ").replace(CELL_BREAK, " ")
        del self.inline[w.start:]
        core = _WS_RE.sub(" ", frag).strip()
        lead = " " if frag[:1].isspace() else ""
        trail = " " if frag[-1:].isspace() else ""
        if core:
            core = f"[{core}]({w.url})" if w.kind == "link" else code_span(core)
        self.inline.append(lead + core + trail)

    def flush(self) -> None:
        """End the current paragraph (or heading) and emit its lines."""
        for w in reversed(self.wraps):
            self.close_wrap(w)
        for w in self.wraps:  # a span cut by a block goes on in the next one
            w.start = 0
        raw = "".join(self.inline)
        self.inline.clear()
        if not raw.strip():
            return
        lines = []
        for seg in raw.split(LINE_BREAK):
            cells = (_WS_RE.sub(" ", c).strip() for c in seg.split(CELL_BREAK))
            line = " | ".join(c for c in cells if c)
            if line:
                lines.append(line)
        if not lines:
            return
        if self.md and self.heading:  # a trailing "#" would read as a closing sequence
            text = " ".join(lines)
            text = text[:-1] + "\\#" if text.endswith("#") else text
            self.emit("#" * self.heading + " " + text)
        elif self.md:
            for i, line in enumerate(lines):
                self.emit(escape_line_start(line) + ("  " if i < len(lines) - 1 else ""))
        else:
            for line in lines:
                self.emit(line)
        self.need_blank = True

    def block(self) -> None:
        self.flush()
        self.need_blank = True

    def line_break(self) -> None:
        if self.pre:
            self.pre_buf.append("\n")
        elif self.heading or any(w.kind == "link" for w in self.wraps):
            self.inline.append(" ")
        else:
            self.inline.append(LINE_BREAK)

    def open_container(self, marker: str) -> bool:
        """Prefix the lines that follow with `marker`; False in plain text or too deep."""
        if not self.md or len(self.containers) >= _MAX_CONTAINERS:
            return False
        if self.need_blank and self.lines and not self.fresh:  # the gap goes outside
            self.lines.append(self._prefix(blank=True))
        self.need_blank = False
        self.fresh = True  # no blank line before the container's first block
        self.containers.append(_Container(marker))
        return True

    def end_pre(self) -> None:
        text = "".join(self.pre_buf)
        self.pre_buf.clear()
        text = text[1:] if text.startswith("\n") else text  # as browsers do
        if not text.strip():
            return
        lines = text.rstrip().split("\n")
        if self.md:  # a fence longer than any backtick run inside
            fence = "`" * (max((len(r) for r in re.findall(r"`{3,}", text)), default=2) + 1)
            lines = [fence, *lines, fence]
        for line in lines:
            self.emit(line.rstrip())
        self.need_blank = True
