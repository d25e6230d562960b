"""Properties of extraction, sanitising and the XML guard, with attacker-shaped input.

tests/core/test_sanitize.py and tests/reading/test_html_convert.py hold the general properties;
these strategies are built from what an attacker sends: active HTML, escape
sequences, character references to controls, DTD fragments, unclosable
markup, and repetitions chosen to find super-linear time.
"""

from __future__ import annotations

import contextlib
import json
import re
import statistics
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile.cases import BIDI, C0, C1, SEQUENCES
from hostile.conftest import UNSAFE
from toaster_tui.core.errors import FeedError
from toaster_tui.core.sanitize import (
    MAX_URL,
    clean_line,
    clean_text,
    is_terminal_safe,
    json_safe,
    safe_url,
)
from toaster_tui.feeds import feedguard
from toaster_tui.feeds.parse import parse_feed
from toaster_tui.reading.defang import defang_html
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

SECRET = "TOASTER-PROPERTY-SECRET"
BASE = "https://base.example/post/1"
FAST = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --- strategies -----------------------------------------------------------------------

ATTACK_TOKENS = [
    *SEQUENCES, *BIDI, *C0, *C1, "\x00", "\ud800", "\udfff", "\ufeff", "\u2028",
    "<script>", "</script>", "<style>", "</style>", "<iframe src=javascript:alert(1)>",
    "</iframe>", "<img src=x onerror=alert(1)>", "<a href='javascript:alert(1)'>", "</a>",
    "<a href=\"data:text/html,x\">", "<a href=file:///etc/passwd>", "<a href=//evil>",
    "<a href='https://ok.example/x'>", "<svg onload=x>", "</svg>", "<object>", "<embed>",
    "<form>", "<!--", "-->", "<![CDATA[", "]]>", "<!", "<?", "</", "<", ">", "&", "&#",
    "&#27;", "&#x1b;", "&#155;", "&#x9d;", "&#0;", "&#8238;", "&#x202e;", "&amp;", "&lt;",
    "&nbsp;", "&bogus;", "<p>", "</p>", "<br>", "<blockquote>", "</blockquote>", "<q>",
    "</q>", "<pre>", "</pre>", "<code>", "`", "<li>", "<ul>", "<table><tr><td>", "[", "]",
    "(", ")", "*", "_", "#", "\n", " ", "“", "”", "«", "»", "„", ". ", "! ", "... ",
    "Mr. ", "word", "Text", "http://x.example/", "javascript:", "[@click=app.quit]", "[/]",
    "[link=file:///etc/passwd]", "<h1>", "</h1>", "<a href=\"https://e.example/\x1b[2J\">",
]
attack = st.lists(st.sampled_from(ATTACK_TOKENS), max_size=60).map("".join)
attack_or_text = st.one_of(attack, st.text(max_size=200))

DTD_TOKENS = [
    b"<!DOCTYPE rss [", b"<!DOCTYPE rss SYSTEM \"file:///x/secret\">", b"<!ENTITY a \"",
    b"<!ENTITY % p \"", b"<!ENTITY b SYSTEM \"file:///x/secret\">", b"AAAAAAAAAA" * 20,
    b"\">", b"]>", b"&a;", b"&b;", b"%p;", b"&a;&a;&a;&a;&a;&a;&a;&a;", b"<!--", b"-->",
    b"<?pi x?>", b"\n", b" ", b"<rss version=\"2.0\">", b"<channel>", b"<item>",
    b"<title>", b"</title>", b"</item>", b"</channel>", b"</rss>", b"<![CDATA[", b"]]>",
    b"&#27;", b"&#x9b;", b"&amp;", b"&nbsp;", b"'", b"\"", b"[", b"]", b">", b"<",
    b"<!ENTITY nbsp \"&#160;\">", b"\xef\xbb\xbf", b"\x1b]52;c;SGk=\x07", b"\xc2\x9d0;x\xc2\x9c",
]
dtd_soup = st.lists(st.sampled_from(DTD_TOKENS), max_size=40).map(b"".join)


