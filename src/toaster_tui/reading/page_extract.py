"""A web page's main article as HTML, boilerplate dropped, for the feed-body path.

trafilatura finds the article (benchmarks/fulltext_bench.py measures it against
its own defaults and readability-lxml); its XML output is turned into plain
HTML here rather than taken as trafilatura's HTML, which makes every inline
`<code>` a code block, drops definition lists' structure and repeats the page's
headline. The HTML returned then goes through the same sanitizing HTML-to-
Markdown conversion as feed bodies, so nothing here has to be safe for a
terminal. This never raises: a page it cannot read is a page with no article.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
from typing import Any

import trafilatura
from lxml import etree

__all__ = ["extract_article"]

# trafilatura reports unreadable pages through logging: the caller gets None.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

# A page with no sentence of this many words is navigation, teasers or a form,
# not an article (trafilatura's fallback returns such pages' words).
SENTENCE_WORDS = 10
# A trailing block whose words are at least this share link text is a list of
# links to elsewhere, not the article's ending.
LINK_SHARE = 0.6
_SENTENCE_END_RE = re.compile(r"[.!?…。！？]")

_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title", re.I | re.S)
_WS_RE = re.compile(r"\s+")
# Where trafilatura puts a code element that stands on its own (not inline).
_BLOCK_PARENTS = frozenset({"main", "quote", "div", "cell"})
_HI = {"#b": "b", "#i": "i", "#u": "u", "#t": "code", "#sub": "sub", "#sup": "sup"}
_SIMPLE = {"p": "p", "quote": "blockquote", "lb": "br", "del": "del", "row": "tr", "table": "table"}
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _norm(text: str) -> str:
    return _WS_RE.sub(" ", text).strip().casefold()


def _page_title(page: str) -> str:
    match = _TITLE_RE.search(page, 0, 200_000)
    return _norm(html_lib.unescape(match.group(1))) if match else ""


def _drop_headline(main: Any, page: str) -> None:
    """The feed shows the article's title already: a leading <h1> that is the
    page's title (or part of it, "Headline | Site") is not repeated."""
    first = next(iter(main), None)
    if first is None or first.tag != "head" or first.get("rend", "h1") != "h1":
        return
    head = _norm("".join(first.itertext()))
    if head and head in _page_title(page):
        parent = first.getparent()
        if first.tail and first.tail.strip():
            parent.text = (parent.text or "") + first.tail
        parent.remove(first)


def _words(el: Any) -> int:
    return len(" ".join(el.itertext()).split())


def _drop_trailing_links(main: Any) -> None:
    """Blocks after the last of the article's own text that are mostly links
    ("Suggested topics", "Related", previous/next) go, with their headings."""
    dropped = False
    for el in reversed(list(main)):
        words = _words(el) + len((el.tail or "").split())
        linked = sum(_words(ref) for ref in el.iter("ref"))
        if words and linked >= LINK_SHARE * words:
            dropped = True
        elif not (dropped and el.tag == "head"):
            return
        main.remove(el)


def _is_block_code(el: Any) -> bool:
    """A code element is a block when it spans lines or stands alone between
    blocks; trafilatura also lifts inline code out of a paragraph at times,
    leaving the sentence's words around it."""
    if "\n" in (el.text or "").strip():
        return True
    parent = el.getparent()
    if parent is None or parent.tag not in _BLOCK_PARENTS or (el.tail or "").strip():
        return False
    before = el.getprevious()
    return not (before.tail if before is not None else parent.text or "").strip()


def _convert(el: Any) -> None:
    """trafilatura's XML vocabulary to HTML, in place; unknown tags are unwrapped."""
    tag, rend = el.tag, el.get("rend", "")
    attrs: dict[str, str] = {}
    if tag in _SIMPLE:
        new = _SIMPLE[tag]
    elif tag == "head":
        new = rend if re.fullmatch(r"h[1-6]", rend) else "h3"
    elif tag == "list":
        new = rend if rend in ("ul", "ol", "dl") else "ul"
    elif tag == "item":
        new = "dt" if rend.startswith("dt") else "dd" if rend.startswith("dd") else "li"
    elif tag == "code":
        new = "pre" if _is_block_code(el) else "code"
    elif tag == "hi":
        new = _HI.get(rend, "i")
    elif tag == "ref":
        new = "a"
        attrs = {"href": el.get("target", "")}
    elif tag == "graphic":
        new = "img"
        attrs = {k: el.get(k) for k in ("src", "alt", "title") if el.get(k)}
    elif tag == "cell":
        new = "th" if el.get("role") == "head" else "td"
    else:
        new = "span"
    el.attrib.clear()
    el.tag = new
    for key, value in attrs.items():
        el.set(key, value)


def _is_prose(main: Any) -> bool:
    """Some sentence of the text has a few words and ends as sentences do;
    navigation, teaser lists and forms have none."""
    pieces = _SENTENCE_END_RE.split(" ".join(main.itertext()))
    return any(len(piece.split()) >= SENTENCE_WORDS for piece in pieces[:-1])


def extract_article(html: str, url: str) -> str | None:
    """The page's main content as HTML (headings, paragraphs, lists, links,
    quotes, code, images), or None when the page has no article text."""
    if not html.strip():
        return None
    try:
        xml = trafilatura.extract(
            html,
            url=url or None,
            output_format="xml",
            include_comments=False,
            include_links=True,
            include_images=True,
            include_formatting=True,
            include_tables=True,
            # measured: keeps definition lists and docs' short sections, no
            # loss on news, blogs or forums (benchmarks/fulltext_bench.py)
            favor_recall=True,
        )
        if not isinstance(xml, str) or not xml.strip():
            return None
        main = etree.fromstring(xml.encode("utf-8"), _XML_PARSER).find("main")
        if main is None or not _is_prose(main):
            return None
        _drop_headline(main, html)
        _drop_trailing_links(main)
        for el in list(main.iter()):
            if el is not main and isinstance(el.tag, str):
                _convert(el)
        head = html_lib.escape(main.text or "", quote=False)
        return head + "".join(etree.tostring(el, encoding="unicode", method="html") for el in main)
    except Exception:  # a parser bug on one hostile page must not stop a refresh
        return None
