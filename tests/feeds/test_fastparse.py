"""The fast parse path against the reference: feedparser and html_convert.html_to_text.

fastparse must read every document it accepts exactly as feedparser does (the
fields parse.py takes from it), and html_text must give the lines
html_convert.html_to_text gives. The corpus: the benchmark farm's feeds, the test
samples, the demo feeds, hand-written edge cases and generated documents.
"""

from __future__ import annotations

import dataclasses
import glob
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import feedsamples as fs
from toaster_tui.core.errors import FeedError
from toaster_tui.core.sanitize import is_terminal_safe
from toaster_tui.feeds import feedguard, parse
from toaster_tui.feeds.fastparse.plain_text import html_text, html_text_words
from toaster_tui.feeds.fastparse.raw_feed import RawFeed
from toaster_tui.feeds.fastparse.reader import parse_xml
from toaster_tui.reading.entry_fields import plain_title
from toaster_tui.reading.html_convert import html_to_markdown, html_to_text
from toaster_tui.reading.quotes import key_quotes

ROOT = Path(__file__).resolve().parents[2]
URL = "http://127.0.1.7:8080/feeds/main.xml"


def _load_farm() -> ModuleType:
    spec = importlib.util.spec_from_file_location("farm", ROOT / "benchmarks" / "farm.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["farm"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


farm = _load_farm()


def readings(body: bytes, content_type: str | None = None, *, sanitize: bool = False,
             resolve: bool = False) -> tuple[RawFeed, RawFeed | None]:
    """(feedparser's reading, the fast path's or None) of the guarded document."""
    data, ctype = feedguard.guard_xml(body, URL, content_type)
    old = parse.SANITIZE_HTML, parse.RESOLVE_RELATIVE_URIS
    parse.SANITIZE_HTML, parse.RESOLVE_RELATIVE_URIS = sanitize, resolve
    try:
        ref = parse._read_with_feedparser(data, URL, ctype)
    finally:
        parse.SANITIZE_HTML, parse.RESOLVE_RELATIVE_URIS = old
    fast = parse_xml(data, URL, ctype, sanitize_html=sanitize,
                     resolve_relative_uris=resolve)
    return ref, fast


def assert_same(ref: RawFeed, fast: RawFeed) -> None:
    assert (fast.title, fast.link, fast.language) == (ref.title, ref.link, ref.language)
    assert len(fast.entries) == len(ref.entries)
    for a, b in zip(ref.entries, fast.entries, strict=True):
        assert dataclasses.asdict(b) == dataclasses.asdict(a)


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.split("\n") if line.strip()]


# --- the corpus ------------------------------------------------------------------

def _farm_docs() -> list[tuple[str, bytes, str | None]]:
    out = []
    for k in range(24):
        doc = farm.make_feed(k, entries=8)
        out.append((f"farm-{k}", doc.body, doc.content_type))
    return out


def _sample_docs() -> list[tuple[str, bytes, str | None]]:
    items = fs.make_items("alpha", 6)
    items.append(fs.Item("odd", "Tom &amp; Jerry <b>bold</b>", "https://example.org/odd",
                         fs.BASE_TIME, html="<p>One &amp; two</p>\n\n<p>Three</p>",
                         categories=("A", "a", "B")))
    docs = [("rss2", fs.rss2(items), "application/rss+xml"),
            ("rss1", fs.rss1(items), None),
            ("atom", fs.atom(items), "application/atom+xml; charset=utf-8")]
    for path in sorted(glob.glob(str(ROOT / "src/toaster_tui/demo/data/*.xml"))):
        docs.append((Path(path).name, Path(path).read_bytes(), None))
    return docs


def _rss(items: str, channel: str = "", head: str = "", version: str = "2.0") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="{version}" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:atom="http://www.w3.org/2005/Atom" '
            f'{head}><channel><title>Edge</title><link>https://edge.example/</link>'
            f'{channel}{items}</channel></rss>').encode()


def _atom(entries: str, head: str = "", feed: str = "") -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom" {head}><title>Edge Atom</title>'
            f'<link href="https://edge.example/"/><id>urn:x:feed</id>{feed}{entries}'
            '</feed>').encode()


