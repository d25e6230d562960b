"""End to end: a title with markup reaches the user as clean text, in every format."""

from __future__ import annotations

from clirunner import Cli
from feedsamples import BASE_TIME, Item, atom, json_feed, rss1, rss2
from feedserver import FeedServer

# As the publisher typed them; feedsamples escapes them for XML (an RSS title is
# then HTML, an Atom title plain text holding HTML), and JSON keeps them as they are.
RAW_TITLES = ("<b>Title</b> with <i>html</i>", "AT&amp;T &amp; <em>friends</em>")
CLEAN_TITLES = {"Title with html", "AT&T & friends"}


def test_articles_json_shows_titles_without_markup(cli: Cli, server: FeedServer) -> None:
    items = [Item(id=f"t{n}", title=title, link=f"https://example.org/t/{n}", when=BASE_TIME)
             for n, title in enumerate(RAW_TITLES)]
    docs = {"/rss2.xml": (rss2(items), "application/rss+xml"),
            "/rss1.rdf": (rss1(items), "application/rdf+xml"),
            "/atom.xml": (atom(items), "application/atom+xml"),
            "/feed.json": (json_feed(items), "application/feed+json")}
    for path, (body, kind) in docs.items():
        server.route(path, body=body, content_type=kind)
        added = cli("add", server.url(path))
        assert added.code == 0, added.err
    refresh = cli("refresh")
    assert refresh.code == 0, refresh.err

    rows = cli("articles", "--json", "--limit", "100").json()
    assert isinstance(rows, list) and len(rows) == 4 * len(RAW_TITLES)
    by_feed: dict[str, set[str]] = {}
    for row in rows:
        by_feed.setdefault(row["feed_url"].rsplit("/", 1)[-1], set()).add(row["title"])
    assert by_feed == dict.fromkeys(("rss2.xml", "rss1.rdf", "atom.xml", "feed.json"),
                                    CLEAN_TITLES)
