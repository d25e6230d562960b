"""Per-feed settings end to end: refresh_minutes, hidden_from_all, validation, the editor."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from clirunner import Cli
from feedsamples import make_items, rss2
from feedserver import FeedServer


def write_config(cli: Cli, body: str) -> None:
    cli.config.write_text(body, encoding="utf-8")


def test_refresh_minutes_per_feed_and_all_forces(cli: Cli, server: FeedServer) -> None:
    for name in ("daily", "manual", "quarterly"):
        server.route(f"/{name}.xml", body=rss2(make_items(name, 3), title=name.title()))
    write_config(cli, f"""[settings]
refresh_minutes = 60

[[feeds]]
url = "{server.url('/daily.xml')}"

[[feeds]]
url = "{server.url('/manual.xml')}"
refresh_minutes = 0   # by hand only: every `toaster refresh`

[[feeds]]
url = "{server.url('/quarterly.xml')}"
refresh_minutes = 10080
""")
    first = cli("refresh")
    assert first.code == 0, first.err
    assert first.out.startswith("3 feeds: 9 new articles")

    again = cli("refresh")  # a minute later: only the by-hand feed is due
    assert again.code == 0, again.err
    assert again.out.startswith("1 feeds: 0 new articles")
    assert "2 not due yet (--all fetches them)" in again.out
    assert [len(server.hits_for(f"/{n}.xml")) for n in ("daily", "manual", "quarterly")] \
        == [1, 2, 1]

    # An hour and a bit later the daily feed is due, the weekly one is not.
    with sqlite3.connect(cli.db) as db:
        db.execute("UPDATE feeds SET last_fetched = last_fetched - 3700")
    later = cli("refresh")
    assert later.out.startswith("2 feeds:"), later.out
    assert "1 not due yet" in later.out
    assert len(server.hits_for("/quarterly.xml")) == 1

    forced = cli("refresh", "--all")
    assert forced.out.startswith("3 feeds:"), forced.out
    assert "not due" not in forced.out
    assert len(server.hits_for("/quarterly.xml")) == 2


def test_hidden_from_all_leaves_all_topics_listing(cli: Cli, server: FeedServer) -> None:
    server.route("/news.xml", body=rss2(make_items("news", 2), title="News"))
    server.route("/deals.xml", body=rss2(make_items("deals", 3), title="Deals"))
    write_config(cli, f"""[settings]
refresh_minutes = 0

[[feeds]]
url = "{server.url('/news.xml')}"
topic = "News"

[[feeds]]
url = "{server.url('/deals.xml')}"
topic = "Shopping"
hidden_from_all = true
""")
    assert cli("refresh").code == 0
    everything = cli("articles", "--json").json()
    assert isinstance(everything, list)
    assert {r["feed_url"] for r in everything} == {server.url("/news.xml")}
    shopping = cli("articles", "--topic", "Shopping", "--json").json()
    assert isinstance(shopping, list) and len(shopping) == 3
    by_feed = cli("articles", "--feed", server.url("/deals.xml"), "--json").json()
    assert isinstance(by_feed, list) and len(by_feed) == 3
    found = cli("articles", "--search", "Deals story", "--json").json()  # search sees all
    assert isinstance(found, list) and len(found) == 3

    # The default in [settings] hides every feed that does not say otherwise.
    text = cli.config.read_text(encoding="utf-8")
    text = text.replace("refresh_minutes = 0\n", "refresh_minutes = 0\nhidden_from_all = true\n")
    text = text.replace('topic = "News"\n', 'topic = "News"\nhidden_from_all = false\n')
    write_config(cli, text)
    rows = cli("articles", "--json").json()
    assert isinstance(rows, list) and {r["feed_url"] for r in rows} == {server.url("/news.xml")}


def test_rule_values_are_checked_with_positions(cli: Cli) -> None:
    cases = {
        '[[feeds]]\nurl = "https://a.example/f"\nkeep_day = 7\n':
            ':3:1: unknown key "keep_day" in [[feeds]] (did you mean "keep_days"?)',
        '[[feeds]]\nurl = "https://a.example/f"\nnotify = "yes"\n':
            ':3:10: notify must be true or false, not "yes"',
        '[[feeds]]\nurl = "https://a.example/f"\nrefresh_minutes = -5\n':
            ":3:19: refresh_minutes must be an integer >= 0 (0 = manual refresh only), not -5",
        '[settings]\nkeep_days = 1.5\n':
            ":2:13: keep_days must be an integer >= 0 (0 = keep for ever), not 1.5",
        '[settings]\nhidden_from_all = 1\n':
            ":2:19: hidden_from_all must be true or false, not 1",
        '[settings]\ndesktop_notify = "bell"\n':
            ':2:18: desktop_notify must be one of "auto", "osc9", "osc777", "off", not "bell"',
        '[settings]\nnotfy = true\n':
            ':2:1: unknown key "notfy" in [settings] (did you mean "notify"?)',
    }
    for text, message in cases.items():
        write_config(cli, text)
        result = cli("feeds")
        assert result.code == 2
        assert result.err.strip() == f"{cli.config}{message}"


def test_the_editor_keeps_rules_and_their_comments(cli: Cli, tmp_path: Path) -> None:
    original = """[settings]
keep_days = 30   # a month of read articles

[[feeds]]
url = "https://a.example/feed"
topic = "News"
refresh_minutes = 60  # hourly newspaper
notify = true
hidden_from_all = false
keep_days = 0  # keep all of these
"""
    write_config(cli, original)
    moved = cli("move", "https://a.example/feed", "Daily")
    assert moved.code == 0, moved.err
    assert cli.config.read_text(encoding="utf-8") == original.replace('"News"', '"Daily"')


def test_a_refresh_with_nothing_due_fetches_nothing(cli: Cli, server: FeedServer) -> None:
    server.route("/daily.xml", body=rss2(make_items("daily", 2), title="Daily"))
    write_config(cli, f"""[settings]
refresh_minutes = 60

[[feeds]]
url = "{server.url('/daily.xml')}"
""")
    assert cli("refresh").code == 0
    idle = cli("refresh")  # within the hour: nothing to do, said plainly
    assert idle.code == 0, idle.err
    assert idle.out.strip() == "0 feeds: 0 new articles, 0 unchanged, 0 failed, 1 not due yet " \
        "(--all fetches them)"
    assert len(server.hits_for("/daily.xml")) == 1
