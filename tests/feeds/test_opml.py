"""OPML import/export: topics from nesting and `category`, round trips, hostile files."""

from __future__ import annotations

import re
import time
import traceback
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toaster_tui.core.errors import OpmlError
from toaster_tui.core.models import FeedSpec
from toaster_tui.feeds.opml import MAX_OPML_BYTES, MAX_OUTLINES, parse_opml, render_opml

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="Technology" title="Technology">
      <outline type="rss" text="Signal &amp; Noise" xmlUrl="https://a.example/feed.xml"/>
      <outline type="rss" title="Patient Compiler" text="ignored" xmlUrl="https://b.example/atom"/>
    </outline>
    <outline title="Science">
      <outline type="rss" text="Field Notes" xmlUrl="http://c.example/rss"/>
      <outline text="Birds">
        <outline type="rss" text="Thrush Watch" xmlUrl="https://d.example/feed"/>
      </outline>
    </outline>
    <outline text="">
      <outline type="rss" text="Unlabelled folder" xmlUrl="https://e.example/feed"/>
    </outline>
    <outline type="rss" text="No topic" xmlUrl="https://f.example/feed"/>
    <outline type="rss" xmlUrl="https://g.example/feed"/>
  </body>
</opml>
"""

CATEGORIES = b"""<?xml version="1.0"?>
<opml version="1.0"><head/><body>
  <outline type="rss" text="One" xmlUrl="https://one.example/feed"
           category="/Design/Typography,/Art"/>
  <outline type="rss" text="Two" xmlUrl="https://two.example/feed" category="Music"/>
  <outline type="rss" text="Three" xmlUrl="https://three.example/feed" category=""/>
  <outline text="Books">
    <outline type="rss" text="Four" xmlUrl="https://four.example/feed" category="/Travel"/>
  </outline>