EDGE_DOCS: list[tuple[str, bytes, str | None]] = [
    ("html-title", _rss("<item><title>Tom &amp;amp; Jerry &lt;b&gt;x&lt;/b&gt;</title>"
                        "<link>https://e.example/1</link></item>"), None),
    ("entity-title", _rss("<item><title>Caf&#233; &#150; &#8220;q&#8221;</title></item>"),
     None),
    ("guid-permalink", _rss("<item><guid>https://e.example/g</guid></item>"
                            "<item><guid isPermaLink='false'>abc</guid></item>"
                            "<item><guid>rel/path</guid><link>https://e.example/l</link></item>"
                            "<item><link>https://e.example/l2</link><guid>x</guid></item>"
                            "<item><guid isPermaLink='True'>rel2</guid></item>"), None),
    ("relative-link", _rss("<item><link>/posts/1?a=1&amp;b=2</link><title>r</title>"
                           "</item><item><link></link><guid>https://e.example/z</guid></item>"),
     None),
    ("content-first", _rss("<item><content:encoded><![CDATA[<p>Body <a href='/x'>l</a>"
                           "</p>]]></content:encoded><description>Desc &lt;i&gt;it&lt;/i&gt;"
                           "</description></item>"), None),
    ("only-content", _rss("<item><content:encoded>&lt;p&gt;Only&lt;/p&gt;</content:encoded>"
                          "</item>"), None),
    ("two-descriptions", _rss("<item><description>a</description><description>b"
                              "</description></item>"), None),
    ("languages", _rss("<item><title>t</title><dc:language>de</dc:language></item>"
                       "<item><title>u</title></item>", channel="<language>fr-CA</language>"),
     None),
    ("lang-attr", _rss("<item xml:lang='it'><title>t</title><description>d</description>"
                       "</item>"), None),
    ("categories", _rss("<item><category domain='d'>Foo</category><category>Foo</category>"
                        "<category domain='x'></category><category>  Bar </category>"
                        "<dc:subject>Baz</dc:subject></item>"), None),
    ("dates", _rss("<item><pubDate>Tue, 5 Jan 2021 10:00 EST</pubDate></item>"
                   "<item><pubDate>2021-01-05</pubDate><dc:date>garbage</dc:date></item>"
                   "<item><pubDate></pubDate><atom:updated>2020-02-03T04:05:06Z"
                   "</atom:updated></item>"), None),
    ("authors", _rss("<item><author>jo@e.example (Jo Writer)</author></item>"
                     "<item><dc:creator> Ann &amp; Bo </dc:creator></item>"
                     "<item><author>x</author><dc:creator>y</dc:creator></item>"), None),
    ("mojibake", _rss("<item><title>Caf\u00c3\u00a9 d\u00e9j\u00e0</title></item>"), None),
    ("no-title", _rss("<item><description>Only a description here.</description></item>"
                      "<item><title></title><link>https://e.example/t</link></item>"), None),
    ("atom-link-in-item", _rss("<item><atom:link href='https://e.example/a' "
                               "rel='alternate'/><title>t</title></item>"), None),
    ("extensions", _rss("<item><title>t</title><comments>/c</comments><enclosure url='/e.mp3'"
                        " length='1' type='audio/mpeg'/><wfw:commentRss>/f</wfw:commentRss>"
                        "<slash:comments>3</slash:comments></item>",
                        head='xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
                             'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"'), None),
    ("wordpress-post-id", _rss("<item><title>t</title><post-id xmlns='com-wordpress:feed-"
                               "additions:1'>42</post-id></item>"), None),
    ("default-ns-clash", _rss("<item><title xmlns='urn:other'>bad</title></item>"), None),
    ("prefix-clash", _rss("<item><dc:creator>x</dc:creator></item>").replace(
        b'xmlns:dc="http://purl.org/dc/elements/1.1/"', b'xmlns:dc="urn:not-dc"'), None),
    ("media", _rss("<item><title>t</title><media:title>m</media:title></item>",
                   head='xmlns:media="http://search.yahoo.com/mrss/"'), None),
    ("itunes", _rss("<item><title>t</title><itunes:duration>1:00</itunes:duration>"
                    "<itunes:summary>s</itunes:summary></item>",
                    head='xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'), None),
    ("image-first", _rss("<item><title>t</title></item>",
                         channel="<image><url>https://e.example/i.png</url><title>Img</title>"
                                 "<link>https://e.example/</link></image>"), None),
    ("channel-title-after-items", (
        b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>i</title></item>'
        b"<title>Late</title></channel></rss>"), None),
    ("rss091", _rss("<item><title>t</title></item>", version="0.91"), None),
    ("rdf-image-first", (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0/"><image rdf:about="i"><title>Img</title>'
        b"<url>https://e.example/i</url><link>https://e.example/</link></image>"
        b'<channel rdf:about="c"><title>Chan</title><link>https://e.example/</link>'
        b'</channel><item rdf:about="https://e.example/1"><title>One</title></item>'
        b"</rdf:RDF>"), None),
    ("atom-variety", _atom(
        "<entry xml:lang='de'><title type='html'>A &amp;lt;b&amp;gt; &amp;amp; B</title>"
        "<id>https://e.example/a</id><published>2021-03-04T05:06:07+02:00</published>"
        "<author><name>Ann</name><email>ann@e.example</email></author>"
        "<category term='t1' label='L'/><category label='only-label'/>"
        "<category scheme='s'/><summary>Plain\n\nsummary &amp; more</summary>"
        "<content type='text'>Text\n\nbody</content>"
        "<link rel='enclosure' href='https://e.example/e.mp3'/>"
        "<link rel='alternate' type='text/html' href='/a.html'/></entry>"
        "<entry><title>No link</title><id>tag:e.example,2020:1</id>"
        "<updated>2020-01-01T00:00:00Z</updated><author><uri>https://e.example</uri>"
        "</author><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>"
        "<p>Hi<br/>there &amp; <a href='https://e.example/x'>x</a></p></div></content>"
        "</entry>"
        "<entry><title type='text'>x &lt; y</title><content type='xhtml'>"
        "<div xmlns='http://www.w3.org/1999/xhtml'>a</div><div xmlns="
        "'http://www.w3.org/1999/xhtml'>b</div></content><summary type='html'>"
        "&lt;p&gt;S&lt;/p&gt;</summary></entry>", head="xml:lang='en_GB'"), None),
    ("atom-two-authors", _atom("<entry><title>t</title><author><name>a</name></author>"
                               "<author><name>b</name></author></entry>"), None),
    ("atom-base", _atom("<entry xml:base='https://other.example/'><title>t</title>"
                        "<link href='x'/></entry>"), None),
    ("atom-content-src", _atom("<entry><title>t</title><content src='https://e.example/c'/>"
                               "</entry>"), None),
    ("atom-no-lang", _atom("<entry><title>t</title><content type='html'>&lt;p&gt;x"
                           "&lt;/p&gt;</content></entry>",
                           feed="<subtitle>s</subtitle><updated>2020-01-01T00:00:00Z"
                                "</updated><author><name>F</name></author>"), None),
    ("text-xml-ascii", _rss("<item><title>plain</title></item>"), "text/xml"),
    ("text-xml-utf8", _rss("<item><title>\u00e9t\u00e9</title></item>"), "text/xml"),
    ("latin1", ('<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel>'
                "<title>\u00e9t\u00e9</title><item><title>\u00e0 la</title></item></channel>"
                "</rss>").encode("latin-1"), None),
    ("doctype", (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY nbsp "&#160;">]>'
                 b'<rss version="2.0"><channel><title>a&nbsp;b</title></channel></rss>'), None),
    ("bom", b"\xef\xbb\xbf" + _rss("<item><title>bom</title></item>"), None),
    ("markup-in-title", _rss("<item><title>a <b>b</b></title></item>"), None),
    ("rss-in-atom-ns-first", (
        b'<?xml version="1.0"?><rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">'
        b"<channel><title>T &amp;amp; U</title><item><title>A &amp;amp; B</title></item>"
        b"</channel></rss>"), None),
]

