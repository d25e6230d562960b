"""The one-pass reading (the fast path bounding its own tree) against the two
passes it replaces (feedguard.guard_xml, then the fast path or feedparser).

Around every structure limit the two must agree: the same articles, or the
same refusal in the same words. The limits are lowered so the documents stay
small; both passes read them from feedguard at call time.
"""

from __future__ import annotations

import pytest

from toaster_tui.core.errors import FeedError
from toaster_tui.core.models import FeedData
from toaster_tui.feeds import feedguard, parse

URL = "http://127.0.1.9:8080/feed.xml"
CTYPE = "application/rss+xml; charset=utf-8"


def two_passes(body: bytes) -> FeedData:
    data, ctype = feedguard.guard_xml(body, URL, CTYPE)
    raw = parse._fast(data, URL, ctype) or parse._read_with_feedparser(data, URL, ctype)
    return parse._feed_from_raw(raw)


def outcome(read: object, body: bytes) -> FeedData | str:
    try:
        return read(body)  # type: ignore[operator, no-any-return]
    except FeedError as exc:
        return f"refused: {exc}"


def rss(items: int = 3, extra: str = "", attrs: str = "") -> bytes:
    entries = "".join(f"<item><title>Post {i}</title><link>https://s.example/{i}</link>"
                      f"<guid>id-{i}</guid><description>&lt;p&gt;Body {i} &amp;amp; more"
                      f"&lt;/p&gt;</description>{extra if i == 0 else ''}</item>"
                      for i in range(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel{attrs}>'
            f"<title>Limits</title><link>https://s.example/</link>{entries}"
            "</channel></rss>").encode()


def nested(depth: int) -> str:
    """Extension elements nested `depth` deep: the fast path keeps them as
    ignorable, so only the limits decide."""
    return '<x:a xmlns:x="urn:x">' * depth + "</x:a>" * depth


@pytest.fixture(autouse=True)
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feedguard, "MAX_DEPTH", 20)
    monkeypatch.setattr(feedguard, "MAX_ELEMENTS", 120)
    monkeypatch.setattr(feedguard, "MAX_ATTRIBUTES", 8)
    monkeypatch.setattr(feedguard, "MAX_TOTAL_ATTRIBUTES", 30)
    monkeypatch.setattr(feedguard, "MAX_REFERENCES", 60)  # 5 per item
    monkeypatch.setattr(feedguard, "MAX_ENTRIES", 10)


CASES = {
    "ordinary": rss(),
    "depth at the limit": rss(extra=nested(20 - 3)),
    "depth over the limit": rss(extra=nested(20 - 2)),
    "entries at the limit": rss(10),
    "entries over the limit (cut)": rss(11),
    "elements over the limit": rss(extra="<x:w xmlns:x='urn:x'>" + "<x:b/>" * 110 + "</x:w>"),
    "attributes on one element at the limit": rss(
        extra="<x:c xmlns:x='urn:x' " + " ".join(f"a{i}='v'" for i in range(7)) + "/>"),
    "attributes on one element over the limit": rss(
        extra="<x:c " + " ".join(f"a{i}='v'" for i in range(9)) + " xmlns:x='urn:x'/>"),
    "attributes in all over the limit": rss(
        extra="".join(f"<x:d xmlns:x='urn:x' a='{i}' b='{i}'/>" for i in range(16))),
    "references over the limit": rss(13),
    "malformed, repaired": rss().replace(b"Post 1", b"Post 1 & 2"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_one_pass_reads_and_refuses_as_the_two_passes(name: str) -> None:
    body = CASES[name]
    expected = outcome(two_passes, body)
    assert outcome(lambda b: parse.parse_feed(b, URL, CTYPE), body) == expected


def test_the_cases_reach_both_sides_of_each_limit() -> None:
    """The table is not vacuous: some cases are refused, one is cut, most are read."""
    results = {name: outcome(two_passes, body) for name, body in CASES.items()}
    assert results["depth over the limit"] == (
        "refused: the feed is nested more than 20 levels deep; refused")
    assert isinstance(results["depth at the limit"], FeedData)
    assert len(results["entries over the limit (cut)"].entries) == 10  # type: ignore[union-attr]
    assert "references" in str(results["references over the limit"])
    assert "attributes" in str(results["attributes on one element over the limit"])
    assert "XML elements" in str(results["elements over the limit"])