def _no_unsafe(value: Any, where: str) -> None:
    if isinstance(value, str):
        found = UNSAFE.findall(value)
        assert not found, (where, found, value[:200])
    elif isinstance(value, list | tuple):
        for item in value:
            _no_unsafe(item, where)


# --- extraction and sanitising ------------------------------------------------------------

@FAST
@given(attack_or_text)
def test_every_extract_function_is_safe_and_total(html: str) -> None:
    md = html_to_markdown(html, BASE)
    outputs = {
        "markdown": md,
        "text": html_to_text(html),
        "title": plain_title(html),
        "snippet": make_snippet(html),
        "quotes": key_quotes(html),
        "summary": summarize(html_to_text(html), html),
        "sentences": split_sentences(html),
        "categories": list(clean_categories([html, html[:5], None])),
        "language": normalize_language(html, html[:3]),
        "line": clean_line(html),
        "clean": clean_text(html),
    }
    for name, value in outputs.items():
        _no_unsafe(value, name)
    assert "\n" not in outputs["title"] and "\n" not in outputs["line"]
    assert read_minutes(outputs["text"]) >= 1
    # Nothing inside script/style/iframe/object shows, and links are http(s) only.
    assert "alert(1)" not in outputs["text"].replace("javascript:alert(1)", "")
    for target in re.findall(r"(?<!\\)\]\(([^)\s]*)\)", md):
        assert target.startswith(("http://", "https://")), target


@FAST
@given(attack_or_text)
def test_clean_functions_are_idempotent_and_safe(s: str) -> None:
    once = clean_text(s)
    assert clean_text(once) == once
    assert is_terminal_safe(once)
    line = clean_line(s)
    assert clean_line(line) == line
    assert not re.search(r"[\n\t\r]", line)


@FAST
@given(attack_or_text)
def test_safe_url_gives_only_http_links(s: str) -> None:
    for candidate in (s, "http://" + s, "https://h.example/" + s):
        url = safe_url(candidate)
        if url is not None:
            assert url.startswith(("http://", "https://")) or url[:8].lower().startswith(
                ("http://", "https://"))
            assert is_terminal_safe(url) and not re.search(r"\s", url)
            assert len(url) <= MAX_URL


@FAST
@given(st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), attack_or_text),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(attack_or_text, inner, max_size=4)),
    max_leaves=20))
def test_json_safe_keeps_the_data_and_the_terminal(value: Any) -> None:
    text = json_safe(json.dumps(value, ensure_ascii=False))
    assert is_terminal_safe(text)
    # The same data as standard ASCII-escaped JSON (JSON itself cannot tell two
    # adjacent lone surrogates from a pair, whatever the escaping).
    assert json.loads(text) == json.loads(json.dumps(value))


# --- the html.parser guard ----------------------------------------------------------------

_NAME = st.sampled_from(["p", "div", "a", "b", "em", "span", "li", "ul", "h2", "blockquote"])
_ATTR = st.tuples(st.sampled_from(["href", "title", "class", "data-x"]),
                  st.text(st.characters(blacklist_characters="\"&<", blacklist_categories=["Cs"]),
                          max_size=10))
_TEXT = st.text(st.characters(blacklist_characters="<&", blacklist_categories=["Cs"]), max_size=15)
well_formed = st.recursive(
    _TEXT,
    lambda inner: st.builds(
        lambda name, attrs, kids: f"<{name}" + "".join(f' {k}="{v}"' for k, v in attrs)
        + ">" + "".join(kids) + f"</{name}>",
        _NAME, st.lists(_ATTR, max_size=3), st.lists(inner, max_size=4)),
    max_leaves=25)


@FAST
@given(well_formed)
def test_defang_leaves_well_formed_markup_alone(html: str) -> None:
    assert defang_html(html) == html


@FAST
@given(attack)
def test_defang_output_has_only_closable_constructs(html: str) -> None:
    out = defang_html(html)
    assert defang_html(out) == out  # a fixed point: nothing left to defang
    assert out.count("<") <= html.count("<")


# --- the XML guard, through the whole parser -------------------------------------------------

