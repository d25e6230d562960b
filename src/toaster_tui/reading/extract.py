"""Article extraction: HTML to readable text, summaries, quotes, snippets.

Everything here is pure and never raises on bad input. HTML is walked with
`html.parser` and an explicit stack (no recursion), so 10,000 nested levels
are fine; every output passes through `sanitize` so nothing unsafe escapes.
"""

from __future__ import annotations

import html.parser as _html_parser
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

from toaster_tui.core.sanitize import clean_line, clean_text, safe_url

__all__ = [
    "clean_categories", "defang_html", "html_to_markdown", "html_to_text", "key_quotes",
    "make_snippet", "normalize_language", "plain_title", "read_minutes", "split_sentences",
    "summarize",
]

# Elements whose content is never shown.
_DROP = frozenset({
    "script", "style", "iframe", "object", "embed", "noscript", "svg", "form", "template",
    "head", "title", "applet", "frameset", "noembed", "select", "textarea", "button",
})
_VOID = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "keygen", "basefont", "frame",
})
_BLOCKS = frozenset({
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "figure",
    "figcaption", "address", "details", "summary", "dl", "dt", "dd", "center", "fieldset",
    "legend", "caption", "table", "thead", "tbody", "tfoot", "html", "body", "hgroup",
    "dialog", "search", "listing", "xmp", "plaintext",
})
_IN_HEAD = frozenset({"meta", "link", "title", "style", "script", "base", "noscript", "template"})
_LISTS = frozenset({"ul", "ol", "menu", "dir"})
_CODE = frozenset({"code", "kbd", "samp", "tt"})
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 3, "h5": 3, "h6": 3}
_BLOCK_TAG_RE = re.compile(
    r"<(?:p|div|br|li|h[1-6]|blockquote|pre|table|tr|ul|ol|section|article|hr)\b", re.I
)

# Sentinels inside the inline buffer; clean_text removes them from input text.
_BR = "\x01"      # hard line break
_CELL = "\x02"    # table cell boundary
# Private-use marks around <blockquote> / <q> text, only for key_quotes.
_BQ_OPEN, _BQ_CLOSE, _Q_OPEN, _Q_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
_MARKS = {ord(c): None for c in (_BQ_OPEN, _BQ_CLOSE, _Q_OPEN, _Q_CLOSE)}
# Quotation marks inside code, hidden from _QUOTE_RE as private-use stand-ins
# and put back in what key_quotes returns.
_QUOTE_CHARS = '"“”«»„'
_CODE_QUOTES = {ord(c): chr(0xE010 + i) for i, c in enumerate(_QUOTE_CHARS)}
_CODE_QUOTES_BACK = {0xE010 + i: c for i, c in enumerate(_QUOTE_CHARS)}

