"""Article extraction: what a reader sees from real-world and hostile HTML."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from toaster_tui.core.sanitize import is_terminal_safe
from toaster_tui.reading.entry_fields import (
    clean_categories,
    make_snippet,
    plain_title,
    read_minutes,
)
from toaster_tui.reading.html_convert import html_to_markdown, html_to_text
from toaster_tui.reading.language import normalize_language
from toaster_tui.reading.quotes import key_quotes
from toaster_tui.reading.sentences import split_sentences
from toaster_tui.reading.summary import summarize

BASE = "https://blog.example.com/2024/05/feeds.html"

POST = """\
<!DOCTYPE html>
<html><head><title>Ignored page title</title><meta charset="utf-8"></head><body>
<article>
<h1>Why I Stopped Using Algorithmic Feeds</h1>
<p class="lede" style="color:red" onclick="steal()">For years I let a recommendation engine decide
what I read. Last spring I switched to <a href="/tags/rss">RSS</a> and a plain
<a href="https://en.wikipedia.org/wiki/Terminal_emulator" title="x">terminal</a>, and I have not
looked back.</p>
<script onload="evil()">document.write("<p>injected</p>")</script>
<style>.lede { font-weight: bold }</style>
<h2>What changed</h2>
<p>Three things happened once the feed was <em>mine</em> again:</p>
<ul>
  <li>I read fewer, longer articles.
    <ul><li>Mostly essays</li><li>Some papers</li></ul>
  </li>
  <li>I stopped doom-scrolling. <a href="javascript:alert('pwned')">Click me</a></li>
</ul>
<ol><li>Pick ten feeds</li><li>Read them weekly</li></ol>
<blockquote><p>The best way to predict the future is to invent it.</p></blockquote>
<p>My friend put it well: <q>a feed you curate is a feed you trust</q>. She later wrote that
"the real cost of free feeds is your attention span" and I agree.</p>
<h3>The setup</h3>
<pre><code>[[feeds]]
url = "https://example.org/feed.xml"
topic = "Technology"
</code></pre>
<p>Run <code>toaster refresh</code> and you are done.<br>That is all.</p>
<p><img src="/images/setup.png" alt="My terminal setup" width="800"></p>
<iframe src="https://ads.example.net/banner"><p>Buy now!</p></iframe>
<p>Questions? Write to me &amp; I&#8217;ll answer.</p>
</article>
</body></html>
"""

POST_MD = """\
# Why I Stopped Using Algorithmic Feeds