</body></opml>
"""


def test_topics_come_from_nesting() -> None:
    assert parse_opml(NESTED) == [
        FeedSpec("https://a.example/feed.xml", "Technology", "Signal & Noise"),
        FeedSpec("https://b.example/atom", "Technology", "Patient Compiler"),
        FeedSpec("http://c.example/rss", "Science", "Field Notes"),
        FeedSpec("https://d.example/feed", "Birds", "Thrush Watch"),  # innermost folder
        FeedSpec("https://e.example/feed", "Personal", "Unlabelled folder"),
        FeedSpec("https://f.example/feed", "Personal", "No topic"),
        FeedSpec("https://g.example/feed", "Personal", None),
    ]


def test_topics_come_from_category_when_not_nested() -> None:
    assert parse_opml(CATEGORIES) == [
        FeedSpec("https://one.example/feed", "Design", "One"),
        FeedSpec("https://two.example/feed", "Music", "Two"),
        FeedSpec("https://three.example/feed", "Personal", "Three"),
        FeedSpec("https://four.example/feed", "Books", "Four"),  # nesting wins
    ]


def test_only_web_urls_and_first_of_duplicates() -> None:
    data = b"""<opml version="2.0"><body>
      <outline text="T">
        <outline text="js" xmlUrl="javascript:alert(1)"/>
        <outline text="file" xmlUrl="file:///etc/passwd"/>
        <outline text="ftp" xmlUrl="ftp://x.example/feed"/>
        <outline text="feed" xmlUrl="feed://x.example/feed"/>
        <outline text="relative" xmlUrl="/feed.xml"/>
        <outline text="no host" xmlUrl="https:///feed"/>
        <outline text="space" xmlUrl="https://x.example/a feed"/>
        <outline text="first" xmlUrl="  HTTPS://ok.example/feed  "/>
      </outline>
      <outline text="U">
        <outline text="second" xmlUrl="HTTPS://ok.example/feed"/>
      </outline>
    </body></opml>"""
    assert parse_opml(data) == [FeedSpec("HTTPS://ok.example/feed", "T", "first")]


def test_lenient_attribute_case_and_encodings() -> None:
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?>'
            '<OPML><body><outline TEXT="Café" XMLURL="https://x.example/f"/></body></OPML>')
    assert parse_opml(data.encode("iso-8859-1")) == [
        FeedSpec("https://x.example/f", "Personal", "Café")]
    utf16 = '<opml><body><outline text="Ünïcödé" xmlUrl="https://y.example/f"/></body></opml>'
    assert parse_opml(utf16.encode("utf-16"))[0].title == "Ünïcödé"


def test_control_characters_and_bidi_overrides_are_dropped() -> None:
    data = ('<opml><body><outline text="Top\u202eic">'
            # XML 1.0 cannot carry ESC, but C1 controls such as CSI (U+009B) it can.
            '<outline text="Ti&#x9b;31mtle&#10;two&#9;" xmlUrl="https://x.example/f"/>'
            "</outline></body></opml>").encode()
    [spec] = parse_opml(data)
    assert spec.topic == "Topic"
    assert spec.title == "Title two"  # the whole CSI sequence goes, not just its byte


def test_empty_body_gives_no_feeds() -> None:
    assert parse_opml(b"<opml version='2.0'><head/><body/></opml>") == []


# --- render -------------------------------------------------------------------

FEEDS = [
    FeedSpec("https://a.example/feed.xml", "Technology", "Signal & Noise"),
    FeedSpec("https://b.example/rss?x=1&y=2", "Science", None),
    FeedSpec("https://c.example/feed", "Technology", None),
    FeedSpec("https://d.example/feed", "", 'Quotes " and <tags> & tabs\there'),
]


def test_render_is_opml_2_with_one_outline_per_topic() -> None:
    created = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    text = render_opml(FEEDS, {"https://c.example/feed": "Cached title"},
                       title="Mine", created=created)
    root = ET.fromstring(text)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Mine"
    assert parsedate_to_datetime(root.findtext("head/dateCreated") or "") == created
    topics = root.findall("body/outline")
    assert [(t.get("text"), t.get("title")) for t in topics] == [
        ("Technology", "Technology"), ("Science", "Science"), ("Personal", "Personal")]
    tech = topics[0].findall("outline")
    assert [(o.get("type"), o.get("text"), o.get("title"), o.get("xmlUrl")) for o in tech] == [
        ("rss", "Signal & Noise", "Signal & Noise", "https://a.example/feed.xml"),
        ("rss", "Cached title", "Cached title", "https://c.example/feed"),
    ]
    # Without a title anywhere, the url stands in.
    assert topics[1][0].get("text") == "https://b.example/rss?x=1&y=2"
    assert topics[2][0].get("title") == 'Quotes " and <tags> & tabs\there'


def test_render_date_defaults_to_now() -> None:
    root = ET.fromstring(render_opml([]))
    stamp = parsedate_to_datetime(root.findtext("head/dateCreated") or "")
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60
    assert root.findall("body/outline") == []


def test_round_trip_keeps_urls_topics_and_titles() -> None:
    back = parse_opml(render_opml(FEEDS).encode())
    assert back == [
        FEEDS[0], FEEDS[2], FEEDS[1],  # grouped by topic, first-seen order
        FeedSpec("https://d.example/feed", "Personal", 'Quotes " and <tags> & tabs here'),
    ]
    assert parse_opml(parse_and_render(NESTED)) == parse_opml(NESTED)
    assert parse_opml(parse_and_render(CATEGORIES)) == parse_opml(CATEGORIES)


def parse_and_render(data: bytes) -> bytes:
    return render_opml(parse_opml(data)).encode()


# Any printable label in its canonical form (the importer collapses whitespace
# and drops controls, format characters and non-characters by design).
_label = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Cn", "Co", "Zl", "Zp")),
    min_size=1, max_size=30,
).filter(lambda s: s == " ".join(s.split()) and bool(s))
_specs = st.lists(
    st.builds(
        FeedSpec,
        url=st.from_regex(r"https://[a-z]{1,12}\.example/[a-z0-9/._-]{0,12}(\?a=1&b=2)?",
                          fullmatch=True),
        topic=_label,
        title=st.none() | _label,
    ),
    max_size=12,
    unique_by=lambda spec: spec.url,
)


@settings(max_examples=150, deadline=None)
@given(_specs)
def test_round_trip_property(specs: list[FeedSpec]) -> None:
    back = parse_opml(render_opml(specs).encode())
    assert sorted(back, key=lambda s: s.url) == sorted(specs, key=lambda s: s.url)


# --- hostile and broken input -------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE opml [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<opml version="2.0"><body><outline text="&lol9;" xmlUrl="https://x.example/f"/></body></opml>
"""