# Titles with markup, escaped once, twice, or where the format says text: both paths
# must read them the same, and both must show the same clean title.
_TITLE_MARKUP = ("&lt;b&gt;Title&lt;/b&gt; with &lt;i&gt;html&lt;/i&gt;",
                 "&amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; move", "AT&amp;amp;T &amp; Co",
                 "Use &lt;div&gt; wisely", "a &lt; b", "&lt;script&gt;x&lt;/script&gt; tips",
                 "&amp;lt;script&amp;gt;x&amp;lt;/script&amp;gt; tips",
                 "Don&amp;amp;#8217;t &lt;a href='/x'&gt;go&lt;/a&gt;")
TITLE_DOCS: list[tuple[str, bytes, str | None]] = [
    ("rss2-titles", _rss("".join(f"<item><title>{t}</title></item>" for t in _TITLE_MARKUP)),
     None),
    ("rss1-titles", (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="c"><title>Chan</title>'
        "<link>https://e.example/</link></channel>"
        + "".join(f'<item rdf:about="https://e.example/{n}"><title>{t}</title></item>'
                  for n, t in enumerate(_TITLE_MARKUP)) + "</rdf:RDF>").encode(), None),
    *((f"atom-{kind}-titles", _atom("".join(
        f"<entry><title type='{kind}'>{t}</title><id>urn:t:{n}</id></entry>"
        for n, t in enumerate(_TITLE_MARKUP))), None) for kind in ("text", "html")),
]
EDGE_DOCS += TITLE_DOCS
# What the reader shows for _TITLE_MARKUP. An RSS title is HTML (feedparser's
# guess); an Atom type="text" title holds one level less markup, so text escaped
# in it on purpose stays visible; an Atom type="html" title is real HTML.
_RSS_SHOWN = ["Title with html", "bold move", "AT&T & Co", "Use <div> wisely", "a < b",
              "<script>x</script> tips", "<script>x</script> tips", "Don\u2019t go"]
