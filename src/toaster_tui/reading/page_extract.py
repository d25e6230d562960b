"""A web page's main article as HTML, boilerplate dropped, for the feed-body path.

trafilatura finds the article (benchmarks/fulltext_bench.py measures it against
the alternatives); the HTML returned here then goes through the same sanitizing
HTML-to-Markdown conversion as feed bodies, so nothing here has to be safe for a
terminal. This never raises: a page it cannot read is a page with no article.
"""

from __future__ import annotations

import logging

import lxml.html
import trafilatura
from lxml import etree

__all__ = ["extract_article"]

# trafilatura reports unreadable pages through logging: the caller gets None.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

# Fewer words than this outside links is a page of navigation, not an article.
MIN_WORDS = 12


def _own_words(root: lxml.html.HtmlElement) -> int:
    """Words of text that is not link text."""
    words = len(root.text_content().split())
    for a in root.iter("a"):
        words -= len(a.text_content().split())
    return words


def _tidy(root: lxml.html.HtmlElement) -> None:
    """Undo trafilatura's nesting of code blocks (<pre><pre>), whose outer one
    would carry indentation into the code."""
    for pre in list(root.iter("pre")):
        kids = list(pre)
        if len(kids) == 1 and kids[0].tag == "pre" and not (pre.text or "").strip():
            inner = kids[0]
            inner.tail = pre.tail
            pre.getparent().replace(pre, inner)


def extract_article(html: str, url: str) -> str | None:
    """The page's main content as HTML (headings, paragraphs, lists, links,
    quotes, code, images), or None when the page has no article text."""
    if not html.strip():
        return None
    try:
        out = trafilatura.extract(
            html,
            url=url or None,
            output_format="html",
            include_comments=False,
            include_links=True,
            include_images=True,
            include_formatting=True,
            include_tables=True,
        )
        if not isinstance(out, str) or not out.strip():
            return None
        root = lxml.html.fromstring(out)
        if _own_words(root) < MIN_WORDS:
            return None
        _tidy(root)
        body = root.find("body")
        parts = body if body is not None else root
        return "".join(etree.tostring(el, encoding="unicode", method="html") for el in parts)
    except Exception:  # a parser bug on one hostile page must not stop a refresh
        return None
