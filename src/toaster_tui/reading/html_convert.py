"""HTML to light Markdown or plain text: a streaming walk over html.parser.

Everything here is pure and never raises on bad input. HTML is walked with
`html.parser` and an explicit stack (no recursion), so 10,000 nested levels
are fine; every output passes through `sanitize` so nothing unsafe escapes.
The walk decides what each element means; text_layout builds the lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

from toaster_tui.core.sanitize import clean_line, clean_text, safe_url
from toaster_tui.reading.defang import defang_html
from toaster_tui.reading.html_cut import cut_notice, split_cut
from toaster_tui.reading.html_elements import (
    BLOCK_ELEMENTS,
    BLOCK_TAG_RE,
    CODE_ELEMENTS,
    DROPPED_ELEMENTS,
    HEAD_ELEMENTS,
    HEADING_LEVELS,
    LIST_ELEMENTS,
    PARAGRAPH_BREAK_RE,
    VOID_ELEMENTS,
)
from toaster_tui.reading.markdown_escape import code_span, escape_inline
from toaster_tui.reading.quote_marks import (
    BLOCKQUOTE_CLOSE,
    BLOCKQUOTE_OPEN,
    HIDE_CODE_QUOTES,
    NOT_QUOTING_ELEMENTS,
    Q_CLOSE,
    Q_OPEN,
    REMOVE_MARKS,
)
from toaster_tui.reading.text_layout import CELL_BREAK, LINE_BREAK, Span, TextLayout

__all__ = ["html_to_markdown", "html_to_marked_text", "html_to_text"]

# Characters that would end or escape a Markdown link destination.
_URL_ESC = str.maketrans({"\\": "%5C", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"})
_WS_RE = re.compile(r"\s+")
_TEX = frozenset({"application/x-tex", "text/x-tex", "application/x-latex"})
_HIDDEN_OPEN, _HIDDEN_CLOSE = "“".translate(HIDE_CODE_QUOTES), "”".translate(HIDE_CODE_QUOTES)


@dataclass(slots=True)
class _Open:
    """One element on the explicit stack, with what closing it must undo."""

    tag: str
    action: str


@dataclass(slots=True)
class _Math:
    """An open <math>: its rendered text and its TeX annotation, kept apart so
    that only one of them is shown."""

    display: bool
    alt: str
    text: list[str]
    tex: list[str]
    ann: str = ""  # inside an annotation: "tex" or "other"


class _Converter(HTMLParser, TextLayout):
    """Streaming HTML walker; `md` selects light Markdown or plain text."""

    def __init__(self, md: bool, base_url: str | None, mark_quotes: bool, paras: bool) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)
        TextLayout.__init__(self, md)
        self.base = clean_line(base_url) or None
        self.mark = mark_quotes
        self.paras = paras  # blank lines in text nodes separate paragraphs
        self.stack: list[_Open] = []
        self.counts: dict[str, int] = {}
        self.lists: list[list[int]] = []  # [ordered flag, items so far]
        self.drop = self.li_depth = self.bq_depth = self.q_depth = 0
        self.bq_marked = False
        self.row_first = True
        self.math: _Math | None = None
        self.cut_kib: int | None = None  # set for a body feeds.parse cut short

    def _resolve(self, href: str | None) -> str | None:
        href = clean_line(href)
        if not href:
            return None
        if self.base:
            try:
                href = urljoin(self.base, href)
            except ValueError:
                return None
        url = safe_url(href)
        return url.translate(_URL_ESC) if url else None

    # --- parser callbacks -----------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in HEAD_ELEMENTS and self.stack and self.stack[-1].tag == "head":  # <body>, <p>
            self.handle_endtag("head")
        if self.drop:
            if tag not in VOID_ELEMENTS:
                self._push(tag, "")
            return
        if tag in DROPPED_ELEMENTS:
            if tag not in VOID_ELEMENTS:
                self.drop += 1
                self._push(tag, "drop")
            return
        if self.math is not None or tag == "math":
            self._math_tag(tag, attrs)
            return
        if tag == "br":
            self.line_break()
            return
        if self.pre:
            if tag not in VOID_ELEMENTS:
                self._push(tag, "")
            return
        a = dict(attrs)
        if tag == "img":
            self._img(a)
        elif tag == "hr":
            self.block()
            if self.md:
                self.emit("---")
                self.need_blank = True
        elif tag in VOID_ELEMENTS:
            pass
        elif tag == "a":
            url = self._resolve(a.get("href")) if self.md and not self.wraps else None
            if url:
                self.wraps.append(Span("link", len(self.inline), url))
            self._push(tag, "wrap" if url else "")
        elif tag in CODE_ELEMENTS:
            code = self.md and not any(w.kind == "code" for w in self.wraps)
            if code:
                self.wraps.append(Span("code", len(self.inline)))
            self._push(tag, "wrap" if code else "")
        elif tag == "q":
            self.q_depth += 1
            self.inline.append(self._q_mark(Q_OPEN, "“", _HIDDEN_OPEN))
            self._push(tag, "q")
        elif tag in HEADING_LEVELS:
            self.block()
            self.heading = HEADING_LEVELS[tag]
            self._push(tag, "heading")
        elif tag == "pre":
            self.block()
            self.pre += 1
            self._push(tag, "pre")
        elif tag == "blockquote":
            self.block()
            self.bq_depth += 1
            if self.mark and self.bq_depth == 1 and not self._not_quoting():
                self.lines.append(BLOCKQUOTE_OPEN)
                self.need_blank = False
                self.bq_marked = True
            self._push(tag, self._container("> "))
        elif tag in LIST_ELEMENTS:
            self.flush()
            self.need_blank = not self.li_depth
            self.lists.append([tag == "ol", 0])
            self._push(tag, "list")
        elif tag == "li":
            self._li()
        elif tag == "tr":
            if "".join(self.inline).strip():
                self.inline.append(LINE_BREAK)
            self.row_first = True
            self._push(tag, "row")
        elif tag in ("td", "th"):
            if not self.row_first:
                self.inline.append(CELL_BREAK)
            self.row_first = False
            self._push(tag, "")
        elif tag in BLOCK_ELEMENTS:
            if tag == "p" and self.stack and self.stack[-1].tag == "p":
                self.handle_endtag("p")
            self.block()
            self._push(tag, "block")
        else:  # inline formatting and unknown elements: text only
            self._push(tag, "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.counts.get(tag):
            if tag == "br" and not self.drop:
                self.line_break()
            return
        while self.stack:
            e = self.stack.pop()
            self.counts[e.tag] -= 1
            self._close(e)
            if e.tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.drop:
            return
        data = clean_text(data)
        if self.mark:
            data = data.translate(REMOVE_MARKS)
            if self.pre or self.math is not None or self._not_quoting():
                # A string literal in code, a caption or a list item is not
                # something the article quotes.
                data = data.translate(HIDE_CODE_QUOTES)
        if self.math is not None:
            m = self.math
            if not m.ann:
                m.text.append(data)
            elif m.ann == "tex":
                m.tex.append(data)
            return
        if self.pre:
            self.pre_buf.append(data)
            return
        parts = PARAGRAPH_BREAK_RE.split(data) if self.paras else [data]
        for i, part in enumerate(parts):
            if i:
                self.block()
            text = _WS_RE.sub(" ", part)
            if self.md and not any(w.kind == "code" for w in self.wraps):
                text = escape_inline(text)
            self.inline.append(text)

    # --- helpers ----------------------------------------------------------------

    def _push(self, tag: str, action: str) -> None:
        self.stack.append(_Open(tag, action))
        self.counts[tag] = self.counts.get(tag, 0) + 1

    def _not_quoting(self) -> bool:
        counts = self.counts
        return any(counts.get(t) for t in NOT_QUOTING_ELEMENTS)

    def _q_mark(self, mark: str, plain: str, hidden: str) -> str:
        """What a <q> boundary adds: the mark key_quotes looks for, a hidden
        quotation mark where quotes do not count, or a plain one."""
        if not self.mark:
            return plain
        if self._not_quoting():
            return hidden
        return mark if self.q_depth == (1 if mark == Q_OPEN else 0) else plain

    def _math_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A tag in or of <math>: only annotations matter inside it."""
        if tag in VOID_ELEMENTS:
            return
        if self.math is None:
            a = dict(attrs)
            self.math = _Math((a.get("display") or "").lower() == "block",
                              clean_line(a.get("alttext")), [], [])
            self._push(tag, "math")
        elif tag in ("annotation", "annotation-xml"):
            encoding = (dict(attrs).get("encoding") or "").strip().lower()
            self.math.ann = "tex" if tag == "annotation" and encoding in _TEX else "other"
            self._push(tag, "annotation")
        else:
            self._push(tag, "")

    def _math_end(self, m: _Math) -> None:
        """Show one reading of a formula: its TeX, else its text, else alttext."""
        tex = clean_text("".join(m.tex)).strip()
        text = _WS_RE.sub(" ", tex or "".join(m.text)).strip() or m.alt
        if not text:
            return
        code = any(w.kind == "code" for w in self.wraps)
        if self.pre:
            self.pre_buf.append(text)
        elif m.display:
            self.block()
            if tex:  # a code block keeps the TeX's own lines
                self.pre_buf.append("\n".join(line.rstrip() for line in tex.split("\n")))
                self.end_pre()
            else:
                self.inline.append(escape_inline(text) if self.md else text)
                self.block()
        elif self.md and tex and not code:
            self.inline.append(code_span(text))
        else:
            self.inline.append(escape_inline(text) if self.md and not code else text)

    def _container(self, marker: str) -> str:
        return "container" if self.open_container(marker) else "block"

    def _li(self) -> None:
        # An open <li> of the same list ends here (look only near the top).
        for e in reversed(self.stack[-50:]):
            if e.tag in LIST_ELEMENTS:
                break
            if e.tag == "li":
                self.handle_endtag("li")
                break
        self.flush()
        if not self.lists:
            self.lists.append([False, 0])
            self._push("ul", "list")
        lst = self.lists[-1]
        if lst[1]:
            self.need_blank = False  # tight list
        lst[1] += 1
        self.li_depth += 1
        self._push("li", self._container(f"{lst[1]}. " if lst[0] else "- ") + "+li")

    def _img(self, a: dict[str, str | None]) -> None:
        if not self.md or a.get("width") in ("0", "1") or a.get("height") in ("0", "1"):
            return  # plain text skips images; 1x1 images are tracking pixels
        alt = clean_line(a.get("alt"))
        label = escape_inline(f"image: {alt}" if alt else "image")
        url = self._resolve(a.get("src"))
        if self.wraps:  # inside a link or code span: the label alone
            self.inline.append(f" {label} ")
        elif url:
            self.inline.append(f" [{label}]({url}) ")
        else:
            self.inline.append(f" \\[{label}\\] ")

    def _close(self, e: _Open) -> None:
        action = e.action
        if not action:
            return
        if action == "drop":
            self.drop -= 1
        elif action == "math":
            if self.math is not None:
                m, self.math = self.math, None
                self._math_end(m)
        elif action == "annotation":
            if self.math is not None:
                self.math.ann = ""
        elif action == "wrap":
            self.close_wrap(self.wraps.pop())
        elif action == "q":
            self.q_depth -= 1
            self.inline.append(self._q_mark(Q_CLOSE, "”", _HIDDEN_CLOSE))
        elif action == "heading":
            self.flush()
            self.heading = 0
            self.need_blank = True
        elif action == "pre":
            self.pre -= 1
            if not self.pre:
                self.end_pre()
        elif action == "list":
            self.block()
            self.lists.pop()
        elif action == "row":
            self.inline.append(LINE_BREAK)
        elif action.endswith("+li"):
            self.flush()
            self.li_depth -= 1
        elif action == "container":
            self.block()
        if action.startswith("container"):
            self.containers.pop()
            self.fresh = False
        if action == "block" or e.tag == "blockquote":
            self.block()
        if e.tag == "blockquote":
            self.bq_depth -= 1
            if self.bq_marked and self.bq_depth == 0:
                self.lines.append(BLOCKQUOTE_CLOSE)
                self.bq_marked = False

    def finish(self) -> str:
        while self.stack:
            self.handle_endtag(self.stack[-1].tag)
        self.flush()
        if self.cut_kib is not None and self.md:
            # After every open element is closed: the notice stands on its own.
            self.block()
            self.emit("---")
            self.block()
            self.inline.append(escape_inline(cut_notice(self.cut_kib)))
            self.flush()
        return clean_text("\n".join(self.lines)).strip("\n")


def _convert(html: str, md: bool, base_url: str | None = None, mark: bool = False) -> str:
    if not html or not isinstance(html, str):
        return ""
    html, cut_kib = split_cut(html)
    try:
        conv = _Converter(md, base_url, mark, BLOCK_TAG_RE.search(html) is None)
        conv.cut_kib = cut_kib
        try:
            conv.feed(defang_html(html))
            conv.close()
        except Exception:  # malformed beyond what html.parser copes with
            pass
        return conv.finish()
    except Exception:  # last resort: never let a feed crash the reader
        return clean_text(re.sub(r"<[^>]*>", " ", html)).strip()


def html_to_markdown(html: str, base_url: str | None = None) -> str:
    """HTML (or plain text) to light Markdown that Textual renders literally."""
    return _convert(html, True, base_url)


def html_to_text(html: str) -> str:
    """Plain text without markup; blank lines between paragraphs."""
    return _convert(html, False)


def html_to_marked_text(html: str) -> str:
    """html_to_text with quote_marks around blockquote and <q> text, and
    quotation marks inside code hidden (for quotes.key_quotes)."""
    return _convert(html, False, mark=True)
