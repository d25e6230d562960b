"""Feed discovery: sniffing responses and finding feed links in real-looking pages."""

from __future__ import annotations

import codecs
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toaster_tui.feeds.discover import find_feed_links, looks_like_feed

# --- looks_like_feed ------------------------------------------------------------

RSS = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel/></rss>'
ATOM = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'
RDF = (b'<?xml version="1.0"?>\n<!-- generated -->\n'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>')
RSS_091 = (b'<?xml version="1.0" encoding="ISO-8859-1" ?>\n'
           b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"\n'
           b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"/>')
JSON_FEED = json.dumps({"title": "x", "items": [],
                        "version": "https://jsonfeed.org/version/1.1"}).encode()
HTML_PAGE = b"<!DOCTYPE html>\n<html lang='en'><head><title>Blog</title></head><body/></html>"


@pytest.mark.parametrize("content_type", [
    "application/rss+xml", "application/atom+xml; charset=utf-8", "application/rdf+xml",
    "application/feed+json", "APPLICATION/X-RSS+XML", "application/xml", "text/xml",
    "application/json",
])
def test_feed_media_types(content_type: str) -> None:
    assert looks_like_feed(content_type, b"")


@pytest.mark.parametrize("body", [
    RSS, ATOM, RDF, RSS_091, JSON_FEED,
    codecs.BOM_UTF8 + RSS,
    codecs.BOM_UTF16_LE + RSS.decode().replace("UTF-8", "UTF-16").encode("utf-16-le"),
    b"\n\n  \t<?xml version='1.0'?><?xml-stylesheet href='feed.xsl'?><!-- a\n> b --><feed/>",
    b"<rss>",  # truncated still counts: the parser will say what is wrong
    b'  {"items": [], "version": "https://jsonfeed.org/version/1"}',
])
def test_feed_bodies_behind_a_vague_media_type(body: bytes) -> None:
    assert looks_like_feed("text/html; charset=utf-8", body)
    assert looks_like_feed(None, body)
    assert looks_like_feed("application/octet-stream", body)


@pytest.mark.parametrize(("content_type", "body"), [
    ("text/html", HTML_PAGE),
    (None, HTML_PAGE),
    ("application/xml", b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"/>'),
    ("application/xhtml+xml", b"<html/>"),
    ("text/plain", b"<feedback>not a feed</feedback>"),
    ("text/plain", b"<rssreader/>"),
    (None, b'{"version": "2.0", "items": []}'),
    (None, b'{"version": 1.1}'),
    (None, b"[1, 2, 3]"),
    (None, b'{"version": "https://jsonfeed.org/version/1.1"'),  # broken JSON
    (None, b'{"a":' * 100_000),  # absurd nesting must not raise
    (None, b"\xff\xfe\x00garbage"),
    (None, b""),
    ("image/png", b"\x89PNG\r\n\x1a\n"),
    (None, b"<!-- never closed"),
])
def test_not_feeds(content_type: str | None, body: bytes) -> None:
    assert not looks_like_feed(content_type, body)


# --- find_feed_links ------------------------------------------------------------

WORDPRESS = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Slow Rails &#8211; Night trains and branch lines</title>
<link rel='dns-prefetch' href='//fonts.example.net' />
<link rel="alternate" type="application/rss+xml" title="Slow Rails &raquo; Feed"
      href="https://slowrails.example/feed/" />
<link rel="alternate" type="application/rss+xml" title="Slow Rails &raquo; Comments Feed"
      href="https://slowrails.example/comments/feed/" />
<link rel="alternate" hreflang="de" href="https://slowrails.example/de/" />
<link rel="alternate" type="application/json+oembed"
      href="https://slowrails.example/wp-json/oembed/1.0/embed?url=x" />
<link rel="https://api.w.org/" href="https://slowrails.example/wp-json/" />
<link rel='stylesheet' id='theme-css' href='/wp-content/themes/x/style.css' media='all' />
<script>var x = "<link rel='alternate' type='application/rss+xml' href='/fake'>";</script>
</head>
<body class="home blog">
<a href="/feed/">Subscribe</a>
<p>Posts about <a href="/tag/sleeper/">sleepers</a>.</p>
</body>
</html>
"""

HUGO = """<!doctype html><html><head>
<base href="https://blog.example/posts/">
<LINK REL="Alternate" TYPE="application/atom+xml" HREF="../index.xml">
<link rel="alternate feed" type="application/feed+json" href="feed.json">
<link rel="alternate" type="application/rss+xml" href="//blog.example/index.xml#top">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml" href="   ">
<link rel="alternate" type="application/rdf+xml" href="/rss10.rdf">
<link rel="alternate" type="application/json" href="/api/feed?format=json&amp;v=1">
</head><body></body></html>"""

NO_LINK_TAGS = """<html><head><title>Field Notes</title></head><body>
<nav>
  <a href="/about">About</a>
  <a href="https://elsewhere.example/feed.xml">A friend's feed</a>
  <a href="/sitemap.xml">Sitemap</a>
  <a href="mailto:lab@fieldnotes.example">Mail</a>
  <a href="https://www.fieldnotes.example/atom.xml">Atom</a>
  <a href="/feed.json">JSON Feed</a>
  <a href="/blog/rss?utm_source=nav">RSS</a>
  <a href="/blog/rss?utm_source=footer">RSS again</a>
  <a href="/posts/2026/why-feeds">Why feeds</a>
  <a href="/feed.json">JSON Feed (dup)</a>
  <a>no href</a>
</nav></body></html>"""


def test_wordpress_page_lists_posts_then_comments() -> None:
    assert find_feed_links(WORDPRESS, "https://slowrails.example/") == [
        "https://slowrails.example/feed/",
        "https://slowrails.example/comments/feed/",
    ]


def test_hugo_page_with_base_relative_and_odd_markup() -> None:
    assert find_feed_links(HUGO, "https://blog.example/posts/hello/") == [
        "https://blog.example/index.xml",
        "https://blog.example/posts/feed.json",
        "https://blog.example/rss10.rdf",
        "https://blog.example/api/feed?format=json&v=1",
    ]


def test_falls_back_to_same_host_anchors() -> None:
    assert find_feed_links(NO_LINK_TAGS, "https://fieldnotes.example/") == [
        "https://www.fieldnotes.example/atom.xml",
        "https://fieldnotes.example/feed.json",
        "https://fieldnotes.example/blog/rss?utm_source=nav",
        "https://fieldnotes.example/blog/rss?utm_source=footer",
    ]


def test_no_feed_anywhere() -> None:
    page = "<html><body><a href='/about'>About</a><a href='/feed-the-cat'>Cat</a></body></html>"
    assert find_feed_links(page, "https://x.example/") == []
    assert find_feed_links("", "https://x.example/") == []


FOUND = ["https://x.example/feed.xml"]


@pytest.mark.parametrize(("html", "expected"), [
    # A tag cut off at the end of the input is dropped, as browsers do.
    ("<html><head><link rel=alternate type=application/rss+xml href=/feed.xml", []),
    ("<link rel='alternate' type='application/rss+xml' href='/feed.xml'><![if !IE]><p>", FOUND),
    ("<link rel='alternate' type='application/rss+xml' href='/feed.xml'><!unclosed", FOUND),
    ("<link rel='alternate' type='application/rss+xml' href='/feed.xml'><div <<< >>> </", FOUND),
    ("<link rel='alternate' type='application/rss+xml' href='/feed.xml'></html>&#xffffff;",
     FOUND),
    ("<link rel=alternate type=application/rss+xml href=/feed.xml/>", ["https://x.example/feed.xml/"]),
])
def test_malformed_html_keeps_what_it_found(html: str, expected: list[str]) -> None:
    assert find_feed_links(html, "https://x.example/") == expected


def test_bad_urls_are_skipped_not_raised() -> None:
    page = ("<link rel=alternate type=application/rss+xml href='http://[::1'>"
            "<link rel=alternate type=application/rss+xml href='https://ok.example/f'>")
    assert find_feed_links(page, "https://x.example/") == ["https://ok.example/f"]
    assert find_feed_links("<a href='/feed'>", "not a url") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/='\" !-[]&#;abcdefhlinkrtpx\n")), max_size=200))
def test_never_raises(html: str) -> None:
    links = find_feed_links(html, "https://x.example/")
    assert all(url.startswith(("http://", "https://")) for url in links)
