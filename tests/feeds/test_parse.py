"""Feed bytes -> FeedData through the public entry point, for what real feeds get wrong."""

from __future__ import annotations

import json

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
