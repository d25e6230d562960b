"""An article longer than toaster keeps: `toaster show` reads cleanly to the
cut and then says the article goes on."""

from __future__ import annotations

from clirunner import Cli
from feedsamples import BASE_TIME, Item, rss2
from feedserver import FeedServer
from toaster_tui.feeds import parse

NOTICE = "The article is longer than toaster keeps (512 KiB); press o to read it on the web."


def _long_article() -> str:
    para = ('<p class="body-text">Section {n}: the committee met again and '
            '<a href="https://news.example.org/ref/{n}?from=feed&amp;utm=x">read the notes</a>'
            ' &amp; the <em>minutes</em>. <img src="/img/{n}.jpg" alt="Figure {n}"></p>\n')
    # Past MAX_HTML, with tags every few dozen characters: a plain slice lands in one.
    return "".join(para.format(n=n) for n in range(parse.MAX_HTML // 150))


def test_show_ends_a_long_article_with_a_notice(cli: Cli, server: FeedServer) -> None:
    html = _long_article()
    assert len(html) > parse.MAX_HTML
    item = Item("long-1", "A very long report", "https://news.example.org/long/1", BASE_TIME,
                html, summary="<p>The committee report, in full.</p>")
    server.route("/long.xml", body=rss2([item]))
    assert cli("add", server.url("/long.xml")).code == 0
    (row,) = cli("articles", "--json").json()  # type: ignore[misc]
    shown = cli("show", str(row["id"]))
    assert shown.code == 0
    # The body is the last section before the feed's snippet.
    body = shown.out.split("\n\nSnippet from the feed\n")[0].split("\n")
    assert body[-1] == NOTICE, body[-3:]
    assert body[-3] == "---"
    text = "\n".join(body)
    for raw in ("<p", "<a ", "<img", "</", "class=", "&amp;"):
        assert raw not in text, raw
    assert "Section 0: the committee met again" in text
    assert text.count("press o to read it on the web") == 1
    # The summary and quotes read the article, not the notice.
    js = cli("show", str(row["id"]), "--json").json()
    assert isinstance(js, dict)
    assert js["text"].endswith(NOTICE)
    assert not any("toaster keeps" in s for s in js["summary"] + js["quotes"])


def test_show_of_an_article_under_the_limit_has_no_notice(cli: Cli, server: FeedServer) -> None:
    item = Item("short-1", "Short", "https://news.example.org/short/1", BASE_TIME,
                "<p>Short article.</p>")
    server.route("/short.xml", body=rss2([item]))
    assert cli("add", server.url("/short.xml")).code == 0
    (row,) = cli("articles", "--json").json()  # type: ignore[misc]
    assert "toaster keeps" not in cli("show", str(row["id"])).out
