"""Cutting an over-long body: never inside a tag, comment or entity, and the
reader says the article goes on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toaster_tui.core.sanitize import is_terminal_safe
from toaster_tui.reading.html_convert import html_to_markdown, html_to_text
from toaster_tui.reading.html_cut import cut_html, cut_marker

NOTICE = "The article is longer than toaster keeps (1 KiB); press o to read it on the web."

ARTICLE = "".join(
    f'<p id="p{n}">Paragraph {n} of the article, with <a href="https://e.example/{n}?a=1&amp;b=2"'
    f' title="a &gt; b">a link</a> &amp; <img src="/img/{n}.png" alt="picture {n}">'
    f"some <em>more</em> text&nbsp;here.</p>\n<!-- note {n} -->\n"
    for n in range(40)
)


def _no_raw_markup(text: str) -> None:
    for raw in ("<p", "<a", "<img", "<em", "</", "href=", "alt=", "<!--", "-->", "&amp",
                "&nbsp", "&gt"):
        assert raw not in text, (raw, text[-300:])


@pytest.mark.parametrize("limit", range(1024, 1024 + 400, 7))
def test_the_cut_never_leaves_a_partial_tag(limit: int) -> None:
    cut = cut_html(ARTICLE, limit)
    assert len(cut) <= limit
    body = cut.removesuffix(cut_marker(limit))
    assert body != cut, "a cut body ends with the marker"
    assert body.rfind("<") < body.rfind(">")  # the last "<" is a whole tag
    assert ARTICLE.startswith(body)
    for text in (html_to_text(cut), html_to_markdown(cut)):
        _no_raw_markup(text)


@pytest.mark.parametrize("limit", [1100, 1500, 2047])
def test_the_reader_ends_with_a_notice(limit: int) -> None:
    md = html_to_markdown(cut_html(ARTICLE, limit))
    assert md.endswith("\n\n---\n\n" + NOTICE)
    assert md.count("press o") == 1
    assert NOTICE not in html_to_text(cut_html(ARTICLE, limit))  # search text: the article only


def test_cut_inside_open_elements_still_ends_with_the_notice_outside_them() -> None:
    html = "<blockquote><ul><li><pre><code>" + "x = 1\n" * 400 + "</code></pre></li></ul>"
    md = html_to_markdown(cut_html(html, 1024))
    assert md.endswith("\n\n---\n\n" + NOTICE)
    assert not md.splitlines()[-1].startswith((">", " ", "`"))


def test_short_bodies_are_kept_and_a_fake_marker_is_dropped() -> None:
    assert cut_html(ARTICLE, len(ARTICLE)) == ARTICLE
    fake = "<p>Short.</p>" + cut_marker(512 * 1024)
    assert cut_html(fake, 512 * 1024) == "<p>Short.</p>"
    assert "press o" not in html_to_markdown(cut_html(fake, 512 * 1024))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "<p>", "</p>", "<a href='x>y'>", "</a>", '<img alt="a > b" src=i>', "<!-- c > d -->",
    "&amp;", "&#x1F600;", "&nbsp;", "word ", "<", ">", "<b\n class=x>", "<![CDATA[x]]>",
    "<pre>", "</pre>", "<script>if (a < b) {}</script>",
]), min_size=30, max_size=120), st.integers(min_value=1024, max_value=1400))
def test_any_cut_reads_without_raw_markup(parts: list[str], limit: int) -> None:
    html = "".join(parts) * 8
    cut = cut_html(html, limit)
    assert len(cut) <= max(limit, len(html))
    md = html_to_markdown(cut)
    assert is_terminal_safe(md)
    if len(html) > limit:
        assert md.endswith(NOTICE)