# Characters that would end or escape a Markdown link destination.
_URL_ESC = str.maketrans({"\\": "%5C", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E"})
_MAX_CONTAINERS = 12  # deeper quotes/lists stop indenting (bounded output)
_WS_RE = re.compile(r"\s+")
_PARA_RE = re.compile(r"\n[ \t\r\f\v]*\n")
# Markdown that a text node could accidentally form; see _escape_inline.
_INLINE_ESC_RE = re.compile(r"[\\`*\[\]<|]|~(?=~)|(?<=~)~|&(?=#?\w+;)|(?<![^\W_])_|_(?![^\W_])")
_LINE_START_RE = re.compile(r"^(?:([#>+=-])|(\d{1,9})([.)]))")


def _escape_inline(s: str) -> str:
    return _INLINE_ESC_RE.sub(lambda m: "\\" + m.group(0), s)


def _escape_line_start(s: str) -> str:
    m = _LINE_START_RE.match(s)
    if m is None:
        return s
    if m.group(1):
        return "\\" + s
    return f"{m.group(2)}\\{s[m.end(2):]}"


def _code_span(s: str) -> str:
    run = max((len(r) for r in re.findall(r"`+", s)), default=0)
    fence = "`" * (run + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


# --- a linear-time guard in front of html.parser -----------------------------------
#
# html.parser (before CPython 3.13.4 / 3.12.11 / 3.11.13) rescans to the end of
# the input for every construct it cannot close there: 100 KB of "<a<a<a..."
# or "<!--<!--..." cost seconds, 512 KB minutes. defang_html walks the markup
# as html.parser's tokenizer does and turns each "<" that opens such an
# unclosable construct into "&lt;", which html.parser would have shown as text
# anyway. Every search below is amortised (an answer is reused until the scan
# passes it), and a work budget caps the start-tag scans, so the whole pass is
# linear and html.parser then only ever sees constructs it can close.

_LOCATE_TAG = getattr(_html_parser, "locatestarttagend_tolerant", None) or re.compile(
    r"""<[a-zA-Z][^\t\n\r\f />\x00]*(?:[\s/]*(?:(?<=['"\s/])[^\s/>][^\s/=>]*(?:\s*=+\s*"""
    r"""(?:'[^']*'|"[^"]*"|(?!['"])[^>\s]*)\s*)?(?:\s|/(?!>))*)*)?\s*"""
)
_TAG_NAME_RE = re.compile(r"[a-zA-Z][^\t\n\r\f />\x00]*")
_LONE_LT_RE = re.compile(r"<(?![a-zA-Z/!?])")
_COMMENT_CLOSE_RE = re.compile(r"--\s*>")
_SECTION_CLOSE_RE = re.compile(r"]\s*]\s*>")
_MSO_CLOSE_RE = re.compile(r"]\s*>")
_DECL_NAME_RE = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*\s*")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_INCOMPLETE_NEXT = _ASCII_LETTERS | {"=", "/", ""}
_SECTIONS = frozenset({"temp", "cdata", "ignore", "include", "rcdata"})
_MSO_SECTIONS = frozenset({"if", "else", "endif"})
_CDATA_END = {"script": re.compile(r"</\s*script\s*>", re.I),
              "style": re.compile(r"</\s*style\s*>", re.I)}


class _Finder:
    """The next match of a pattern at or after a position, answers reused."""

    __slots__ = ("_at", "_found", "_pattern", "_s")

    def __init__(self, s: str, pattern: re.Pattern[str]) -> None:
        self._s = s
        self._pattern = pattern
        self._at = len(s) + 1  # where the cached search started (none yet)
        self._found: re.Match[str] | None = None

    def end(self, pos: int) -> int:
        """End of the first match starting at or after `pos`, or -1."""
        found = self._found
        if not (self._at <= pos and (found is None or found.start() >= pos)):
            found = self._found = self._pattern.search(self._s, pos)
            self._at = pos
        return -1 if found is None else found.end()


_TAGFIND = getattr(_html_parser, "tagfind_tolerant", None)
_ATTRFIND = getattr(_html_parser, "attrfind_tolerant", None)


def _opens_raw_text(s: str, start: int, endpos: int) -> bool:
    """Whether html.parser enters raw-text mode for this <script>/<style> tag
    (not for "<script/>"): its own attribute scan, bounded by the tag."""
    if _TAGFIND is None or _ATTRFIND is None:
        return not s[start:endpos - 1].rstrip().endswith("/")
    k = _TAGFIND.match(s, start + 1).end()
    while k < endpos:
        m = _ATTRFIND.match(s, k)
        if not m or m.end() <= k:
            break
        k = m.end()
    return s[k:endpos].strip() != "/>"


def defang_html(s: str) -> str:
    """`s` with every "<" that html.parser could not close made text ("&lt;").

    Linear in len(s) whatever the input; well-formed markup is returned as is.
    """
    if "<" not in s:
        return s
    # A "<" that cannot open anything is text to html.parser, one callback per
    # character: escaped here at C speed, runs of them become one text node.
    s = _LONE_LT_RE.sub("&lt;", s)
    n = len(s)
    gt = _Finder(s, re.compile(">"))
    comment = _Finder(s, _COMMENT_CLOSE_RE)
    section = _Finder(s, _SECTION_CLOSE_RE)
    mso = _Finder(s, _MSO_CLOSE_RE)
    budget = 16 * n + 4096
    out: list[str] = []
    copied = pos = 0
    while True:
        j = s.find("<", pos)
        if j < 0 or j + 1 >= n:
            break
        nxt = s[j + 1]
        end = j + 1  # html.parser shows a lone "<" as text and moves on
        if nxt in _ASCII_LETTERS:
            end = -1
            if budget > 0:
                k = _LOCATE_TAG.match(s, j).end()  # type: ignore[union-attr]
                budget -= k - j
                after = s[k:k + 1]
                if after == ">" or s.startswith("/>", k):
                    end = k + (1 if after == ">" else 2)
                    name = _TAG_NAME_RE.match(s, j + 1).group().lower()  # type: ignore[union-attr]
                    if name in _CDATA_END and _opens_raw_text(s, j, end):
                        close = _CDATA_END[name].search(s, end)  # raw text up to its end tag
                        end = n if close is None else close.start()
                elif after not in _INCOMPLETE_NEXT:
                    end = max(k, j + 1)  # shown as text by html.parser, then resumed
        elif nxt == "/":
            end = gt.end(j + 1)
        elif s.startswith("<!--", j):
            end = comment.end(j + 4)
        elif nxt == "?":
            end = gt.end(j + 2)
        elif s.startswith("<![", j):
            name_m = _DECL_NAME_RE.match(s, j + 3)
            end = -1
            if name_m is not None and name_m.end() < n:
                keyword = name_m.group().strip().lower()
                if keyword in _SECTIONS:
                    end = section.end(j + 3)
                elif keyword in _MSO_SECTIONS:
                    end = mso.end(j + 3)
        elif nxt == "!":
            end = gt.end(j + (9 if s[j:j + 9].lower() == "<!doctype" else 2))
        if end < 0:
            out.append(s[copied:j])
            out.append("&lt;")
            copied = pos = j + 1
        else:
            pos = max(end, j + 1)
    if not out:
        return s
    out.append(s[copied:])
    return "".join(out)


@dataclass(slots=True)
class _Open:
    """One element on the explicit stack, with what closing it must undo."""

    tag: str
    action: str


@dataclass(slots=True)
class _Container:
    """A blockquote ("> ") or list item ("- ", "3. "): a prefix on each line."""

    marker: str
    first: bool = True


@dataclass(slots=True)
class _Wrap:
    """An inline span wrapped when it closes: a link or a code span."""

    kind: str
    start: int
    url: str = ""


class _Converter(HTMLParser):
    """Streaming HTML walker; `md` selects light Markdown or plain text."""

    def __init__(self, md: bool, base_url: str | None, mark_quotes: bool, paras: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.md = md
        self.base = clean_line(base_url) or None
        self.mark = mark_quotes
        self.paras = paras  # blank lines in text nodes separate paragraphs
        self.lines: list[str] = []
        self.inline: list[str] = []
        self.need_blank = self.fresh = False  # fresh: a container just opened
        self.stack: list[_Open] = []
        self.counts: dict[str, int] = {}
        self.containers: list[_Container] = []
        self.lists: list[list[int]] = []  # [ordered flag, items so far]
        self.wraps: list[_Wrap] = []
        self.pre_buf: list[str] = []
        self.heading = self.drop = self.pre = self.li_depth = self.bq_depth = self.q_depth = 0
        self.row_first = True

    # --- output ---------------------------------------------------------------

    def _prefix(self, blank: bool = False) -> str:
        """Container prefixes; a list item shows its marker on its first line only."""
        parts: list[str] = []
        for c in self.containers:
            show = c.marker == "> " or (c.first and not blank)
            c.first = c.first and not show
            parts.append(c.marker if show else " " * len(c.marker))
        p = "".join(parts)
        return p.rstrip() if blank else p

    def _emit(self, line: str) -> None:
        if self.need_blank and self.lines and not self.fresh:
            self.lines.append(self._prefix(blank=True))
        self.need_blank = self.fresh = False
        self.lines.append(self._prefix() + line)

    def _close_wrap(self, w: _Wrap) -> None:
        frag = "".join(self.inline[w.start:]).replace(_BR, " ").replace(_CELL, " ")
        del self.inline[w.start:]
        core = _WS_RE.sub(" ", frag).strip()
        lead = " " if frag[:1].isspace() else ""
        trail = " " if frag[-1:].isspace() else ""
        if core:
            core = f"[{core}]({w.url})" if w.kind == "link" else _code_span(core)
        self.inline.append(lead + core + trail)

    def _flush(self) -> None:
        """End the current paragraph (or heading) and emit its lines."""
        for w in reversed(self.wraps):
            self._close_wrap(w)
        for w in self.wraps:  # a span cut by a block goes on in the next one
            w.start = 0
        raw = "".join(self.inline)
        self.inline.clear()
        if not raw.strip():
            return
        lines = []
        for seg in raw.split(_BR):
            cells = (_WS_RE.sub(" ", c).strip() for c in seg.split(_CELL))
            line = " | ".join(c for c in cells if c)
            if line:
                lines.append(line)
        if not lines:
            return
        if self.md and self.heading:  # a trailing "#" would read as a closing sequence
            text = " ".join(lines)
            text = text[:-1] + "\\#" if text.endswith("#") else text
            self._emit("#" * self.heading + " " + text)
        elif self.md:
            for i, line in enumerate(lines):
                self._emit(_escape_line_start(line) + ("  " if i < len(lines) - 1 else ""))
        else:
            for line in lines:
                self._emit(line)
        self.need_blank = True

    def _block(self) -> None:
        self._flush()
        self.need_blank = True

    def _br(self) -> None:
        if self.pre:
            self.pre_buf.append("\n")
        elif self.heading or any(w.kind == "link" for w in self.wraps):
            self.inline.append(" ")
        else:
            self.inline.append(_BR)

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
        if tag not in _IN_HEAD and self.stack and self.stack[-1].tag == "head":  # <body>, <p>
            self.handle_endtag("head")
        if self.drop:
            if tag not in _VOID:
                self._push(tag, "")
            return
        if tag in _DROP:
            if tag not in _VOID:
                self.drop += 1
                self._push(tag, "drop")
            return
        if tag == "br":
            self._br()
            return
        if self.pre:
            if tag not in _VOID:
                self._push(tag, "")
            return
        a = dict(attrs)
        if tag == "img":
            self._img(a)
        elif tag == "hr":
            self._block()
            if self.md:
                self._emit("---")
                self.need_blank = True
        elif tag in _VOID:
            pass
        elif tag == "a":
            url = self._resolve(a.get("href")) if self.md and not self.wraps else None
            if url:
                self.wraps.append(_Wrap("link", len(self.inline), url))
            self._push(tag, "wrap" if url else "")
        elif tag in _CODE:
            code = self.md and not any(w.kind == "code" for w in self.wraps)
            if code:
                self.wraps.append(_Wrap("code", len(self.inline)))
            self._push(tag, "wrap" if code else "")
        elif tag == "q":
            self.q_depth += 1
            self.inline.append(_Q_OPEN if self.mark and self.q_depth == 1 else "“")
            self._push(tag, "q")
        elif tag in _HEADINGS:
            self._block()
            self.heading = _HEADINGS[tag]
            self._push(tag, "heading")
        elif tag == "pre":
            self._block()
            self.pre += 1
            self._push(tag, "pre")
        elif tag == "blockquote":
            self._block()
            self.bq_depth += 1
            if self.mark and self.bq_depth == 1:
                self.lines.append(_BQ_OPEN)
                self.need_blank = False
            self._push(tag, self._container("> "))
        elif tag in _LISTS:
            self._flush()
            self.need_blank = not self.li_depth
            self.lists.append([tag == "ol", 0])
            self._push(tag, "list")
        elif tag == "li":
            self._li()
        elif tag == "tr":
            if "".join(self.inline).strip():
                self.inline.append(_BR)
            self.row_first = True
            self._push(tag, "row")
        elif tag in ("td", "th"):
            if not self.row_first:
                self.inline.append(_CELL)
            self.row_first = False
            self._push(tag, "")
        elif tag in _BLOCKS:
            if tag == "p" and self.stack and self.stack[-1].tag == "p":
                self.handle_endtag("p")
            self._block()
            self._push(tag, "block")
        else:  # inline formatting and unknown elements: text only
            self._push(tag, "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.counts.get(tag):
            if tag == "br" and not self.drop:
                self._br()
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
            data = data.translate(_MARKS)
            if self.pre or any(self.counts.get(t) for t in _CODE):
                # A string literal in code is not something the article quotes.
                data = data.translate(_CODE_QUOTES)
        if self.pre:
            self.pre_buf.append(data)
            return
        parts = _PARA_RE.split(data) if self.paras else [data]
        for i, part in enumerate(parts):
            if i:
                self._block()
            text = _WS_RE.sub(" ", part)
            if self.md and not any(w.kind == "code" for w in self.wraps):
                text = _escape_inline(text)
            self.inline.append(text)

    # --- helpers ----------------------------------------------------------------

    def _push(self, tag: str, action: str) -> None:
        self.stack.append(_Open(tag, action))
        self.counts[tag] = self.counts.get(tag, 0) + 1

    def _container(self, marker: str) -> str:
        if not self.md or len(self.containers) >= _MAX_CONTAINERS:
            return "block"
        if self.need_blank and self.lines and not self.fresh:  # the gap goes outside
            self.lines.append(self._prefix(blank=True))
        self.need_blank = False
        self.fresh = True  # no blank line before the container's first block
        self.containers.append(_Container(marker))
        return "container"

    def _li(self) -> None:
        # An open <li> of the same list ends here (look only near the top).
        for e in reversed(self.stack[-50:]):
            if e.tag in _LISTS:
                break
            if e.tag == "li":
                self.handle_endtag("li")
                break
        self._flush()
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
        label = _escape_inline(f"image: {alt}" if alt else "image")
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
        elif action == "wrap":
            self._close_wrap(self.wraps.pop())
        elif action == "q":
            self.q_depth -= 1
            self.inline.append(_Q_CLOSE if self.mark and self.q_depth == 0 else "”")
        elif action == "heading":
            self._flush()
            self.heading = 0
            self.need_blank = True
        elif action == "pre":
            self.pre -= 1
            if not self.pre:
                self._end_pre()
        elif action == "list":
            self._block()
            self.lists.pop()
        elif action == "row":
            self.inline.append(_BR)
        elif action.endswith("+li"):
            self._flush()
            self.li_depth -= 1
        elif action == "container":
            self._block()
        if action.startswith("container"):
            self.containers.pop()
            self.fresh = False
        if action == "block" or e.tag == "blockquote":
            self._block()
        if e.tag == "blockquote":
            self.bq_depth -= 1
            if self.mark and self.bq_depth == 0:
                self.lines.append(_BQ_CLOSE)

    def _end_pre(self) -> None:
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
            self._emit(line.rstrip())
        self.need_blank = True

    def finish(self) -> str:
        while self.stack:
            self.handle_endtag(self.stack[-1].tag)
        self._flush()
        return clean_text("\n".join(self.lines)).strip("\n")


def _convert(html: str, md: bool, base_url: str | None = None, mark: bool = False) -> str:
    if not html or not isinstance(html, str):
        return ""
    try:
        conv = _Converter(md, base_url, mark, _BLOCK_TAG_RE.search(html) is None)
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


def plain_title(s: str | None) -> str:
    """A title on one line: tags stripped, entities decoded, cleaned."""
    if not s:
        return ""
    if "<" not in s and "&" not in s:
        return clean_line(s)
    return clean_line(_convert(s, False))


def read_minutes(text: str) -> int:
    """Reading time at 230 words a minute, at least 1."""
    return max(1, round(len(text.split()) / 230)) if text else 1


# --- language -------------------------------------------------------------------

_LANG_RE = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*")
# Names and ISO 639-2 codes some feeds use, and retired ISO 639-1 codes.
_LANG_ALIASES = {
    "english": "en", "german": "de", "deutsch": "de", "french": "fr", "français": "fr",
    "spanish": "es", "español": "es", "italian": "it", "portuguese": "pt", "dutch": "nl",
    "japanese": "ja", "chinese": "zh", "russian": "ru", "eng": "en", "deu": "de", "ger": "de",
    "fra": "fr", "fre": "fr", "spa": "es", "ita": "it", "por": "pt", "nld": "nl", "dut": "nl",
    "jpn": "ja", "zho": "zh", "chi": "zh", "rus": "ru", "iw": "he", "in": "id", "ji": "yi",
}
_NOT_A_LANGUAGE = frozenset({"und", "mul", "zxx", "mis"})


def normalize_language(*candidates: str | None) -> str:
    """First usable language tag as a lower-case primary subtag, else "unknown"."""
    for cand in candidates:
        s = clean_line(cand).lower()
        s = re.split(r"[,;\s]", s, maxsplit=1)[0] if s else ""
        s = _LANG_ALIASES.get(s, s)
        m = _LANG_RE.fullmatch(s)
        if m and m.group(1) not in _NOT_A_LANGUAGE:
            return _LANG_ALIASES.get(m.group(1), m.group(1))
    return "unknown"


# --- sentences, summary, quotes ------------------------------------------------

# Possessive, and only from the start of a run: linear on "!!!!..." too.
_BOUNDARY_RE = re.compile(r"(?<![.!?…])([.!?…]++)([\"'”’»)\]]*+)\s+")
_OPENERS = "\"'“‘«„([¿¡"
_INITIALS_RE = re.compile(r"(?:\w\.)*\w", re.UNICODE)
_ABBREV_WORDS = (
    "mr mrs ms dr prof sr jr st vs cf fig figs no nos inc ltd co corp dept est gen gov lt col "
    "capt sgt rev hon mt ft vol eds ed approx al jan feb mar apr jun jul aug sep sept oct nov "
    "dec mon tue wed thu fri sat sun"
)
_ABBREV = frozenset(_ABBREV_WORDS.split())


def split_sentences(text: str) -> list[str]:
    """Split on . ! ? before a capital, digit or quote; newlines always split."""
    out: list[str] = []
    for para in clean_text(text).split("\n"):
        para = _WS_RE.sub(" ", para).strip()
        start = 0
        for m in _BOUNDARY_RE.finditer(para):
            nxt = para[m.end():m.end() + 1]
            if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
                continue
            if m.group(1) == "." and not m.group(2):
                # rfind, not a slice: many skipped abbreviations must stay linear.
                space = para.rfind(" ", start, m.start())
                word = para[max(space + 1, start):m.start()].lstrip(_OPENERS).lower()
                if word in _ABBREV or (len(word) <= 6 and _INITIALS_RE.fullmatch(word)
                                       and (len(word) == 1 or "." in word)):
                    continue
            sentence = para[start:m.end()].strip()
            if sentence:
                out.append(sentence)
            start = m.end()
        tail = para[start:].strip()
        if tail:
            out.append(tail)
    return out


def _truncate(s: str, limit: int) -> str:
    if len(s) <= limit:
        return s
    cut = s[:max(limit - 1, 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" .,;:-–—") + "…"


def _norm(s: str) -> str:
    return "".join(ch for ch in s.casefold() if ch.isalnum())


_TRAILERS_RE = re.compile(
    r"(?:\[?(?:…|\.\.\.)\]?|read more|continue reading|the post .*? appeared first on .*?)\W*$",
    re.I,
)


def _is_distinct(summary: str, body: str) -> bool:
    """The feed's summary says something the body's opening does not."""
    # Only the first 200 characters count: the trailer regex never sees more
    # than a bounded head (it is quadratic on "... ... ..." otherwise).
    s = _norm(_TRAILERS_RE.sub("", summary[:2000]))[:200]
    if not s:
        return False
    b = _norm(body)
    return not b or (s not in b and not s.startswith(b))


def _pick(sentences: list[str], n: int) -> list[str]:
    # Prefer real sentences: 4+ words, ending like one (headings do not).
    long_ = [s for s in sentences if len(s.split()) >= 4]
    full = [s for s in long_ if s.rstrip("\"'”’»)]").endswith((".", "!", "?", "…"))]
    return [_truncate(clean_line(s), 400) for s in (full or long_ or sentences)[:n]]


def summarize(text: str, feed_summary: str = "", max_sentences: int = 3) -> list[str]:
    """Extractive: the feed's summary when distinct, else the lead sentences."""
    try:
        text, feed_summary = clean_text(text), clean_text(feed_summary)
        n = max(max_sentences, 0)
        body = split_sentences(text)
        if _is_distinct(feed_summary, text):
            own = split_sentences(feed_summary)
            if any(len(s.split()) >= 4 for s in own) or not body:
                return _pick(own, n)
        return _pick(body, n)
    except Exception:
        return []


# A quote's body never holds its own opening mark, so each attempt stops at the
# next one: linear even on a line of ten thousand unmatched "“".
_QUOTE_RE = re.compile(
    f"{_BQ_OPEN}([^{_BQ_OPEN}{_BQ_CLOSE}]*){_BQ_CLOSE}|{_Q_OPEN}([^{_Q_OPEN}{_Q_CLOSE}]*){_Q_CLOSE}"
    '|"([^"\\n]+)"|“([^“”\\n]+)”|«([^«»\\n]+)»|„([^„“”\\n]+)[“”]'
)
_MIN_WORDS = (1, 3, 6, 6, 6, 6)  # per _QUOTE_RE group: blockquote, q, marks...
_OPEN_MARKS, _CLOSE_MARKS = "\"“„«‘'", "\"”“»’'"


def key_quotes(html: str, limit: int = 4) -> list[str]:
    """Up to `limit` quotes in document order: blockquotes, <q>, quoted phrases."""
    try:
        text = _convert(html, False, mark=True)
        out: list[str] = []
        keys: list[str] = []
        for m in _QUOTE_RE.finditer(text):
            if len(out) >= limit:
                break
            group = next(i for i, g in enumerate(m.groups()) if g is not None)
            q = clean_line(m.group(group + 1).translate(_MARKS).translate(_CODE_QUOTES_BACK))
            if len(q) > 1 and q[0] in _OPEN_MARKS and q[-1] in _CLOSE_MARKS:
                q = q[1:-1].strip()
            q = q.rstrip(" ,;:")
            if len(q.split()) < _MIN_WORDS[group]:
                continue
            key = _norm(q)
            if not key or any(key in k for k in keys):
                continue
            keys.append(key)
            out.append(_truncate(q, 400))
        return out
    except Exception:
        return []


def make_snippet(html: str, limit: int = 280) -> str:
    """The feed's description as one plain line, cut at a word with "…"."""
    return _truncate(clean_line(html_to_text(html)), max(limit, 1))


def clean_categories(terms: Iterable[str | None]) -> tuple[str, ...]:
    """Cleaned, case-insensitively unique categories: at most 10, 60 chars each."""
    out: list[str] = []
    seen: set[str] = set()
    try:
        for term in terms:
            c = clean_line(term)[:60].rstrip()
            if c and c.casefold() not in seen:
                seen.add(c.casefold())
                out.append(c)
                if len(out) == 10:
                    break
    except Exception:  # a broken iterable keeps what was read
        pass
    return tuple(out)
