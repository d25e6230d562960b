"""Plain text of an HTML body for search, read time and snippets: `html_text`.

A regex pass that yields the same lines as reading.html_convert.html_to_text
on the common tags and defers to it for anything else (tables, scripts,
comments, stray `<`). tests/feeds/test_fastparse.py checks the two agree.
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable

from toaster_tui.core.sanitize import clean_text
from toaster_tui.feeds.fastparse.markup import TAG_RE
from toaster_tui.reading.html_convert import html_to_text
from toaster_tui.reading.html_cut import split_cut
from toaster_tui.reading.html_elements import BLOCK_TAG_RE, PARAGRAPH_BREAK_RE, VOID_ELEMENTS

__all__ = ["html_text", "html_text_words"]

_BLOCK, _LIST, _LI, _BR, _PRE, _Q, _HEAD, _HR, _SLOW = range(9)
_TEXT_KIND: dict[str, int] = {
    **dict.fromkeys(("p", "div", "section", "article", "header", "footer", "main", "aside",
                     "nav", "figure", "figcaption", "address", "details", "summary", "dl",
                     "dt", "dd", "center", "fieldset", "legend", "hgroup", "dialog",
                     "search", "blockquote"), _BLOCK),
    **dict.fromkeys(("ul", "ol", "menu", "dir"), _LIST),
    "li": _LI, "br": _BR, "pre": _PRE, "q": _Q, "hr": _HR,
    **dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), _HEAD),
    # Dropped with their content, table cells, head parts, odd parser modes:
    # html_convert.html_to_text handles these.
    **dict.fromkeys(("script", "style", "iframe", "object", "embed", "noscript", "svg",
                     "form", "template", "head", "title", "applet", "frameset", "noembed",
                     "select", "textarea", "button", "table", "thead", "tbody", "tfoot",
                     "tr", "td", "th", "caption", "html", "body", "listing", "xmp",
                     "plaintext", "math", "meta", "link", "base"), _SLOW),
}
# Markers in private-use code points, which clean_text keeps; input that holds
# any of them goes to the slow path, so they always mean what the walk put there.
_PARA, _LINE, _GLUE = "\ue0f1", "\ue0f2", "\ue0f3"


def html_text(html: str) -> str:
    """Plain text of an HTML body: the lines html_convert.html_to_text gives.

    Blank lines between paragraphs may differ; the non-empty lines, and so
    every word, snippet and sentence, are the same.
    """
    return html_text_words(html)[0]


def html_text_words(html: str, *, cleaned: bool = False) -> tuple[str, int]:
    """html_text, and how many words it has (`len(text.split())`), counted
    while the walk splits them anyway. `cleaned`: `html` has been through
    sanitize.clean_text already (feeds.parse stores bodies so)."""
    if not html or not isinstance(html, str):
        return "", 0
    html = split_cut(html)[0]  # the cut notice is for the reader, not the text
    try:
        out = _fast_text(html if cleaned else clean_text(html))
    except Exception:  # never let the fast path fail where the slow one would not
        out = None
    if out is None:
        text = html_to_text(html)
        return text, len(text.split())
    return out


def _fast_text(src: str) -> tuple[str, int] | None:
    """html_convert's plain-text walk over regex-split tags, or None.

    `src` has been through clean_text: the walk only removes text or adds
    markers, quotes and line breaks, so what it joins stays clean, and only
    decoded references need cleaning again (_finish)."""
    if _PARA in src or _LINE in src or _GLUE in src:
        return None  # text that happens to hold our markers: the slow path keeps it
    if "<" not in src:
        return _finish([(False, src)], paras=True)
    # [text, "/" or "", name, attributes, "/" or "", text, ...]: five per tag.
    parts = TAG_RE.split(src)
    if len(parts) // 5 != src.count("<"):
        return None
    w = _Walk()
    kinds = _TEXT_KIND
    void = VOID_ELEMENTS
    out = w.out
    stack = w.stack
    counts = w.counts
    out.append(parts[0])
    for i in range(1, len(parts), 5):
        name = parts[i + 1].lower()
        kind = kinds.get(name)
        if kind is None and not parts[i + 3]:
            # The common case, inline markup: inline by hand, as _Walk would.
            if parts[i]:
                if stack and stack[-1][0] == name and stack[-1][1] is None:
                    stack.pop()
                    counts[name] -= 1
                    out.append(_GLUE)
                elif counts.get(name):
                    w.close(name)
                    out = w.out
                else:
                    out.append(_GLUE)
            else:
                out.append(_GLUE)
                if name not in void:
                    stack.append((name, None))
                    counts[name] = counts.get(name, 0) + 1
            out.append(parts[i + 4])
            continue
        if kind == _SLOW:
            return None
        if parts[i]:  # an end tag
            if kind == _BR:
                out.append("\n" if w.pre else " " if w.heading else _LINE)
            elif counts.get(name):
                w.close(name)
            else:
                out.append(_GLUE)  # nothing to close: ignored
        else:
            w.open(name, kind, name in void)
            if parts[i + 3] and name not in void:
                w.close(name)
        out = w.out
        out.append(parts[i + 4])
    while w.stack:
        w.close(w.stack[-1][0])
    w.segments.append((bool(w.pre), "".join(w.out)))
    return _finish(w.segments, BLOCK_TAG_RE.search(src) is None)


class _Walk:
    """The open-element stack and output of one html_text walk."""

    __slots__ = ("counts", "heading", "lists", "out", "pre", "segments", "stack")

    def __init__(self) -> None:
        self.stack: list[tuple[str, int | None]] = []
        self.counts: dict[str, int] = {}
        self.out: list[str] = []
        self.segments: list[tuple[bool, str]] = []
        self.pre = self.heading = self.lists = 0

    def push(self, name: str, action: int | None) -> None:
        self.stack.append((name, action))
        self.counts[name] = self.counts.get(name, 0) + 1

    def open(self, name: str, kind: int | None, void: bool) -> None:
        out = self.out
        if kind == _BR:
            out.append("\n" if self.pre else " " if self.heading else _LINE)
            return
        if self.pre:  # inside <pre> every other tag is inert
            out.append(_GLUE)
            if not void:
                self.push(name, None)
            return
        if kind is None or kind == _HR:
            out.append(_GLUE if kind is None else _PARA)
            if not void:
                self.push(name, None)
            return
        if kind == _Q:
            out.append("\u201c")
        elif kind == _PRE:
            out.append(_PARA)
            self.segments.append((False, "".join(out)))
            out.clear()
            self.pre = 1
        elif kind == _LI:
            for tag, _action in reversed(self.stack[-50:]):
                if _TEXT_KIND.get(tag) == _LIST:
                    break
                if tag == "li":
                    self.close("li")
                    break
            out.append(_LINE)
            if not self.lists:
                self.lists += 1
                self.push("ul", _LIST)
        else:
            if name == "p" and self.stack and self.stack[-1][0] == "p":
                self.close("p")
            if kind == _HEAD:
                self.heading = 1
            elif kind == _LIST:
                self.lists += 1
            out.append(_PARA)
        self.push(name, kind)

    def close(self, name: str) -> None:
        """Pop up to and including the innermost open `name`, as html.parser does."""
        out = self.out
        while self.stack:
            tag, action = self.stack.pop()
            self.counts[tag] -= 1
            if action is None:
                out.append(_GLUE)
            elif action == _Q:
                out.append("\u201d")
            elif action == _PRE:
                self.pre = 0
                self.segments.append((True, "".join(out)))
                out.clear()
            else:
                if action == _HEAD:
                    self.heading = 0
                elif action == _LIST:
                    self.lists -= 1
                out.append(_LINE if action == _LI else _PARA)
            if tag == name:
                return


def _marks(seg: str) -> tuple[int, int, int]:
    return seg.count(_PARA), seg.count(_LINE), seg.count(_GLUE)


def _finish(segments: Iterable[tuple[bool, str]], paras: bool) -> tuple[str, int] | None:
    blocks: list[str] = []
    words = 0
    for is_pre, seg in segments:
        if "&" in seg:
            marks = _marks(seg) if "&#" in seg else None
            seg = clean_text(_html.unescape(seg))  # a reference may spell a control
            if marks is not None and _marks(seg) != marks:
                return None  # a reference spelled one of our markers: the slow path
        if is_pre:
            text = seg.replace(_GLUE, "").removeprefix("\n")
            if text.strip():
                block = "\n".join(line.rstrip() for line in text.rstrip().split("\n"))
                blocks.append(block)
                words += len(block.split())
            continue
        if paras:
            seg = PARAGRAPH_BREAK_RE.sub(_PARA, seg)
        seg = seg.replace(_GLUE, "")
        for para in seg.split(_PARA):
            if _LINE in para:
                # str.split() splits on what \s matches: html_convert's whitespace rule.
                lines = []
                for line in para.split(_LINE):
                    split = line.split()
                    if split:
                        words += len(split)
                        lines.append(" ".join(split))
                text = "\n".join(lines)
            else:
                split = para.split()
                words += len(split)
                text = " ".join(split)
            if text:
                blocks.append(text)
    return "\n\n".join(blocks), words