@FAST
@given(dtd_soup, dtd_soup)
def test_dtd_soup_never_expands_never_reads_files(head: bytes, body: bytes) -> None:
    doc = (b'<?xml version="1.0"?>\n' + head + b'<rss version="2.0"><channel><title>t</title>'
           b"<item><title>" + body + b"</title><description>" + body + b"</description>"
           b"</item></channel></rss>")
    try:
        data = parse_feed(doc, "http://h.example/f", "application/rss+xml")
    except FeedError as exc:
        assert is_terminal_safe(str(exc))
        return
    dump = repr(data)
    assert SECRET not in dump and "/x/secret" not in dump.replace("file:///x/secret", "")
    produced = sum(len(e.title) + len(e.text) + len(e.content_html) + len(e.summary_html)
                   for e in data.entries)
    assert produced <= 4 * len(doc) + 1000, "something expanded"
    for entry in data.entries:
        for value in (entry.title, entry.text, entry.content_html, entry.author or "",
                      entry.url or "", entry.key, entry.snippet):
            _no_unsafe(value, "entry")


@FAST
@given(dtd_soup)
def test_guard_output_declares_only_single_character_entities(head: bytes) -> None:
    doc = b'<?xml version="1.0"?>\n' + head + b"<rss><channel><title>t</title></channel></rss>"
    try:
        out, _ctype = feedguard.guard_xml(doc, "http://h.example/", "application/rss+xml")
    except FeedError:
        return
    from feedparser.sanitizer import replace_doctype
    _version, _data, entities = replace_doctype(out)
    assert all(re.fullmatch(r"&#[0-9]+;", v) for v in entities.values()), entities
    # Declarations only count in the prolog (before the first element).
    first = re.search(rb"<[A-Za-z_]", out)
    prolog = out[:first.start()] if first else out
    for m in re.finditer(rb"<!ENTITY([^>]*)>", prolog):
        assert re.fullmatch(rb'\s+\w+\s+"&#[0-9]+;"', m.group(1)), m.group()


# --- time: no input makes these super-linear ----------------------------------------------------

_REPEATS = ["<a", "<a x", "<a x='", "<!--", "<![CDATA[", "<![x[", "</a", "<!", "<?", "<", "&",
            "&#", "“", "«", "„", "... ", "the post ", "Mr. X ", ". ", "!", "<div>", "<q>",
            "<blockquote>", "<li>", "<a href='http://x/'>", "`", "\x1b]", "\x1b[", "\x9d",
            "<script>", "</scrip", "<td>", "\n", "_a", "~"]
_HTML_CAP = 512 * 1024  # parse.MAX_HTML: the most one entry's body can hold


# Time is CPU time of this process (time.process_time), not wall time: other
# processes on a shared machine do not count. And it is compared with what
# ordinary HTML of the same size costs through the same functions, measured in
# the same run, so a slower or busier machine moves both. On an idle machine
# ordinary 512 KB takes ~0.5 s and the worst repetition ~9 times that; the
# quadratic scans these tests were written for took minutes, hundreds of times.
_WORST_RATIO = 20
_ORDINARY_BLOCK = (
    "<h2>The night the river came</h2>"
    + "".join(
        f"<p>The river rose {n} metres in a night, and the bakers crossed the streets in "
        f"borrowed boats. Engineers blamed a weir that had silted up long ago. See "
        f"<a href='https://news.example/{n}'>the report</a> and the council's answer.</p>"
        for n in range(6))
    + "<blockquote><p>We built the town for a river that no longer exists.</p></blockquote>"
    "<p>She said: “Wet ground is the cheapest dam anyone ever built.” "
    "<q>It was a long night for all of us.</q></p>"
    "<ul><li>Bridge closed.</li><li>Buses <em>on a detour</em>.</li></ul>"
    "<pre><code>level = 4.2  # metres, at the weir</code></pre>"
)


def _reader_pipeline_cpu(s: str) -> float:
    """CPU seconds for everything the reader pane and parser run on one body."""
    began = time.process_time()
    html_to_markdown(s, BASE)
    key_quotes(s)
    text = html_to_text(s)
    summarize(text, s)
    make_snippet(s)
    plain_title(s[:5000])
    return time.process_time() - began