def test_billion_laughs_is_refused_quickly() -> None:
    start = time.perf_counter()
    with pytest.raises(OpmlError, match=r"^subs\.opml: DTDs and entities are not allowed$"):
        parse_opml(BILLION_LAUGHS, "subs.opml")
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("template", [
    # A general external entity used in an attribute and in text.
    '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY s SYSTEM "{uri}">]>'
    '<opml><head><title>&s;</title></head><body>'
    '<outline text="&s;" xmlUrl="https://x.example/f"/></body></opml>',
    # An external parameter entity, expanded inside the DTD itself.
    '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY % p SYSTEM "{uri}"> %p;]>'
    '<opml><body/></opml>',
    # An external DTD subset.
    '<?xml version="1.0"?><!DOCTYPE opml SYSTEM "{uri}"><opml><body/></opml>',
])
def test_external_entities_never_read_the_file(tmp_path: Path, template: str) -> None:
    secret = "TOP-SECRET-7f3a9c"
    target = tmp_path / "secret.txt"
    target.write_text(secret)
    data = template.format(uri=target.as_uri()).encode()
    with pytest.raises(OpmlError) as info:
        parse_opml(data, "evil.opml")
    assert str(info.value) == "evil.opml: DTDs and entities are not allowed"
    # Nowhere in what a user could see: the message or the whole traceback.
    assert secret not in "".join(traceback.format_exception(info.value))


def test_internal_entities_and_bare_doctype_are_refused() -> None:
    for data in (b'<!DOCTYPE opml><opml><body/></opml>',
                 b'<!DOCTYPE opml [<!ENTITY t "Tech">]><opml><body>'
                 b'<outline text="&t;"><outline xmlUrl="https://x.example/f"/></outline>'
                 b"</body></opml>"):
        with pytest.raises(OpmlError, match="DTDs and entities are not allowed"):
            parse_opml(data)


@pytest.mark.parametrize(("data", "position"), [
    (b'<opml version="2.0">\n<body>\n  <outline text="a">\n</body></opml>', "4:3"),
    (b"<opml><body><outline text='x' text='y'/></body></opml>", "1:31"),
    (b"<opml><body>&undefined;</body></opml>", "1:13"),
    (b"<opml>\n\n   <<</opml>", "3:5"),
    (b"not xml at all", "1:1"),
])
def test_malformed_xml_names_the_position(data: bytes, position: str) -> None:
    with pytest.raises(OpmlError) as info:
        parse_opml(data, "broken.opml")
    message = str(info.value)
    assert message.startswith(f"broken.opml:{position}: ")
    assert re.fullmatch(r"broken\.opml:\d+:\d+: [^\n]+", message)


def test_empty_and_non_opml_documents() -> None:
    with pytest.raises(OpmlError, match=r"^x\.opml:1:1: no element found$"):
        parse_opml(b"", "x.opml")
    with pytest.raises(OpmlError, match=r"not an OPML document \(root element <rss>\)"):
        parse_opml(b'<rss version="2.0"><channel/></rss>', "feed.xml")


def test_size_cap() -> None:
    data = b"<opml><body>" + b" " * MAX_OPML_BYTES + b"</body></opml>"
    with pytest.raises(OpmlError, match=r"^big\.opml: file is larger than 20 MB$"):
        parse_opml(data, "big.opml")


def test_outline_cap() -> None:
    folder = b'<outline text="x"/>'
    at_cap = b"<opml><body>" + folder * MAX_OUTLINES + b"</body></opml>"
    assert parse_opml(at_cap) == []
    over = b"<opml><body>" + folder * (MAX_OUTLINES + 1) + b"</body></opml>"
    with pytest.raises(OpmlError, match="more than 100,000 outlines"):
        parse_opml(over, "many.opml")


def test_deep_nesting_does_not_recurse() -> None:
    depth = 20_000
    data = (b"<opml><body>" + b'<outline text="d">' * depth
            + b'<outline text="leaf" xmlUrl="https://x.example/f"/>'
            + b"</outline>" * depth + b"</body></opml>")
    assert parse_opml(data) == [FeedSpec("https://x.example/f", "d", "leaf")]


def test_render_drops_characters_xml_cannot_carry() -> None:
    spec = FeedSpec("https://x.example/f", "T\x00opic", "Bad\x07 \ud800title\ufffe")
    text = render_opml([spec])
    text.encode("utf-8")  # no lone surrogates left
    assert parse_opml(text.encode()) == [FeedSpec("https://x.example/f", "Topic", "Bad title")]
