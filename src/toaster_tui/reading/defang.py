"""A linear-time guard in front of html.parser: `defang_html`.

html.parser (before CPython 3.13.4 / 3.12.11 / 3.11.13) rescans to the end of
the input for every construct it cannot close there: 100 KB of "<a<a<a..."
or "<!--<!--..." cost seconds, 512 KB minutes. defang_html walks the markup
as html.parser's tokenizer does and turns each "<" that opens such an
unclosable construct into "&lt;", which html.parser would have shown as text
anyway. Every search below is amortised (an answer is reused until the scan
passes it), and a work budget caps the start-tag scans, so the whole pass is
linear and html.parser then only ever sees constructs it can close.
"""

from __future__ import annotations

import html.parser as _html_parser
import re

__all__ = ["defang_html"]

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
