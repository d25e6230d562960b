"""Feed bytes -> FeedData through the public entry point, for what real feeds get wrong."""

from __future__ import annotations

import json

import pytest

from toaster_tui.core.sanitize import is_terminal_safe
from toaster_tui.feeds import parse
from toaster_tui.feeds.parse import parse_feed


def test_a_json_feed_with_a_raw_control_character_in_a_string_is_read() -> None:
    # json.dumps would escape them; real feeds put the bytes in as they are.
    body = json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Tabs\tand bells",
        "items": [{"id": "1", "title": "A line\x07 with a bell", "url": "https://example.org/1",
                   "content_html": "<p>Body with a\nnewline and a \x1b[31m escape</p>"}],
    }, ensure_ascii=False).replace("\\t", "\t").replace("\\u0007", "\x07") \
        .replace("\\n", "\n").replace("\\u001b", "\x1b").encode()
    assert b"\x07" in body and b"\x1b" in body  # the raw bytes really are in the document
    feed = parse_feed(body, "https://example.org/feed.json", "application/feed+json")
    assert feed.title == "Tabs and bells"
    [entry] = feed.entries
    assert entry.title == "A line with a bell"
    assert "\x1b" not in entry.text and "\x1b" not in entry.content_html
    assert "escape" in entry.text


# --- titles: what the author meant, in every format and on both parse paths ------------
# The rule (feeds.parse._entry_title, reading.entry_fields.plain_text_title): the format's
# own decoding first (HTML titles rendered to text); then, once, paired formatting tags
# (<b>, <i>, <a>, ...) left in the text are removed and character references left in
# it are decoded. Any other "<" stays: "a < b", "Use <div> wisely", "The <em> element".

def _rss2_doc(titles: list[str]) -> bytes:
    items = "".join(f"<item><title>{t}</title><link>https://e.example/{n}</link></item>"
                    for n, t in enumerate(titles))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>T</title><link>https://e.example/</link>{items}</channel></rss>").encode()


def _rss1_doc(titles: list[str]) -> bytes:
    items = "".join(f'<item rdf:about="https://e.example/{n}"><title>{t}</title>'
                    f"<link>https://e.example/{n}</link></item>" for n, t in enumerate(titles))
    return ('<?xml version="1.0" encoding="utf-8"?><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://e.example/c">'
            "<title>T</title><link>https://e.example/</link></channel>"
            f"{items}</rdf:RDF>").encode()


def _atom_doc(titles: list[str], kind: str) -> bytes:
    entries = "".join(f"<entry><title type='{kind}'>{t}</title><id>urn:e:{n}</id>"
                      f"<link href='https://e.example/{n}'/></entry>"
                      for n, t in enumerate(titles))
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>T</title><id>urn:e</id>{entries}</feed>").encode()


