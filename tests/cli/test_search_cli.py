"""`toaster articles --search`: most relevant first, newest first among equals."""

from __future__ import annotations

from datetime import timedelta

from clirunner import Cli
from feedsamples import BASE_TIME, Item, rss2
from feedserver import FeedServer


def test_search_lists_title_matches_before_newer_body_matches(cli: Cli,
                                                               server: FeedServer) -> None:
    def item(n: int, title: str, body: str, hours_ago: int) -> Item:
        return Item(f"id-{n}", title, f"https://a.example/{n}",
                    BASE_TIME - timedelta(hours=hours_ago), f"<p>{body}</p>")

    filler = "Notes from a week of trains, gardens, bread and the weather outside."
    server.route("/feed.xml", body=rss2([
        item(1, "Weekend notes", f"{filler} An otter, then an otter again, otter.", 1),
        item(2, "Otters of the estuary", f"{filler} They came at dusk.", 48),
        item(3, "Garden diary", f"{filler} Nothing about rivers.", 2),
        item(4, "Odds and ends", f"{filler} Saw an otter once.", 3),
        item(5, "More odds and ends", f"{filler} Saw an otter once.", 4),
    ]), content_type="application/rss+xml")
    assert cli("add", server.url("/feed.xml")).code == 0
    assert cli("refresh").code == 0
    rows = cli("articles", "--search", "otter", "--json").json()
    assert isinstance(rows, list)
    assert [r["title"] for r in rows] == [
        "Otters of the estuary", "Weekend notes", "Odds and ends", "More odds and ends"]
    # Without a search: newest first, as always.
    rows = cli("articles", "--json").json()
    assert isinstance(rows, list)
    assert [r["title"] for r in rows][:2] == ["Weekend notes", "Garden diary"]
