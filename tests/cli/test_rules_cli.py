"""[[filters]] and [[views]] end to end through the CLI, against a loopback server."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from clirunner import Cli
from feedsamples import BASE_TIME, Item, rss2
from feedserver import FeedServer


def news_items() -> list[Item]:
    return [
        Item("n1", "Sponsored: the best mattress", "https://example.org/n/1", BASE_TIME,
             author="Ad Desk"),
        Item("n2", "Rust 2.0 is out", "https://example.org/n/2", BASE_TIME,
             html="<p>The rust compiler got faster.</p>"),
        Item("n3", "Gardens in winter", "https://example.org/n/3", BASE_TIME),
        Item("n4", "From the archive", "https://example.org/n/4",
             datetime(2001, 1, 1, tzinfo=UTC)),
    ]


def blog_items() -> list[Item]:
    return [
        Item("b1", "SPONSORED post on a blog", "https://example.org/b/1", BASE_TIME),
        Item("b2", "My rust garden", "https://example.org/b/2", BASE_TIME),
    ]


FILTERS = """
# my rules
[[filters]]
title = "^sponsored"   # ads, in any case
feed = "http://127.0.0.1:*/news.xml"
action = "hide"

[[filters]]
text = "rust compiler"
action = "star"

[[filters]]
older_than_days = 365
action = "mark_read"
"""

VIEWS = """
[[views]]
name = "Rust"
search = "rust"

[[views]]
name = "Unread news"
topic = "News"
unread = true
"""


def write_config(cli: Cli, server: FeedServer, extra: str = "") -> None:
    server.route("/news.xml", body=rss2(news_items(), title="News"))
    server.route("/blog.xml", body=rss2(blog_items(), title="Blog"))
    cli.config.write_text(
        f"""[settings]
refresh_minutes = 0

[[feeds]]
url = "{server.url('/news.xml')}"
topic = "News"