TITLES_SHOWN = {
    "rss2-titles": _RSS_SHOWN,
    "rss1-titles": _RSS_SHOWN,
    "atom-text-titles": ["Title with html", "<b>bold</b> move", "AT&T & Co",
                         "Use <div> wisely", "a < b", "<script>x</script> tips",
                         "<script>x</script> tips", "Don&#8217;t go"],
    "atom-html-titles": ["Title with html", "bold move", "AT&T & Co", "Use wisely", "a < b",
                         "tips", "<script>x</script> tips", "Don\u2019t go"],
}

# Podcasts: RSS <enclosure>, Atom and atom:link rel="enclosure", itunes:duration.
_ITUNES = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
PODCAST_DOCS: list[tuple[str, bytes, str | None]] = [
    ("podcast-rss", _rss(
        "<item><title>Ep 1</title><guid isPermaLink='false'>ep1</guid>"
        "<enclosure url='https://cdn.e.example/ep1.mp3' length='98765432' type='Audio/MPEG'/>"
        "<itunes:duration>1:52:00</itunes:duration><itunes:explicit>no</itunes:explicit>"
        "</item><item><title>Ep 2</title><enclosure url='/rel/ep2.mp4' type='video/mp4'/>"
        "<enclosure url='https://e.example/x.pdf' length='-5' type='application/pdf'/>"
        "<itunes:duration> 2040 </itunes:duration><itunes:duration>99</itunes:duration>"
        "</item><item><title>Ep 3</title><atom:link rel='Enclosure' href='/a/ep3.ogg' "
        "length='12'/><enclosure url='javascript:alert(1)' type='audio/mpeg'/>"
        "<itunes:duration>1:75</itunes:duration></item>"
        "<item><title>Ep 4</title><enclosure url='https://e.example/4.m4a' length=''/>"
        "<itunes:duration></itunes:duration></item>", head=_ITUNES), None),
    ("podcast-atom", _atom(
        "<entry><title>E</title><id>urn:e</id><link rel='enclosure' type='audio/ogg' "
        "href='https://e.example/e.ogg' length='100' title='x'/>"
        "<link rel='alternate' href='https://e.example/e'/>"
        "<link rel='enclosure' href='rel.mp3'/></entry>")
     , "application/atom+xml"),
]
EDGE_DOCS += PODCAST_DOCS

CORPUS = _farm_docs() + _sample_docs() + EDGE_DOCS
ALWAYS_FAST = {name for name, _, _ in
               _farm_docs() + _sample_docs() + TITLE_DOCS + PODCAST_DOCS}


@pytest.mark.parametrize(("name", "body", "ctype"), CORPUS, ids=[c[0] for c in CORPUS])
def test_fast_path_reads_what_feedparser_reads(name: str, body: bytes,
                                               ctype: str | None) -> None:
    try:
        ref, fast = readings(body, ctype)
    except FeedError:
        return
    if name in ALWAYS_FAST:
        assert fast is not None, f"{name} should take the fast path"
    if fast is not None:
        assert_same(ref, fast)


def test_the_fast_path_accepts_most_edge_cases() -> None:
    taken = [name for name, body, ctype in EDGE_DOCS if readings(body, ctype)[1] is not None]
    assert len(taken) >= len(EDGE_DOCS) // 2, taken


