"""What the HTML-to-text walks know about elements, and where paragraphs break.

Shared by html_convert (the full walk) and feeds' fast plain-text path, which
must agree with it line for line.
"""

from __future__ import annotations

import re

__all__ = [
    "BLOCK_ELEMENTS", "BLOCK_TAG_RE", "CODE_ELEMENTS", "DROPPED_ELEMENTS", "HEADING_LEVELS",
    "HEAD_ELEMENTS", "LIST_ELEMENTS", "PARAGRAPH_BREAK_RE", "VOID_ELEMENTS",
]

DROPPED_ELEMENTS = frozenset({
    "script", "style", "iframe", "object", "embed", "noscript", "svg", "form", "template",
    "head", "title", "applet", "frameset", "noembed", "select", "textarea", "button",
})
"""Elements whose content is never shown."""
VOID_ELEMENTS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "keygen", "basefont", "frame",
})
BLOCK_ELEMENTS = frozenset({
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "figure",
    "figcaption", "address", "details", "summary", "dl", "dt", "dd", "center", "fieldset",
    "legend", "caption", "table", "thead", "tbody", "tfoot", "html", "body", "hgroup",
    "dialog", "search", "listing", "xmp", "plaintext",
})
HEAD_ELEMENTS = frozenset({"meta", "link", "title", "style", "script", "base", "noscript",
                           "template"})
"""Elements that may stay inside <head>; any other one ends it."""
LIST_ELEMENTS = frozenset({"ul", "ol", "menu", "dir"})
CODE_ELEMENTS = frozenset({"code", "kbd", "samp", "tt"})
HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 3, "h5": 3, "h6": 3}
"""Markdown heading level of each HTML heading (h4-h6 read as h3)."""

BLOCK_TAG_RE = re.compile(
    r"<(?:p|div|br|li|h[1-6]|blockquote|pre|table|tr|ul|ol|section|article|hr)\b", re.I
)
"""Markup with any of these is structured; without, blank lines in the text
(PARAGRAPH_BREAK_RE) separate its paragraphs."""
PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t\r\f\v]*\n")
