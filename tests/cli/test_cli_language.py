"""End to end: a feed that declares no language gets one from its text, or none at all."""

from __future__ import annotations

from clirunner import Cli
from feedserver import FeedServer

ENGLISH = (
    "<p>The bridge over the river was closed for most of the summer while the old "
    "bearings were replaced. Now that it has opened again, the morning traffic is back "
    "to what it was, and the buses that had to go around the long way are running on "
    "time. We asked the people who cross it every day what they thought of the work.</p>"
)


def undeclared_feed() -> bytes:
    """RSS 2.0 with no <language> anywhere: one English article, one too short to tell."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Town Desk</title><link>https://town.example.test/</link>
<description>Local news</description>
<item><title>The bridge is open again</title><link>https://town.example.test/bridge</link>
<guid>bridge</guid><pubDate>Mon, 02 Nov 2026 09:00:00 +0000</pubDate>
<description><![CDATA[{ENGLISH}]]></description></item>
<item><title>v2.1</title><link>https://town.example.test/v21</link>
<guid>v21</guid><pubDate>Mon, 02 Nov 2026 08:00:00 +0000</pubDate>
<description>1.2.3 → 2.1</description></item>
</channel></rss>""".encode()


def test_undeclared_language_is_detected_or_left_out(cli: Cli, server: FeedServer) -> None:
    server.route("/town.xml", body=undeclared_feed())
    assert cli("add", server.url("/town.xml")).code == 0
    refresh = cli("refresh")
    assert refresh.code == 0, refresh.err

    rows = cli("articles", "--json").json()
    assert isinstance(rows, list)
    by_title = {row["title"]: row for row in rows}
    assert by_title["The bridge is open again"]["language"] == "en"
    assert by_title["v2.1"]["language"] is None

    short = cli("show", str(by_title["v2.1"]["id"]))
    assert short.code == 0, short.err
    assert "unknown" not in short.out
    meta = short.out.splitlines()[2]
    assert meta.endswith("min read"), meta
    assert cli("show", str(by_title["v2.1"]["id"]), "--json").json()["language"] is None  # type: ignore[index]

    english = cli("show", str(by_title["The bridge is open again"]["id"]))
    assert english.out.splitlines()[2].endswith("min read · en")