@pytest.mark.parametrize(("name", "body", "ctype"), CORPUS, ids=[c[0] for c in CORPUS])
def test_with_feedparser_sanitizing_it_renders_the_same(name: str, body: bytes,
                                                        ctype: str | None) -> None:
    """With sanitize/resolve on, clean bodies are kept as they are: they must
    render exactly as feedparser's sanitized HTML does."""
    try:
        ref, fast = readings(body, ctype, sanitize=True, resolve=True)
    except FeedError:
        return
    if fast is None:
        return
    assert (fast.link, fast.language) == (ref.link, ref.language)
    assert plain_title(fast.title) == plain_title(ref.title)
    for a, b in zip(ref.entries, fast.entries, strict=True):
        for field in ("raw_id", "link", "author", "published", "updated", "categories",
                      "language"):
            assert getattr(b, field) == getattr(a, field), field
        assert plain_title(b.title_html) == plain_title(a.title_html)
        for field in ("content_html", "summary_html"):
            x, y = getattr(a, field), getattr(b, field)
            assert html_to_markdown(y, URL) == html_to_markdown(x, URL), field
            assert lines(html_to_text(y)) == lines(html_to_text(x)), field
            assert key_quotes(y) == key_quotes(x), field


def test_parse_feed_is_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    for _name, body, ctype in _farm_docs()[:6] + _sample_docs():
        monkeypatch.setattr(parse, "FAST_PATH", False)
        slow = parse.parse_feed(body, URL, ctype)
        monkeypatch.setattr(parse, "FAST_PATH", True)
        quick = parse.parse_feed(body, URL, ctype)
        assert quick == slow


def test_podcasts_parse_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    for _name, body, ctype in PODCAST_DOCS:
        monkeypatch.setattr(parse, "FAST_PATH", False)
        slow = parse.parse_feed(body, URL, ctype)
        monkeypatch.setattr(parse, "FAST_PATH", True)
        quick = parse.parse_feed(body, URL, ctype)
        assert quick == slow
        assert any(e.enclosures for e in quick.entries)


def test_titles_with_markup_read_the_same_and_clean_either_way(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name, body, ctype in TITLE_DOCS:
        monkeypatch.setattr(parse, "FAST_PATH", False)
        slow = parse.parse_feed(body, URL, ctype)
        monkeypatch.setattr(parse, "FAST_PATH", True)
        quick = parse.parse_feed(body, URL, ctype)
        assert quick == slow
        assert [e.title for e in quick.entries] == TITLES_SHOWN[name]


# --- generated documents -----------------------------------------------------------

_TEXT = st.text(alphabet=st.sampled_from(list("ab \n&<>\"'é–\u00c3\u00a9;#x1/")), max_size=12)
_ITEM_PARTS = st.lists(st.one_of(
    st.builds(lambda t: f"<title>{escape(t)}</title>", _TEXT),
    st.builds(lambda t: f"<title type='html'>{escape(t)}</title>", _TEXT),
    st.builds(lambda t: f"<link>{escape(t)}</link>", _TEXT),
    st.builds(lambda t, p: f"<guid isPermaLink='{p}'>{escape(t)}</guid>", _TEXT,
              st.sampled_from(["true", "false", "TRUE"])),
    st.builds(lambda t: f"<description>{escape(t)}</description>", _TEXT),
    st.builds(lambda t: f"<content:encoded><![CDATA[{t.replace(']]>', '')}]]></content:encoded>",
              _TEXT),
    st.builds(lambda t: f"<dc:creator>{escape(t)}</dc:creator>", _TEXT),
    st.builds(lambda t, d: f"<category{d}>{escape(t)}</category>", _TEXT,
              st.sampled_from(["", " domain='x'", " term='t'"])),
    st.builds(lambda t: f"<pubDate>{escape(t)}</pubDate>", _TEXT),
    st.sampled_from(["<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>",
                     "<dc:date>2023-05-06T07:08:09+01:00</dc:date>",
                     "<dc:language>pt_BR</dc:language>", "<comments>/c</comments>",
                     "<atom:link href='/rel' rel='alternate'/>", "<source>S</source>"]),
), max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ITEM_PARTS, min_size=1, max_size=3),
       st.sampled_from(["", "<language>de</language>"]))
def test_generated_rss_reads_the_same(items: list[list[str]], channel: str) -> None:
    body = _rss("".join("<item>" + "".join(parts) + "</item>" for parts in items), channel)
    try:
        ref, fast = readings(body, "application/rss+xml")
    except FeedError:
        return
    if fast is not None:
        assert_same(ref, fast)


# --- plain text ---------------------------------------------------------------------

