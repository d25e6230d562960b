"""A web page's article: the body kept, the site's chrome dropped, structure
that the reader shows (headings, links, code) intact, and no page, however
hostile, makes extraction raise or hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from toaster_tui.core.sanitize import is_terminal_safe
from toaster_tui.reading.html_convert import html_to_markdown, html_to_text
from toaster_tui.reading.page_extract import extract_article

PAGES = Path(__file__).parents[2] / "benchmarks" / "pages"


def _page(name: str) -> str:
    return (PAGES / f"{name}.html").read_text(encoding="utf-8")


def _markdown(name: str) -> str:
    url = f"https://site.example/{name}"
    html = extract_article(_page(name), url)
    assert html is not None, name
    return html_to_markdown(html, url)


@pytest.mark.parametrize(
    ("name", "kept", "dropped"),
    [
        (
            "news_harbor",
            ["wait ten minutes longer", "licensed site inland", "We know an extra ten minutes"],
            ["We use cookies", "Share this article", "More from News", "Comments (3)",
             "Another ten minutes on top", "Most read", "All rights reserved",
             "Get the morning briefing"],
        ),
        (
            "blog_wordpress",
            ["price of a sandwich", "Order the replacement knob", "round of homework"],
            ["Share this:", "Like this:", "Regluing a wobbly kitchen chair", "Leave a Reply",
             "exactly these tables at my school", "Recent Posts", "Proudly powered by"],
        ),
        (
            "forum_discourse",
            ["nail polish remover", "Not dead, just hungry", "two feeds a day did the trick"],
            ["Suggested Topics", "Hooch on top", "Powered by Discourse", "Log In"],
        ),
    ],
)
def test_the_body_is_kept_and_the_chrome_dropped(
    name: str, kept: list[str], dropped: list[str]
) -> None:
    text = _markdown(name)
    for words in kept:
        assert words in text, (words, text)
    for words in dropped:
        assert words not in text, (words, text)


def test_headings_links_lists_and_quotes_survive() -> None:
    text = _markdown("news_science")
    assert "## Colour puzzles in the lab" in text
    assert "- fast learners sampled both colours" in text
    assert "> A colony seems to do best" in text
    # The page's headline is the feed's title already: not repeated as the body's first line.
    assert not text.startswith("# Why some bees")
    link = _markdown("docs_reference")
    assert "[`format_duration()`](https://site.example/api/format_duration)" in link


def test_code_blocks_keep_their_lines_and_inline_code_stays_inline() -> None:
    text = _markdown("blog_ghost")
    assert "```\nimport socket\n\nsock = socket.socket(" in text
    assert "        data, _ = sock.recvfrom(256)\n" in text
    answer = _markdown("forum_qa")
    assert "starts with `set -e`. When the converter fails" in answer
    assert "```\nset -e\nfor f in input/*.wav; do\n    convert \"$f\"\ndone\n```" in answer


def test_images_come_out_with_their_label_and_an_absolute_address() -> None:
    html = extract_article(_page("blog_wordpress"), "https://site.example/2024/02/18/table/")
    assert html is not None
    assert '<img src="https://site.example/wp-content/uploads/2024/02/base.jpg"' in html
    assert 'alt="The stripped steel base on sawhorses"' in html


@pytest.mark.parametrize("name", ["none_home", "none_signin"])
def test_a_page_without_an_article_gives_none(name: str) -> None:
    assert extract_article(_page(name), f"https://site.example/{name}") is None


@pytest.mark.parametrize("page", ["", "   ", "<html></html>", "\x00\x00", "plain words, no markup"])
def test_empty_or_bare_pages_give_none(page: str) -> None:
    assert extract_article(page, "https://site.example/") is None


SENTENCE = "This is a perfectly ordinary sentence that an article would contain somewhere. "
HOSTILE = {
    "deep nesting": "<div>" * 50_000 + "<p>" + SENTENCE * 5 + "</p>" + "</div>" * 50_000,
    "unclosed nesting": "<html><body>" + "<span><b><i>" * 30_000 + SENTENCE * 5,
    "scripts": (
        "<html><body><article><script>while(true){}</script><p>" + SENTENCE * 6
        + "<script>document.write('<p>injected text that must not appear at all</p>')</script>"
        + "</p><style>p{color:red}</style><noscript>Enable JavaScript to continue</noscript>"
        + "</article></body></html>"
    ),
    "escape bytes": (
        "<article><p>" + SENTENCE * 3 + "\x1b]52;c;aGVsbG8=\x07 \x1b[2J\x1b[31mred\x9b1m \x00"
        + SENTENCE * 3 + "</p></article>"
    ),
    "javascript links": (
        "<article><p>" + SENTENCE * 4 + '<a href="javascript:alert(1)">click here</a> and '
        + '<a href="JaVaScRiPt&#58;alert(2)">there</a> '
        + '<img src="javascript:alert(3)" alt="pic"> <a href="data:text/html,x">data</a>'
        + SENTENCE * 2 + "</p></article>"
    ),
    "entity bomb": (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        "<html><body><p>&c;&c;&c;&c; " + SENTENCE * 4 + "</p></body></html>"
    ),
    "huge flat page": "<html><body>" + ("<p>" + SENTENCE * 3 + "</p>") * 20_000 + "</body></html>",
    "binary junk": "".join(chr(c % 0x2FF) for c in range(200_000)),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_pages_never_raise_and_return_quickly(name: str) -> None:
    start = time.monotonic()
    html = extract_article(HOSTILE[name], "https://site.example/hostile")
    assert time.monotonic() - start < 20, name
    if html is None:
        return
    text = html_to_text(html)
    assert is_terminal_safe(text)
    assert "injected text" not in text
    assert "Enable JavaScript" not in text
    md = html_to_markdown(html, "https://site.example/hostile")
    assert "javascript:" not in md.lower()
    assert "alert(" not in md