[[feeds]]
url = "{server.url('/blog.xml')}"
topic = "Personal"
{extra}""", encoding="utf-8")


def titles(cli: Cli, *args: str) -> dict[str, dict[str, object]]:
    result = cli("articles", "--json", "--limit", "100", *args)
    assert result.code == 0, result.err
    rows = result.json()
    assert isinstance(rows, list)
    return {str(r["title"]): r for r in rows}


def test_filters_act_on_new_articles_at_refresh(cli: Cli, server: FeedServer) -> None:
    write_config(cli, server, FILTERS)
    refresh = cli("refresh")
    assert refresh.code == 0, refresh.err
    # The hidden one is never new: 6 stored, 5 new.
    assert "5 new articles" in refresh.out

    shown = titles(cli)
    assert "Sponsored: the best mattress" not in shown
    assert "SPONSORED post on a blog" in shown  # the filter names the news feed only
    assert shown["Rust 2.0 is out"]["starred"] is True
    assert shown["My rust garden"]["starred"] is False  # "rust" but not "compiler"
    assert shown["From the archive"]["read"] is True
    assert shown["Gardens in winter"]["read"] is False

    hidden = titles(cli, "--hidden")
    assert list(hidden) == ["Sponsored: the best mattress"]
    assert hidden["Sponsored: the best mattress"]["read"] is True
    # Hidden from search and from counts too.
    assert "Sponsored: the best mattress" not in titles(cli, "--search", "mattress")
    feeds = cli("feeds", "--json").json()
    assert isinstance(feeds, list)
    news = next(f for f in feeds if f["url"].endswith("/news.xml"))
    assert news["articles"] == 3 and news["unread"] == 2

    # Fetched again, the hidden article is still there, still hidden, not new.
    again = cli("refresh")
    assert "0 new articles" in again.out
    assert list(titles(cli, "--hidden")) == ["Sponsored: the best mattress"]


def test_filters_apply_to_the_cache(cli: Cli, server: FeedServer) -> None:
    write_config(cli, server)
    assert cli("refresh").code == 0
    assert len(titles(cli)) == 6
    assert cli("filters", "apply").out.startswith("no [[filters]]")

    write_config(cli, server, FILTERS)
    applied = cli("filters", "apply")
    assert applied.code == 0, applied.err
    assert applied.out.splitlines() == [
        "filter on line 13 (hide): 1 article hidden",
        "filter on line 18 (star): 1 article starred",
        "filter on line 22 (mark_read): 1 article marked read",
    ]
    assert list(titles(cli, "--hidden")) == ["Sponsored: the best mattress"]
    assert titles(cli)["Rust 2.0 is out"]["starred"] is True
    # Applying again changes nothing more.
    assert all(line.split(": ")[1].startswith("0 ")
               for line in cli("filters", "apply").out.splitlines())


def test_filters_unhide_brings_back_what_no_filter_hides_now(cli: Cli,
                                                              server: FeedServer) -> None:
    write_config(cli, server, FILTERS)
    assert cli("refresh").code == 0
    assert list(titles(cli, "--hidden")) == ["Sponsored: the best mattress"]
    # The filter still hides it: nothing comes back.
    same = cli("filters", "unhide")
    assert same.code == 0, same.err
    assert same.out.strip() == "0 hidden articles back in the lists (still marked read); " \
        "1 still hidden by a filter"
    # Hidden by other words now (the search index decides): still hidden.
    write_config(cli, server, FILTERS.replace('title = "^sponsored"', 'text = "mattress"'))
    assert cli("filters", "unhide").out.startswith("0 hidden articles back")
    # The filter narrowed to another feed's ads: the article is back, read.
    write_config(cli, server, FILTERS.replace("/news.xml", "/blog.xml"))
    back = cli("filters", "unhide")
    assert back.out.strip() == "1 hidden article back in the lists (still marked read); " \
        "0 still hidden by a filter"
    assert not titles(cli, "--hidden")
    listed = titles(cli)
    assert listed["Sponsored: the best mattress"]["read"] is True
    assert "Sponsored: the best mattress" in titles(cli, "--search", "mattress")


def test_filters_run_in_the_parse_processes(cli: Cli, server: FeedServer) -> None:
    """Eight feeds and more are parsed in worker processes: the filters go with them."""
    urls = []
    for n in range(9):
        server.route(f"/f{n}.xml", body=rss2([
            Item(f"a{n}", f"Sponsored {n}", f"https://example.org/{n}/a", BASE_TIME),
            Item(f"b{n}", f"Story {n}", f"https://example.org/{n}/b", BASE_TIME)]))
        urls.append(server.url(f"/f{n}.xml"))
    feeds = "".join(f'[[feeds]]\nurl = "{u}"\n' for u in urls)
    cli.config.write_text(f'{feeds}[[filters]]\ntitle = "sponsored"\naction = "hide"\n',
                          encoding="utf-8")
    refresh = cli("refresh")
    assert "9 feeds: 9 new articles" in refresh.out, refresh.out
    assert sorted(titles(cli)) == sorted(f"Story {n}" for n in range(9))
    assert len(titles(cli, "--hidden")) == 9


def test_a_catastrophic_pattern_does_not_hang_a_refresh(cli: Cli, server: FeedServer) -> None:
    # (a+)+$ on "aaaa…b" takes Python's re longer than the age of the universe.
    server.route("/f.xml", body=rss2([Item("x", "a" * 5000 + "b", "https://example.org/x",
                                            BASE_TIME)]))
    cli.config.write_text(f'[[feeds]]\nurl = "{server.url("/f.xml")}"\n'
                          '[[filters]]\ntitle = "(a+)+$"\naction = "hide"\n', encoding="utf-8")
    began = time.monotonic()
    assert cli("refresh").code == 0
    assert cli("filters", "apply").code == 0
    assert time.monotonic() - began < 10
    assert len(titles(cli)) == 1


def test_views_list_from_the_cli(cli: Cli, server: FeedServer) -> None:
    write_config(cli, server, FILTERS + VIEWS)
    assert cli("refresh").code == 0
    assert sorted(titles(cli, "--view", "Rust")) == ["My rust garden", "Rust 2.0 is out"]
    # Unread news: the archive piece was marked read, the ad hidden.
    assert sorted(titles(cli, "--view", "unread news")) == ["Gardens in winter",
                                                            "Rust 2.0 is out"]
    assert list(titles(cli, "--view", "Rust", "--starred")) == ["Rust 2.0 is out"]
    missing = cli("articles", "--view", "Nope")
    assert missing.code == 2
    assert missing.err.strip() == "toaster: no view named 'Nope' (views: Rust, Unread news)"


def test_rule_errors_are_config_errors_at_line_and_column(cli: Cli, server: FeedServer) -> None:
    cases = {
        '[[filters]]\ntitle = "(?<=x)y"\naction = "hide"\n':
            ":2:9: title is not a regular expression this reader can use",
        '[[filters]]\ntitle = "x"\naction = "delete"\n': ":3:10: action must be one of",
        '[[filters]]\naction = "hide"\n': ":1:1: filter says which articles by none of",
        '[[filters]]\ntitle = "x"\n': ":1:1: filter has no action",
        '[[filters]]\ntitel = "x"\naction = "hide"\n':
            ':2:1: unknown key "titel" in [[filters]] (did you mean "title"?)',
        '[[filters]]\nolder_than_days = 0\naction = "star"\n': ":2:19: older_than_days must be",
        '[[views]]\nsearch = "x"\n': ":1:1: view has no name",
        '[[views]]\nname = "A"\n\n[[views]]\nname = "a"\n':
            ':5:8: duplicate view name "a" (first used on line 1)',
        '[[views]]\nname = "A"\nunread = "yes"\n': ":3:10: unread must be true or false",
        '[[views]]\nname = "A"\nsearch = "!!"\n': ":3:10: search must be a string with",
        '[[views]]\nname = "A"\nsince = 3\n': ':3:1: unknown key "since" in [[views]]',
    }
    for text, expected in cases.items():
        cli.config.write_text(text, encoding="utf-8")
        result = cli("articles")
        assert result.code == 2, text
        assert result.err.startswith(str(cli.config) + expected), (text, result.err)
        assert "Traceback" not in result.err
