"""Cutting an over-long HTML body at a safe point, and the notice it leaves.

feeds.parse keeps at most MAX_HTML characters of a body. A plain slice can
end inside a tag, a comment or an entity, and everything after that point
then reads as raw markup. `cut_html` ends at a tag boundary instead (after the
last closing block tag near the limit, when there is one) and appends a
marker comment; html_convert turns that marker into a final notice once every
element still open is closed, so the notice never lands inside a quote, list
or code block. Nothing in the schema changes: the marker is part of the
stored body, and only a cut body ends with one.
"""

from __future__ import annotations

import re

__all__ = ["cut_html", "cut_marker", "cut_notice", "split_cut"]

_MARK_HEAD, _MARK_TAIL = "<!--toaster-cut:", "-->"
_MARK_RE = re.compile(r"<!--toaster-cut:(\d{1,9})-->")
_BLOCK_END_RE = re.compile(
    r"</(?:p|div|li|ul|ol|dl|blockquote|pre|table|h[1-6]|section|article|figure)\s*>", re.I)
# One whole tag from its "<": quoted values may hold ">". Linear (no nesting).
_WHOLE_TAG_RE = re.compile(r"<[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>")
_PARTIAL_ENTITY_RE = re.compile(r"&#?[A-Za-z0-9]{0,32}")
_BLOCK_WINDOW = 16 * 1024  # how far back a cut looks for the end of a block
_TAG_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/!?")


def cut_marker(limit: int) -> str:
    """The comment a body cut at `limit` characters ends with."""
    return f"{_MARK_HEAD}{max(limit, 0) // 1024}{_MARK_TAIL}"


def cut_notice(kib: int) -> str:
    """What the reader shows at the end of a cut body."""
    return (f"The article is longer than toaster keeps ({kib} KiB); "
            "press o to read it on the web.")


def split_cut(html: str) -> tuple[str, int | None]:
    """(the body without a trailing cut marker, the KiB kept, or None if uncut)."""
    if not html.endswith(_MARK_TAIL):
        return html, None
    start = html.rfind(_MARK_HEAD, max(0, len(html) - 40))
    m = _MARK_RE.fullmatch(html, start) if start >= 0 else None
    if m is None:
        return html, None
    return html[:start], int(m.group(1))


def cut_html(html: str, limit: int) -> str:
    """`html` if it fits in `limit` characters, else its head cut at a safe point
    plus the marker; the result never exceeds `limit` (or len(html))."""
    if len(html) <= limit:
        return split_cut(html)[0]  # only toaster's own cut may show the notice
    mark = cut_marker(limit)
    return _safe_head(html[: max(limit - len(mark), 0)]) + mark


def _safe_head(head: str) -> str:
    """`head` shortened so it ends outside any tag, comment or entity."""
    window = max(0, len(head) - _BLOCK_WINDOW)
    ends = [m.end() for m in _BLOCK_END_RE.finditer(head, window)]
    if ends:
        head = head[: ends[-1]]
    for _ in range(8):  # a "<" inside an attribute value may need a second step back
        cut = _unsafe_from(head)
        if cut is None:
            return head
        head = head[:cut]
    return head[: max(head.rfind("<"), 0)]


def _unsafe_from(head: str) -> int | None:
    """Where an unfinished comment, tag or entity at the end of `head` starts."""
    comment = head.rfind("<!--")
    if comment >= 0 and head.find("-->", comment + 4) < 0:
        return comment
    lt = head.rfind("<")
    while lt >= 0 and lt + 1 < len(head) and head[lt + 1] not in _TAG_START:
        lt = head.rfind("<", 0, lt)  # a "<" in text ("a < b") starts no tag
    if lt >= 0 and _WHOLE_TAG_RE.match(head, lt) is None:
        return lt
    amp = head.rfind("&", max(0, len(head) - 34))
    if amp >= 0 and _PARTIAL_ENTITY_RE.fullmatch(head, amp):
        return amp
    return None
