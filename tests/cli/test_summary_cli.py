"""`toaster show --json`: a long served article's summary is its central
sentences, not a copy of its first paragraph."""

from __future__ import annotations

from clirunner import Cli
from feedsamples import BASE_TIME, Item, rss2
from feedserver import FeedServer
from toaster_tui.reading.sentences import split_sentences

LEAD = ("The council met on Tuesday evening in the old library hall. "
        "About forty residents came, and the meeting ran late into the night.")
CENTRAL = "The new bike lanes will connect every school in town to the river path."
ARTICLE = f"""
<h1>Council notes</h1>
<p>{LEAD}</p>
<h2>Bike lanes</h2>
<p>{CENTRAL} Work on the bike lanes starts in March and ends before the school year.</p>
<ul><li>Bike lanes on Mill Street and Station Road.</li><li>A new school crossing.</li></ul>
<p>Parents asked for the bike lanes near every school to be separated from traffic.
The council agreed that school bike lanes get a curb, not paint alone.</p>
<p><img src="/map.png" alt="Map of the new bike lanes to the river path"></p>
<p>The river path itself will be widened so bike lanes and walkers can share it.
Lights along the river path are planned for the winter.</p>
<p>See <a href="/a">the plan</a>, <a href="/b">the budget</a> and <a href="/c">the map</a>.</p>
"""


def test_show_json_summary_is_central_not_the_first_paragraph(cli: Cli,
                                                            server: FeedServer) -> None:
    item = Item("council-1", "Council notes", "https://example.org/council/1", BASE_TIME,
                ARTICLE)
    server.route("/council.xml", body=rss2([item]))
    assert cli("add", server.url("/council.xml")).code == 0
    (row,) = cli("articles", "--json").json()  # type: ignore[misc]
    shown = cli("show", str(row["id"]), "--json").json()
    summary = shown["summary"]  # type: ignore[index]
    assert isinstance(summary, list) and len(summary) == 3
    lead = split_sentences(LEAD)
    assert summary[:len(lead)] != lead and not set(lead) <= set(summary)
    assert CENTRAL in summary
    assert shown["text"].index(LEAD.split(".")[0]) < shown["text"].index(CENTRAL)  # type: ignore[index]
    order = [ARTICLE.index(s.split(" ", 3)[-1][:30]) for s in summary]
    assert order == sorted(order)
    for gone in ("Council notes", "Mill Street", "Map of", "the budget"):
        assert not any(gone in s for s in summary)


WORDPRESS_TRAILER = ('<p>The post <a href="https://gazette.example/{slug}">{title}</a> appeared '
                     'first on <a href="https://gazette.example/">Riverside Gazette</a>.</p>')


def _section(out: str, heading: str) -> list[str]:
    """The lines of `toaster show`'s section under `heading`, up to the blank line."""
    lines = out.splitlines()
    if heading not in lines:
        return []
    start = lines.index(heading) + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


def test_show_never_summarizes_an_excerpts_stock_lines(cli: Cli, server: FeedServer) -> None:
    longer = Item(
        "river-1", "The night the river came", "https://gazette.example/river", BASE_TIME,
        "<p>The river rose four metres in a single night. Nobody drowned. The bakers "
        "crossed the streets in borrowed boats.</p>"
        + WORDPRESS_TRAILER.format(slug="river", title="The night the river came"))
    short = Item(
        "weir-1", "The weir", "https://gazette.example/weir", BASE_TIME,
        '<p>Engineers blamed a weir that had silted up long ago. '
        '<a href="https://gazette.example/weir">Read more…</a></p>'
        + WORDPRESS_TRAILER.format(slug="weir", title="The weir"))
    server.route("/gazette.xml", body=rss2([longer, short]))
    assert cli("add", server.url("/gazette.xml")).code == 0
    rows = cli("articles", "--json").json()
    assert isinstance(rows, list)
    ids = {r["title"]: r["id"] for r in rows}

    shown = cli("show", str(ids["The night the river came"]))
    assert shown.code == 0, shown.err
    assert _section(shown.out, "Summary") == [
        "The river rose four metres in a single night.",
        "The bakers crossed the streets in borrowed boats."]
    assert "appeared first on Riverside Gazette" in shown.out  # the body is left as it was

    # One sentence and stock lines: a Summary would only repeat the line below it.
    shown = cli("show", str(ids["The weir"]))
    assert shown.code == 0, shown.err
    assert "Summary" not in shown.out.splitlines()
    assert "Engineers blamed a weir that had silted up long ago." in shown.out