For years I let a recommendation engine decide what I read. Last spring I switched to \
[RSS](https://blog.example.com/tags/rss) and a plain \
[terminal](https://en.wikipedia.org/wiki/Terminal_emulator), and I have not looked back.

## What changed

Three things happened once the feed was mine again:

- I read fewer, longer articles.
  - Mostly essays
  - Some papers
- I stopped doom-scrolling. Click me

1. Pick ten feeds
2. Read them weekly

> The best way to predict the future is to invent it.

My friend put it well: “a feed you curate is a feed you trust”. She later wrote that \
"the real cost of free feeds is your attention span" and I agree.

### The setup

```
[[feeds]]
url = "https://example.org/feed.xml"
topic = "Technology"
```

Run `toaster refresh` and you are done.<BR>
That is all.

[image: My terminal setup](https://blog.example.com/images/setup.png)

Questions? Write to me & I’ll answer.""".replace("<BR>", "  ")  # a Markdown hard break

POST_TEXT = """\
Why I Stopped Using Algorithmic Feeds

For years I let a recommendation engine decide what I read. Last spring I switched to RSS \
and a plain terminal, and I have not looked back.

What changed

Three things happened once the feed was mine again:

I read fewer, longer articles.
Mostly essays
Some papers
I stopped doom-scrolling. Click me

Pick ten feeds
Read them weekly

The best way to predict the future is to invent it.

My friend put it well: “a feed you curate is a feed you trust”. She later wrote that \
"the real cost of free feeds is your attention span" and I agree.

The setup

[[feeds]]
url = "https://example.org/feed.xml"
topic = "Technology"

Run toaster refresh and you are done.
That is all.

Questions? Write to me & I’ll answer."""

MD = MarkdownIt("gfm-like")  # what Textual's Markdown widget uses
MD_NO_LINKIFY = MarkdownIt("gfm-like").disable("linkify")
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def assert_safe(s: str) -> None:
    assert is_terminal_safe(s)
    assert "\x1b" not in s
    for ch in s:
        assert ord(ch) >= 0x20 or ch in "\n\t", repr(s)
        assert not 0x7F <= ord(ch) <= 0x9F, repr(s)
        assert ch not in BIDI, repr(s)


def links(markdown: str) -> list[str]:
    found = []
    for tok in MD.parse(markdown):
        for child in tok.children or []:
            if child.type == "link_open":
                found.append(str(child.attrs["href"]))
    return found


def rendered_text(markdown: str) -> str:
    """The visible text Textual would show, paragraphs joined by nothing."""
    out = []
    for tok in MD_NO_LINKIFY.parse(markdown):
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append(" ")
    return "".join(out)


# --- the long-form post ---------------------------------------------------------


def test_post_markdown_exact() -> None:
    assert html_to_markdown(POST, BASE) == POST_MD


def test_post_markdown_structure_as_textual_parses_it() -> None:
    md = html_to_markdown(POST, BASE)
    tokens = [t.type for t in MD.parse(md)]
    assert tokens.count("heading_open") == 3
    assert tokens.count("bullet_list_open") == 2  # outer + nested
    assert tokens.count("ordered_list_open") == 1
    assert tokens.count("blockquote_open") == 1
    assert tokens.count("fence") == 1
    assert "html_inline" not in tokens and "html_block" not in tokens
    assert links(md) == [
        "https://blog.example.com/tags/rss",
        "https://en.wikipedia.org/wiki/Terminal_emulator",
        "https://blog.example.com/images/setup.png",
    ]


def test_post_drops_scripts_styles_iframes_and_attributes() -> None:
    for out in (html_to_markdown(POST, BASE), html_to_text(POST)):
        for gone in ("injected", "document.write", "font-weight", "Buy now", "steal", "evil",
                     "javascript", "pwned", "color:red", "Ignored page title", "ads.example"):
            assert gone not in out


def test_post_without_base_url_keeps_relative_links_as_text() -> None:
    md = html_to_markdown(POST)
    assert "switched to RSS and a plain [terminal](" in md
    assert "\\[image: My terminal setup\\]" in md  # labelled, but not a link


def test_post_plain_text_exact() -> None:
    assert html_to_text(POST) == POST_TEXT


def test_post_key_quotes() -> None:
    assert key_quotes(POST) == [
        "The best way to predict the future is to invent it.",
        "a feed you curate is a feed you trust",
        "the real cost of free feeds is your attention span",
    ]


def test_post_summary_is_central_when_feed_summary_is_a_truncation() -> None:
    # Central prose sentences, not the lead (printed right below) nor a list item.
    text = html_to_markdown(POST)
    central = [
        "For years I let a recommendation engine decide what I read.",
        "My friend put it well: “a feed you curate is a feed you trust”.",
        'She later wrote that "the real cost of free feeds is your attention span" and I agree.',
    ]
    assert summarize(text) == central
    assert summarize(text, "For years I let a recommendation engine decide what I r…") == central
    assert summarize(text, "For years I let a recommendation engine decide [...]") == central


def test_post_summary_uses_a_distinct_feed_summary() -> None:
    text = html_to_text(POST)
    feed = "An essay on leaving recommendation engines behind. Also: my setup, in full detail."
    assert summarize(text, feed) == [
        "An essay on leaving recommendation engines behind.",
        "Also: my setup, in full detail.",
    ]
    assert summarize(text, feed, max_sentences=1) == [
        "An essay on leaving recommendation engines behind."
    ]


def test_post_snippet_and_read_time() -> None:
    assert make_snippet(POST, 60) == "Why I Stopped Using Algorithmic Feeds For years I let a…"
    assert len(make_snippet(POST)) <= 280
    assert read_minutes(html_to_text(POST)) == 1


# --- Markdown conventions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("First para.\n\nSecond para\nwraps here.", "First para.\n\nSecond para wraps here."),
        ("<p>a &lt;b&gt; &amp;amp; &quot;c&quot; &#x263A;</p>", 'a \\<b> \\&amp; "c" ☺'),
        ("<p># not a heading</p><p>> not a quote</p><p>- not a list</p>",
         "\\# not a heading\n\n\\> not a quote\n\n\\- not a list"),
        ("<p>1. not a list either</p>", "1\\. not a list either"),
        ("<p>*stars* _under_ snake_case `tick` [x](y) a|b ~~s~~ &amp;copy;</p>",
         "\\*stars\\* \\_under\\_ snake_case \\`tick\\` \\[x\\](y) a\\|b \\~\\~s\\~\\~ \\&copy;"),
        ("<h4>Deep</h4><h6>Deeper</h6>", "### Deep\n\n### Deeper"),
        ("<p>line one<br/>line two<br>line three</p>", "line one  \nline two  \nline three"),
        ("<ol><li>a<ol><li>b</li></ol></li><li>c</li></ol>", "1. a\n   1. b\n2. c"),
        ("<ul><li><p>para one</p><p>para two</p></li><li>next</li></ul>",
         "- para one\n\n  para two\n- next"),
        ("<blockquote>outer<blockquote>inner</blockquote></blockquote>",
         "> outer\n>\n> > inner"),
        ("<p>use <code>a `b` c</code> now</p>", "use ``a `b` c`` now"),
        ("<pre>```\nfenced\n```</pre>", "````\n```\nfenced\n```\n````"),
        ('<p><a href="https://e.org/a_(b)">x</a> <a href="mailto:me@e.org">mail</a></p>',
         "[x](https://e.org/a_%28b%29) mail"),
        ('<p><a href="https://e.org/"><img src="https://e.org/i.png" alt="logo"></a></p>',
         "[image: logo](https://e.org/)"),
        ('<p><img src="https://e.org/i.png"></p>', "[image](https://e.org/i.png)"),
        ('<p><img src="data:image/png;base64,AAAA" alt="x"></p>', "\\[image: x\\]"),
        ('<p>text<img src="https://t.example/p.gif" width="1" height="1"></p>', "text"),
        ("<table><tr><th>Name</th><th>Score</th></tr><tr><td>Ada</td><td>10</td></tr></table>",
         "Name | Score  \nAda | 10"),
        ("<p>unclosed <b>bold <i>italic</p><p>next</div></span>", "unclosed bold italic\n\nnext"),
        ("<p>one<p>two<li>three", "one\n\ntwo\n\n- three"),
        ("<svg><text>hidden</text></svg><form><input value=x>form text</form>shown",
         "shown"),
        ("<html><head><title>t</title><meta x><p>no body tag", "no body tag"),
        ("", ""),
    ],
)
def test_markdown_conventions(html: str, expected: str) -> None:
    assert html_to_markdown(html) == expected


def test_markdown_text_is_rendered_literally() -> None:
    html = "<p>*not bold* _not em_ `not code` [not](link) <b>x</b> &lt;i&gt;raw&lt;/i&gt;</p>"
    md = html_to_markdown(html)
    assert rendered_text(md) == "*not bold* _not em_ `not code` [not](link) x <i>raw</i>"


@settings(max_examples=300)
@given(st.lists(st.sampled_from(
    [*"ab _*`#>-+=1.)[]()<>|~&;!\\:/\n \t", "&amp;", "1. ", "# ", "---", "***", "```"]
), max_size=30).map("".join))
def test_any_text_round_trips_through_markdown(text: str) -> None:
    from html import escape

    for wrapper in ("<p>{}</p>", "<ul><li>{}</li></ul>", "<blockquote>{}</blockquote>",
                    "<h2>{}</h2>", '<p><a href="https://e.org/">{}</a></p>'):
        md = html_to_markdown(wrapper.format(escape(text)))
        assert rendered_text(md) == " ".join(text.split()), md


# --- hostile and broken input ------------------------------------------------------


HOSTILE = (
    "<h1>Title\x1b]0;pwned\x07 here</h1>"
    "<p>clear\x1b[2Jscreen, clip\x1b]52;c;SGVsbG8=\x07board, "
    "\x1b]8;;http://evil\x1b\\hyperlink\x1b]8;;\x1b\\ text, "
    "dcs\x1bP1$r0m\x1b\\end, evil\u202etxt.exe, c1\x9b2Jx\x9d0;t\x9cy</p>"
    "<p>entities &#x1b;[2J &#155; &#x202e; &#0; &#x9d;</p>"
    '<a href="http://ok.example/\x1b[2J">link\x1b[31m</a>'
    "<pre>code\x1b[2J\x07\rbell</pre>"
)


def test_hostile_sequences_never_survive_but_text_does() -> None:
    md = html_to_markdown(HOSTILE)
    assert_safe(md)
    assert md.startswith("# Title here\n\nclearscreen, clipboard, hyperlink text, dcsend, ")
    assert "eviltxt.exe" in md
    assert "pwned" not in md and "SGVsbG8" not in md and "evil\x1b" not in md
    assert "[link](http://ok.example/)" in md
    assert "code\nbell" in md
    for out in (html_to_text(HOSTILE), make_snippet(HOSTILE), plain_title(HOSTILE),
                *key_quotes(HOSTILE), *summarize(html_to_text(HOSTILE), HOSTILE)):
        assert_safe(out)


DEEP = {
    "div": "<div>" * 10_000 + "deep" + "</div>" * 10_000,
    "ul": "<ul><li>" * 10_000 + "deep",
    "blockquote": "<blockquote>" * 10_000 + "deep",
    "ol-blockquote": "<ol><li><blockquote>" * 5_000 + "deep",
    "a": '<a href="https://e.org/">' * 10_000 + "deep",
    "code-q": "<code><q>" * 10_000 + "deep",
    "b-i": "<b><i>" * 10_000 + "deep",
    "table": "<table><tr><td>" * 5_000 + "deep",
    "h2-pre": "<h2><pre>" * 5_000 + "deep",
}


@pytest.mark.parametrize("html", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_fine(html: str) -> None:
    md = html_to_markdown(html)
    assert "deep" in md
    assert len(md) < len(html) // 4  # indentation stops growing at a fixed depth
    assert "deep" in html_to_text(html)
    key_quotes(html)
    make_snippet(html)


@pytest.mark.parametrize(
    "html",
    ["<", "<<<>>>", "<p", "</p>", "<!--", "<!-- x", "<![CDATA[x", "<!DOCTYPE", "&#xFFFFFFFF;",
     "&#xD800;", "<a href=>x</a>", '<a href="http://[::1">x</a>', "<img src>", "<?php x ?>",
     "<script>", "<style>never closed", "<p x='unterminated>text", "</br>x"],
)
def test_malformed_html_never_raises(html: str) -> None:
    for out in (html_to_markdown(html, "http://[bad"), html_to_text(html), plain_title(html),
                make_snippet(html), *key_quotes(html)):
        assert_safe(out)


TAGS = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<br>", "<h1>", "</h1>", "<h3>", "</h3>", "<ul>", "</ul>",
    "<ol>", "</ol>", "<li>", "</li>", "<blockquote>", "</blockquote>", "<q>", "</q>", "<pre>",
    "</pre>", "<code>", "</code>", "<a href='javascript:alert(1)'>", "<a href='/rel'>",
    "<a href=\"https://e.org/\x1b[2J\">", "</a>", "<img src='x.png' alt='\u202eevil'>",
    "<script>", "</script>", "<style>", "</style>", "<iframe>", "</iframe>", "<svg>", "</svg>",
    "<table>", "<tr>", "<td>", "</td>", "</tr>", "</table>", "&#x1b;", "&#155;", "&amp;",
    "&#x202e;", "<!--", "-->", "<![CDATA[", "]]>", "<", ">", "&", "\"", "“", "”", "«", "»",
    "\x1b]8;;http://evil\x1b\\", "\x1b[2J", "\x9b", "\u202e", "\r\n", "\n\n", "\x00",
    " said \"this is a long quoted phrase with many words\" ",
])
HTML_ISH = st.lists(st.one_of(TAGS, st.text(max_size=12)), max_size=40).map("".join)


@settings(max_examples=400)
@given(HTML_ISH)
def test_every_output_is_terminal_safe(html: str) -> None:
    md = html_to_markdown(html, BASE)
    text = html_to_text(html)
    outputs = [md, text, make_snippet(html), plain_title(html), *key_quotes(html),
               *summarize(text, html), *summarize(html)]
    for out in outputs:
        assert_safe(out)
    assert len(key_quotes(html)) <= 4
    assert "\n" not in plain_title(html) and "\n" not in make_snippet(html)
    for href in links(md):
        assert href.startswith(("http://", "https://"))


@settings(max_examples=300)
@given(st.text())
def test_any_unicode_is_handled(s: str) -> None:
    for out in (html_to_markdown(s), html_to_text(s), make_snippet(s), plain_title(s),
                *key_quotes(s), *summarize(s, s), *split_sentences(s),
                *clean_categories([s, s.upper()])):
        assert_safe(out)
    assert normalize_language(s) == "" or normalize_language(s).isalpha()


# --- MathML: one reading of each formula ------------------------------------------

_MATH_INLINE = (
    '<p>Energy is <math alttext="E=mc^2"><semantics><mrow><mi>E</mi><mo>=</mo><mi>m</mi>'
    "<msup><mi>c</mi><mn>2</mn></msup></mrow>"
    '<annotation encoding="application/x-tex">E = mc^2</annotation></semantics></math>, '
    "as known.</p>"
)
_MATH_BLOCK = (
    '<p>The integral:</p><math display="block"><semantics><mrow><msubsup><mo>∫</mo><mn>0</mn>'
    "<mn>1</mn></msubsup><mi>x</mi><mi>d</mi><mi>x</mi></mrow>"
    '<annotation-xml encoding="MathML-Content"><apply><int/><ci>x</ci></apply></annotation-xml>'
    '<annotation encoding="application/x-tex">\\int_0^1 x\\,dx</annotation>'
    "</semantics></math><p>After.</p>"
)
_MATH_NO_TEX = ("<p>So <math><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow></math> "
                "it is.</p>")


def test_mathml_with_tex_shows_the_tex_once() -> None:
    assert html_to_markdown(_MATH_INLINE) == "Energy is `E = mc^2`, as known."
    assert html_to_text(_MATH_INLINE) == "Energy is E = mc^2, as known."
    assert html_to_markdown(_MATH_BLOCK) == "The integral:\n\n```\n\\int_0^1 x\\,dx\n```\n\nAfter."
    assert html_to_text(_MATH_BLOCK) == "The integral:\n\n\\int_0^1 x\\,dx\n\nAfter."


def test_mathml_without_tex_shows_its_text_once() -> None:
    assert html_to_markdown(_MATH_NO_TEX) == "So a+b it is."
    assert html_to_text(_MATH_NO_TEX) == "So a+b it is."
    block = '<math display="block"><mi>x</mi><mo>=</mo><mn>1</mn></math><p>Then.</p>'
    assert html_to_text(block) == "x=1\n\nThen."
    assert html_to_text('<p>A <math alttext="x^2"></math> b</p>') == "A x^2 b"