HTML_CASES = [
    "",
    "plain text\n\nwith a paragraph break &amp; an entity",
    "<p>Hello <a href='x'>world</a> &amp; more.</p>\n<h2>Head<br>line</h2>",
    "<ul><li>One</li><li>Two <em>item</em></li></ul><ol><li>a<li>b</ol>",
    "<blockquote><p>Quoted.</p></blockquote><p>After</p>tail text",
    "<pre><code>for (i = 0; i &lt; n; i++) {\n    x += 1;\n}</code></pre><p>after</p>",
    "<pre>\nleading newline<br>br line</pre>",
    "<figure><img src='a.jpg' alt='Alt'><figcaption>Cap.</figcaption></figure>",
    "a<b>b</b>c <q>quote</q> <q/> </q> stray q end",
    "<p>a</p></p>b",
    "x<hr>y</hr>z",
    "<div>a<p>b</div>c",
    "<table><tr><td>x</td><td>y</td></tr></table>",
    "<script>alert(1)</script><p>shown</p>",
    "a < b and c > d",
    "<!-- comment --><p>x</p>",
    "&am<b></b>p; &#27;[31m &#8238;rtl &#0; &#x1F600;",
    "<P CLASS=x>Upper</P><BR/>case",
    "<h1>a<h2>b</h2>c<br>d</h1>",
    "<li>orphan</li><li>items</li>",
    "<p>\u202edanger\u001b[2J\x07</p>",
    "x\ue0f1y\ue0f2z\ue0f3",
    "<p>a &#xe0f1; b &#58097;</p><p>c &#xe0f3;</p>",  # references spelling private-use text
    "<pre>a<p>b</p>c</pre>",
    "<pre><pre>nested</pre>still</pre>after",
    "<p>one\n\n\ntwo</p><span>a\n\nb</span>",
    "<a href=x>unquoted</a><img src=y alt=z>",
    # MathML: the TeX annotation once, or the text when there is none.
    '<p>E is <math><semantics><mrow><mi>m</mi><msup><mi>c</mi><mn>2</mn></msup></mrow>'
    '<annotation encoding="application/x-tex">mc^2</annotation></semantics></math>.</p>'
    '<math display="block"><mi>x</mi><mo>=</mo><mn>1</mn></math>after',
]


@pytest.mark.parametrize("html", HTML_CASES)
def test_html_text_gives_html_to_text_lines(html: str) -> None:
    assert lines(html_text(html)) == lines(html_to_text(html))
    text, words = html_text_words(html)
    assert words == len(text.split())  # the read time is counted from these


def test_html_text_on_every_corpus_body() -> None:
    checked = 0
    for _name, body, ctype in CORPUS:
        try:
            ref, _fast = readings(body, ctype)
        except FeedError:
            continue
        for e in ref.entries:
            for html in (e.content_html, e.summary_html, e.title_html):
                text, words = html_text_words(html)
                assert lines(text) == lines(html_to_text(html)), html
                assert words == len(text.split()), html
                checked += 1
    assert checked > 300


_HTML_ALPHABET = st.sampled_from([
    "<p>", "</p>", "<br>", "<br/>", "</br>", "<li>", "</li>", "<ul>", "</ul>", "<pre>",
    "</pre>", "<q>", "</q>", "<h2>", "</h2>", "<b>", "</b>", "<a href='x'>", "</a>", "<hr>",
    "<div>", "</div>", "<img src='i'>", "<td>", "<!--c-->", "&amp;", "&lt;p&gt;", "&#10;",
    "&nbsp;", "a", "b c", " ", "\n", "\n\n", "<", ">", "&", "x.", "\t", "<ol>", "</ol>",
    "<blockquote>", "</blockquote>", "<span>", "</span>", "<p/>", "<li/>", "<h1>", "</h1>",
    "<code>", "</code>", "<figure>", "</figure>", "</li>", "<em>", "</em>", "<wbr>",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_HTML_ALPHABET, max_size=40))
def test_generated_html_gives_the_same_lines(parts: list[str]) -> None:
    html = "".join(parts)
    out, words = html_text_words(html)
    assert lines(out) == lines(html_to_text(html))
    assert words == len(out.split())
    assert is_terminal_safe(out)


@pytest.mark.parametrize("hostile", [
    "<a" * 50_000, "<p>" * 50_000, "</p>" * 50_000, "<pre>" * 30_000,
    "&" * 100_000, "<b>" + "x " * 200_000, "<p " + "a=1 " * 50_000 + ">",
    "\x1b[31m" * 20_000, "<q>" * 40_000,
])
def test_html_text_is_bounded_on_hostile_input(hostile: str) -> None:
    began = time.perf_counter()
    out = html_text(hostile)
    assert time.perf_counter() - began < 5
    assert is_terminal_safe(out)
