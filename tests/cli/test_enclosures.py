"""Podcast enclosures end to end: a feed served on loopback, refreshed and shown by the CLI."""

from __future__ import annotations

from typing import Any

from clirunner import Cli
from feedserver import FeedServer

EPISODE_AUDIO = "https://cdn.cast.example.test/ep42.mp3"
CLIP_VIDEO = "https://cdn.cast.example.test/clip.mp4"


def podcast_feed() -> bytes:
    """RSS 2.0 with iTunes tags: a two-hour episode with short show notes, a video
    with an MM:SS duration, and an item whose enclosures are all hostile."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel><title>Night Cast</title><link>https://cast.example.test/</link>
<description>Talk</description><language>en</language>
<item><title>Episode 42: the long one</title><link>https://cast.example.test/42</link>
<guid>ep42</guid><pubDate>Mon, 02 Nov 2026 09:00:00 +0000</pubDate>
<description>We talk about bridges for a while.</description>
<enclosure url="{EPISODE_AUDIO}" length="98765432" type="audio/mpeg"/>
<itunes:duration>1:52:00</itunes:duration></item>
<item><title>A short clip</title><link>https://cast.example.test/clip</link>
<guid>clip</guid><pubDate>Mon, 02 Nov 2026 08:00:00 +0000</pubDate>
<description>The clip.</description>
<enclosure url="{CLIP_VIDEO}" length="5000000" type="video/mp4"/>
<itunes:duration>34:10</itunes:duration></item>
<item><title>Hostile</title><link>https://cast.example.test/bad</link>
<guid>bad</guid><pubDate>Mon, 02 Nov 2026 07:00:00 +0000</pubDate>
<description>Nothing to play here.</description>
<enclosure url="javascript:alert(1)" length="10" type="audio/mpeg"/>
<enclosure url="https://cdn.cast.example.test/neg.mp3" length="-5" type="audio/mpeg"/>
<itunes:duration>99999:00:00</itunes:duration></item>
</channel></rss>""".encode()


def _refreshed(cli: Cli, server: FeedServer) -> dict[str, dict[str, Any]]:
    server.route("/cast.xml", body=podcast_feed(), content_type="application/rss+xml")
    assert cli("add", server.url("/cast.xml")).code == 0
    refresh = cli("refresh")
    assert refresh.code == 0, refresh.err
    rows = cli("articles", "--json").json()
    assert isinstance(rows, list)
    return {row["title"]: row for row in rows}


def test_show_json_lists_the_enclosures(cli: Cli, server: FeedServer) -> None:
    rows = _refreshed(cli, server)
    episode = cli("show", str(rows["Episode 42: the long one"]["id"]), "--json").json()
    assert isinstance(episode, dict)
    assert episode["enclosures"] == [{"url": EPISODE_AUDIO, "type": "audio/mpeg",
                                      "length": 98765432, "duration_seconds": 6720}]
    clip = cli("show", str(rows["A short clip"]["id"]), "--json").json()
    assert isinstance(clip, dict)
    assert clip["enclosures"] == [{"url": CLIP_VIDEO, "type": "video/mp4",
                                   "length": 5000000, "duration_seconds": 2050}]
    # javascript: is dropped whole; a negative length and a 99,999-hour duration
    # are dropped as values, the file itself is kept.
    bad = cli("show", str(rows["Hostile"]["id"]), "--json").json()
    assert isinstance(bad, dict)
    assert bad["enclosures"] == [{"url": "https://cdn.cast.example.test/neg.mp3",
                                  "type": "audio/mpeg", "length": None,
                                  "duration_seconds": None}]


def test_show_gives_the_playing_time_not_a_read_time(cli: Cli, server: FeedServer) -> None:
    rows = _refreshed(cli, server)
    shown = cli("show", str(rows["Episode 42: the long one"]["id"]))
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    assert lines[2].endswith("· 1 h 52 min listen · en"), lines[2]
    assert "min read" not in lines[2]
    assert (f"Enclosure: audio/mpeg · 1 h 52 min · 98.8 MB · {EPISODE_AUDIO}"
            in lines), lines[:8]

    clip = cli("show", str(rows["A short clip"]["id"])).out.splitlines()
    assert clip[2].endswith("· 34 min watch · en"), clip[2]

    # No duration known: the read time stays.
    bad = cli("show", str(rows["Hostile"]["id"])).out.splitlines()
    assert bad[2].endswith("· 1 min read · en"), bad[2]
    assert "javascript" not in "\n".join(bad)