def _ordinary(size: int) -> str:
    return (_ORDINARY_BLOCK * (size // len(_ORDINARY_BLOCK) + 1))[:size]


@pytest.fixture(scope="module")
def ordinary_cpu() -> float:
    """CPU seconds for 512 KB of ordinary article HTML (the median of three runs)."""
    return statistics.median(_reader_pipeline_cpu(_ordinary(_HTML_CAP)) for _ in range(3))


def test_ordinary_html_stays_linear(ordinary_cpu: float) -> None:
    """The yardstick itself: four times the HTML, about four times the work."""
    quarter = min(_reader_pipeline_cpu(_ordinary(_HTML_CAP // 4)) for _ in range(3))
    assert ordinary_cpu < 8 * quarter + 0.05, f"{quarter:.2f} s, then {ordinary_cpu:.2f} s"


@pytest.mark.parametrize("unit", _REPEATS, ids=[repr(u) for u in _REPEATS])
def test_pathological_repetitions_stay_linear(unit: str, ordinary_cpu: float) -> None:
    """512 KB of one unit through everything the reader pane and parser run.
    Before the fixes, several of these took minutes (quadratic scans)."""
    s = unit * (_HTML_CAP // len(unit))
    spent = _reader_pipeline_cpu(s)
    if spent >= _WORST_RATIO * ordinary_cpu:  # once more, in case the machine was swapping
        spent = min(spent, _reader_pipeline_cpu(s))
    assert spent < _WORST_RATIO * ordinary_cpu, (
        f"{unit!r}: {spent:.1f} s of CPU for 512 KB, ordinary HTML {ordinary_cpu:.2f} s")


def test_pathological_feeds_parse_quickly() -> None:
    """The XML-level counterparts, as whole documents near the size cap."""
    unit_docs = {
        "unclosed comments": b"<!--" * 2_000_000,
        "unclosed tags": b"<a" * 4_000_000,
        "stray ampersands": b"& " * 4_000_000,
        "unknown entities": b"&bogus; " * 1_000_000,
    }
    for name, body in unit_docs.items():
        doc = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
               b"<title>x</title><description>" + body + b"</description></item></channel></rss>")
        began = time.process_time()
        with contextlib.suppress(FeedError):
            parse_feed(doc, "http://h.example/", "application/rss+xml")
        assert time.process_time() - began < 15, name


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "feedparser"])
def test_huge_person_fields_parse_quickly(fast_path: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """feedparser's email regex is quadratic in an author's length: person
    fields are cut to MAX_PERSON before any parser sees them, on both paths."""
    import toaster_tui.feeds.parse as parse_module
    monkeypatch.setattr(parse_module, "FAST_PATH", fast_path)
    items = b"".join(
        b"<item><guid>g%d</guid><title>t</title><author>" % i + b"a." * 2500 + b"</author>"
        b"<dc:creator><![CDATA[" + b"b" * 5000 + b"]]></dc:creator></item>" for i in range(1000))
    doc = (b'<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
           b"<channel><title>t</title><managingEditor>" + b"m" * 300_000 + b"</managingEditor>"
           + items + b"</channel></rss>")
    began = time.process_time()
    data = parse_feed(doc, "http://h.example/", "application/rss+xml")
    assert time.process_time() - began < 10
    assert len(data.entries) == 1000
    assert all(len(e.author or "") <= feedguard.MAX_PERSON for e in data.entries)


def test_feed_discovery_on_a_hostile_page_stays_linear() -> None:
    """`toaster add URL` parses whatever page URL returns (up to max_bytes)."""
    from toaster_tui.feeds.discover import find_feed_links
    for unit in ("<a", "<!--", "<a x='", "</a"):
        page = ('<html><head><link rel="alternate" type="application/rss+xml" href="/f.xml">'
                + unit * (1_000_000 // len(unit)))
        began = time.process_time()
        assert find_feed_links(page, "https://h.example/") == ["https://h.example/f.xml"]
        assert time.process_time() - began < 5, unit