def _titles(body: bytes, fast: bool, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(parse, "FAST_PATH", fast)
    feed = parse.parse_feed(body, "https://e.example/feed")
    assert all(is_terminal_safe(e.title) for e in feed.entries)
    return [e.title for e in feed.entries]


# (as written in the XML document, what the reader shows)
RSS_TITLES = [
    ("&lt;b&gt;Title&lt;/b&gt; with &lt;i&gt;html&lt;/i&gt;", "Title with html"),
    ("<![CDATA[<b>Title</b> with <i>html</i>]]>", "Title with html"),
    ("&amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; move", "bold move"),  # escaped twice
    ("&lt;a href='https://e.example/x'&gt;Linked&lt;/a&gt; post", "Linked post"),
    ("AT&amp;T", "AT&T"),
    ("Don&amp;amp;#8217;t &amp;amp; won&amp;amp;#8217;t", "Don\u2019t & won\u2019t"),
    ("a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"),
    ("Use &lt;div&gt; wisely", "Use <div> wisely"),
    ("The &lt;em&gt; element", "The <em> element"),
    ("&lt;script&gt;alert(1)&lt;/script&gt; tips", "<script>alert(1)</script> tips"),
    ("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; tips",
     "<script>alert(1)</script> tips"),
    ("Tom &amp; Jerry &lt;3", "Tom & Jerry <3"),
    ("Line&lt;br&gt;break", "Line break"),
    ("&amp;amp;#27;[2Jgone &amp;amp;#x202e;bidi", "[2Jgone bidi"),
]
ATOM_TEXT_TITLES = [
    ("&lt;b&gt;Title&lt;/b&gt; with &lt;i&gt;html&lt;/i&gt;", "Title with html"),
    ("AT&amp;T", "AT&T"),
    ("AT&amp;amp;T", "AT&T"),  # escaped once too often
    ("x &lt; y", "x < y"),
    ("Use &lt;div&gt; wisely", "Use <div> wisely"),
    ("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; tips",
     "<script>alert(1)</script> tips"),
    ("Caf&amp;#233; &amp;#x1F600;", "Caf\u00e9 \U0001f600"),
    ("&amp;copy &amp;copyright &amp;nosuch;", "&copy &copyright &nosuch;"),
]
ATOM_HTML_TITLES = [
    ("&lt;b&gt;Title&lt;/b&gt; with &lt;i&gt;html&lt;/i&gt;", "Title with html"),
    ("&amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; move", "bold move"),
    ("&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; tips",
     "<script>alert(1)</script> tips"),
    ("AT&amp;amp;T", "AT&T"),
    ("a &amp;lt; b", "a < b"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;Real", "Real"),  # real HTML: the script is dropped
]


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "feedparser"])
def test_rss2_titles_show_what_the_author_meant(fast: bool,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    body = _rss2_doc([raw for raw, _ in RSS_TITLES])
    assert _titles(body, fast, monkeypatch) == [want for _, want in RSS_TITLES]


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "feedparser"])
def test_rss1_titles_show_what_the_author_meant(fast: bool,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    body = _rss1_doc([raw for raw, _ in RSS_TITLES])
    assert _titles(body, fast, monkeypatch) == [want for _, want in RSS_TITLES]


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "feedparser"])
def test_atom_text_titles_show_what_the_author_meant(fast: bool,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    body = _atom_doc([raw for raw, _ in ATOM_TEXT_TITLES], "text")
    assert _titles(body, fast, monkeypatch) == [want for _, want in ATOM_TEXT_TITLES]


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "feedparser"])
def test_atom_html_titles_show_what_the_author_meant(fast: bool,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    body = _atom_doc([raw for raw, _ in ATOM_HTML_TITLES], "html")
    assert _titles(body, fast, monkeypatch) == [want for _, want in ATOM_HTML_TITLES]


def test_json_feed_titles_show_what_the_author_meant() -> None:
    cases = [
        ("<b>Title</b> with <i>html</i>", "Title with html"),
        ("&lt;script&gt;alert(1)&lt;/script&gt; tips", "<script>alert(1)</script> tips"),
        ("AT&amp;T", "AT&T"),
        ("AT&T and Q&A", "AT&T and Q&A"),
        ("Don&#8217;t panic", "Don\u2019t panic"),
        ("a < b > c", "a < b > c"),
        ("Use <div> wisely", "Use <div> wisely"),
        ("<a href=\"https://e.example/\">Linked</a> &amp; <em>emphasised</em>",
         "Linked & emphasised"),
        ("&#27;[31mred&#x1b; &#8238;bidi", "[31mred bidi"),
    ]
    body = json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "<b>Feed</b> &amp; co",
        "items": [{"id": str(n), "title": raw, "url": f"https://e.example/{n}"}
                  for n, (raw, _) in enumerate(cases)],
    }).encode()
    feed = parse.parse_feed(body, "https://e.example/feed.json", "application/feed+json")
    assert feed.title == "Feed & co"
    assert [e.title for e in feed.entries] == [want for _, want in cases]
    assert all(is_terminal_safe(e.title) for e in feed.entries)
