"""The bundled demo feeds: every file parses, and there is enough in them to show off."""

from __future__ import annotations

import calendar
import json
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest

from toaster_tui.core.models import DEFAULT_TOPICS
from toaster_tui.demo.samples import DEMO_DIR, demo_config_text, demo_feed_files

FIRST = datetime(2026, 10, 1, tzinfo=UTC)
LAST = datetime(2026, 11, 25, tzinfo=UTC)
PROGRAMMING = {"patient-compiler.xml", "small-tools.json"}


@dataclass(frozen=True)
class Entry:
    title: str
    author: str
    published: datetime
    html: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Feed:
    kind: str
    title: str
    language: str
    entries: tuple[Entry, ...]


def _stamp(parsed: Any) -> datetime:
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def _load(path: Path) -> Feed:
    """One demo file as plain data: feedparser for XML, json for JSON Feed."""
    if path.suffix == ".json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        return Feed("json" + doc["version"].rsplit("/", 1)[-1], doc["title"], doc["language"],
                    tuple(Entry(item["title"], item["authors"][0]["name"],
                                datetime.fromisoformat(item["date_published"]),
                                item["content_html"], tuple(item.get("tags", ())))
                          for item in doc["items"]))
    parsed = feedparser.parse(path.read_bytes())
    # bozo is feedparser's "this is not well-formed" flag: demo files must be clean.
    assert not parsed.bozo, f"{path.name}: {parsed.get('bozo_exception')}"
    return Feed(parsed.version, parsed.feed.title, parsed.feed.language,
                tuple(Entry(e.title, e.author,
                            # RSS 1.0 only has dc:date, which feedparser calls "updated".
                            _stamp(e.get("published_parsed") or e.updated_parsed),
                            e.content[0].value, tuple(t.term for t in e.tags))
                      for e in parsed.entries))


FILES = demo_feed_files()
FEEDS = {path.name: _load(path) for path in FILES.values()}


def _words(html: str) -> int:
    return len(re.sub(r"<[^>]+>", " ", html).split())


def test_config_is_a_valid_subscription_list() -> None:
    doc = tomllib.loads(demo_config_text())
    feeds = doc["feeds"]
    assert 8 <= len(feeds) <= 10
    topics = {feed["topic"] for feed in feeds}
    assert len(topics) >= 6 and topics <= set(DEFAULT_TOPICS)
    assert set(doc["settings"]["topics"]) == topics
    assert len({feed["url"] for feed in feeds}) == len(feeds)
    for feed in feeds:
        parts = urlsplit(feed["url"])
        assert (parts.scheme, parts.hostname) == ("https", "demo.toaster.invalid")


def test_every_url_maps_to_its_file_and_no_file_is_orphaned() -> None:
    assert list(FILES) == [f["url"] for f in tomllib.loads(demo_config_text())["feeds"]]
    for url, path in FILES.items():
        assert path.parent == DEMO_DIR and path.is_file()
        assert url.endswith("/" + path.name)
    bundled = {p.name for p in DEMO_DIR.iterdir() if p.name != "feeds.toml"}
    assert bundled == {p.name for p in FILES.values()}


def test_formats_are_mixed() -> None:
    kinds = Counter(feed.kind for feed in FEEDS.values())
    assert {"rss20", "atom10", "rss10", "json1.1"} <= set(kinds)


def test_entry_counts() -> None:
    for name, feed in FEEDS.items():
        assert 5 <= len(feed.entries) <= 8, name
    assert 55 <= sum(len(feed.entries) for feed in FEEDS.values()) <= 65


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_every_entry_is_complete(name: str) -> None:
    feed = FEEDS[name]
    assert feed.title and feed.language
    for entry in feed.entries:
        label = f"{name}: {entry.title}"
        assert entry.title.strip() and not entry.title.startswith('"'), label
        assert entry.author.strip(), label
        assert FIRST <= entry.published < LAST, label
        assert entry.categories, label
        assert 300 <= _words(entry.html) <= 1500, label
        assert "<p>" in entry.html and "<h2>" in entry.html, label
        assert "<ul>" in entry.html or "<ol>" in entry.html, label
        assert "<blockquote>" in entry.html or "<q>" in entry.html, label
        assert '<a href="http' in entry.html and "<img " in entry.html, label
        if name in PROGRAMMING:
            assert "<pre><code" in entry.html, label
    assert len({e.published for e in feed.entries}) == len(feed.entries), "dates are distinct"


def test_lengths_and_dates_vary() -> None:
    entries = [e for feed in FEEDS.values() for e in feed.entries]
    lengths = sorted(_words(e.html) for e in entries)
    assert lengths[-1] >= 800, "some long reads too"
    # Dates spread over the weeks, not bunched on one day.
    assert len({e.published.date() for e in entries}) >= 40


def test_languages() -> None:
    primary = Counter(feed.language.split("-")[0] for feed in FEEDS.values())
    assert primary["en"] >= len(FEEDS) - 2
    assert primary["fr"] + primary["de"] >= 1


@pytest.mark.parametrize("word", ["sleep", "night train", "sqlite", "typograph", "feed reader"])
def test_shared_vocabulary_for_related_articles(word: str) -> None:
    feeds_using = {name for name, feed in FEEDS.items()
                   if any(word in (e.title + e.html).lower() for e in feed.entries)}
    assert len(feeds_using) >= 3, (word, feeds_using)
