"""[[filters]] act on the items a sync brings, as on a refresh's new articles,
and what they mark read or star reaches the server like a change made by hand."""

from __future__ import annotations

from dataclasses import replace

import test_sync_cli as base
from test_sync_cli import articles
from witness import server_entries, subscribe

from clirunner import Cli
from feedsamples import make_items, rss2
from feedserver import FeedServer
from miniflux_server import Account

toaster = base.toaster  # the fixture of the CLI sync tests

FILTERS = """
[[filters]]
title = "^Sponsored"
action = "hide"

[[filters]]
title = "Rust"
action = "star"

[[filters]]
text = "giveaway"
action = "mark_read"
"""


def test_filters_act_on_synced_items_and_their_marks_reach_the_server(
        toaster: Cli, account: Account, feeds: FeedServer) -> None:
    items = make_items("mixed", 4)
    items[0] = replace(items[0], title="Sponsored: a better mattress")
    items[1] = replace(items[1], title="Rust 2.0 is out")
    items[2] = replace(items[2], html="<p>Enter our giveaway for a free trowel.</p>")
    feeds.route("/mixed", body=rss2(items, title="Mixed"))
    with toaster.config.open("a", encoding="utf-8") as config:
        config.write(FILTERS)

    with account.api() as api:
        subscribe(api, feeds.url("/mixed"), "News")
        result = toaster("sync")
        assert result.code == 0, result.err
        assert "4 new articles" in result.out
        # The filters' read and star go out on the next sync, before the pull.
        again = toaster("sync")
        assert again.code == 0, again.err
        assert "3 changes sent" in again.out
        witness = server_entries(api)

    listed = articles(toaster)
    assert "Sponsored: a better mattress" not in listed  # hidden here
    assert listed["Rust 2.0 is out"]["starred"]
    assert listed["Mixed story 2"]["read"]
    assert not listed["Mixed story 3"]["read"] and not listed["Mixed story 3"]["starred"]
    hidden = toaster("articles", "--hidden", "--json").json()
    assert [a["title"] for a in hidden] == ["Sponsored: a better mattress"]  # type: ignore[union-attr]
    # The server's unread list did not undo them, and the server has them.
    assert {t for t, e in witness.items() if e["status"] == "read"} == {
        "Sponsored: a better mattress", "Mixed story 2"}
    assert {t for t, e in witness.items() if e["starred"]} == {"Rust 2.0 is out"}
