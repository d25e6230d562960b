"""Enclosures as parse_feed gives them: RSS, Atom, JSON Feed, and hostile values dropped."""

from __future__ import annotations

import json

import pytest

from toaster_tui.core.models import Enclosure
from toaster_tui.feeds.enclosures import MAX_ENCLOSURES, clean_enclosures, parse_duration
from toaster_tui.feeds.parse import parse_feed

URL = "https://cast.example.test/feed"
ITUNES = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'


def rss(items: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0" {ITUNES} '
            'xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>C</title>'
            f"<link>https://cast.example.test/</link>{items}</channel></rss>").encode()


@pytest.mark.parametrize("fast", [True, False])
def test_rss_enclosures_and_itunes_duration(fast: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("toaster_tui.feeds.parse.FAST_PATH", fast)
    feed = parse_feed(rss(
        "<item><title>Ep</title>"
        "<enclosure url='https://cdn.example.test/ep.mp3' length='98765432' "
        "type='audio/mpeg; charset=x'/><itunes:duration>01:52:00</itunes:duration></item>"
        "<item><title>Hostile</title>"
        "<enclosure url='javascript:alert(1)' length='10' type='audio/mpeg'/>"
        "<enclosure url='data:audio/mpeg;base64,AAAA' type='audio/mpeg'/>"
        "<enclosure url='https://cdn.example.test/neg.mp3' length='-5' type='&lt;b&gt;'/>"
        "<atom:link rel='enclosure' href='https://cdn.example.test/v.webm' length='1e9'/>"
        "<itunes:duration>99999:00:00</itunes:duration></item>"), URL)
    episode, hostile = feed.entries
    assert episode.enclosures == (
        Enclosure("https://cdn.example.test/ep.mp3", "audio/mpeg", 98765432, 6720),)
    # javascript: and data: URLs are dropped whole; a bad length, type or
    # duration is dropped as a value. (feedparser types a typeless link text/html.)
    assert hostile.enclosures == (
        Enclosure("https://cdn.example.test/neg.mp3", None, None, None),
        Enclosure("https://cdn.example.test/v.webm", "text/html", None, None),
    )


def test_json_feed_attachments() -> None:
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
        {"id": "1", "title": "Ep", "content_text": "Notes.", "attachments": [
            {"url": "https://cdn.example.test/1.m4a", "mime_type": "audio/x-m4a",
             "size_in_bytes": 2048, "duration_in_seconds": 2040.4},
            {"url": "javascript:alert(1)", "mime_type": "audio/mpeg"},
            {"url": "https://cdn.example.test/2.mp4", "mime_type": "video/mp4",
             "size_in_bytes": -1, "duration_in_seconds": 10**9},
            "not an object",
        ]},
        {"id": "2", "title": "Odd", "attachments": {"url": "https://cdn.example.test/x"}},
    ]}
    feed = parse_feed(json.dumps(doc).encode(), URL, "application/feed+json")
    assert feed.entries[0].enclosures == (
        Enclosure("https://cdn.example.test/1.m4a", "audio/x-m4a", 2048, 2040),
        Enclosure("https://cdn.example.test/2.mp4", "video/mp4", None, None),
    )
    assert feed.entries[1].enclosures == ()


def test_counts_are_capped_and_urls_deduplicated() -> None:
    items = "".join(f"<enclosure url='https://cdn.example.test/{n % 15}.mp3' type='audio/mpeg'/>"
                    for n in range(500))
    (entry,) = parse_feed(rss(f"<item><title>Many</title>{items}</item>"), URL).entries
    assert [e.url for e in entry.enclosures] == [
        f"https://cdn.example.test/{n}.mp3" for n in range(MAX_ENCLOSURES)]


def test_itunes_duration_goes_to_the_first_audio_or_video() -> None:
    got = clean_enclosures([("https://e.example/t.pdf", "application/pdf", "10", None),
                            ("https://e.example/a", None, None, None),
                            ("https://e.example/b.mp3", None, None, None)], "45:00")
    assert [e.duration_seconds for e in got] == [None, None, 2700]
    assert [e.kind for e in got] == [None, None, "audio"]


@pytest.mark.parametrize(("raw", "seconds"), [
    ("6720", 6720), ("1:52:00", 6720), ("01:52:00", 6720), ("90:00", 5400), ("34:10", 2050),
    (" 59 ", 59), ("3600.6", 3600), (2040.4, 2040), (45, 45),
    ("0", None), ("", None), ("1:75", None), ("1:60:00", None), ("-5", None),
    ("1h 52m", None), ("49:00:00", None), (10**12, None), (float("nan"), None),
    (float("inf"), None), (True, None), (None, None), ("9" * 40, None),
])
def test_duration_forms(raw: object, seconds: int | None) -> None:
    assert parse_duration(raw) == seconds
