"""Full articles end to end through the CLI: `full_text = true` on an excerpt
feed, `toaster refresh`, `toaster show --json`, `toaster fulltext`."""

from __future__ import annotations

from typing import Any

from clirunner import Cli
from feedserver import FeedServer
from pagesamples import (
    COMMENT_WORDS,
    FOOTER_WORDS,
    NAV_WORDS,
    QUOTE,
    SPEECH,
    article_page,
    excerpt_feed,
)


def _config(cli: Cli, feed_url: str, *, full_text: bool | None, default: bool = False) -> None:
    line = "" if full_text is None else f"full_text = {'true' if full_text else 'false'}\n"
    cli.config.write_text(
        "# my feeds\n[settings]\nrefresh_minutes = 0\n"
        f"full_text = {'true' if default else 'false'}\n\n"
        f'[[feeds]]\nurl = "{feed_url}"\ntopic = "News"\n{line}', encoding="utf-8")


def _serve(server: FeedServer, *, good: int = 1, missing: int = 0) -> None:
    links = [server.url(f"/story/{n}") for n in range(good)]
    links += [server.url(f"/gone/{n}") for n in range(missing)]  # 404: no route
    for n in range(good):
        server.route(f"/story/{n}", body=article_page().encode(),
                     content_type="text/html; charset=utf-8")
    server.route("/feed.xml", body=excerpt_feed(links))


def _show(cli: Cli, article_id: int) -> dict[str, Any]:
    result = cli("show", str(article_id), "--json")
    assert result.code == 0, result.err
    shown = result.json()
    assert isinstance(shown, dict)
    return shown


def _ids(cli: Cli) -> list[int]:
    rows = cli("articles", "--json").json()
    assert isinstance(rows, list)
    return [r["id"] for r in rows]


def test_refresh_of_a_full_text_feed_caches_each_page(cli: Cli, server: FeedServer) -> None:
    _serve(server, good=2)
    _config(cli, server.url("/feed.xml"), full_text=True)
    refresh = cli("refresh")
    assert refresh.code == 0, refresh.err
    assert "1 feeds: 2 new articles" in refresh.out
    assert "2 full articles: 2 fetched, 0 failed" in refresh.out
    for article_id in _ids(cli):
        shown = _show(cli, article_id)
        assert shown["text_source"] == "page"
        assert shown["page_error"] is None
        text = shown["text"]
        assert "silted up so badly" in text and "the boats are already tied up" in text
        for chrome in (NAV_WORDS, COMMENT_WORDS, FOOTER_WORDS, "Accept all cookies"):
            assert chrome not in text
        assert shown["read_minutes"] == 2  # the page's ~390 words, not the excerpt's line
        assert QUOTE in shown["quotes"] and SPEECH in shown["quotes"]
        assert any("weir" in s or "river" in s for s in shown["summary"])
        assert shown["language"] == "en"
    # The search index holds the page's words (the feed never said "hydrologist").
    found = cli("articles", "--search", "hydrologist", "--json").json()
    assert isinstance(found, list) and len(found) == 2
    # Fetched once: a second refresh asks for no page again.
    assert cli("refresh").code == 0
    assert len(server.hits_for("/story/0")) == 1


def test_read_time_and_quotes_change_once_the_page_is_fetched(
        cli: Cli, server: FeedServer) -> None:
    _serve(server, good=1)
    _config(cli, server.url("/feed.xml"), full_text=False)
    assert cli("refresh").code == 0
    assert server.hits_for("/story/0") == []  # full_text off: no page fetched
    (article_id,) = _ids(cli)
    before = _show(cli, article_id)
    assert before["text_source"] == "feed"
    assert before["read_minutes"] == 1 and before["quotes"] == []
    assert "Read more" in before["text"]

    fetched = cli("fulltext", str(article_id))
    assert fetched.code == 0, fetched.err
    assert fetched.out.strip() == (f"article {article_id}: full article fetched from "
                                   f"{server.url('/story/0')} (2 min read)")
    after = _show(cli, article_id)
    assert after["text_source"] == "page"
    assert after["read_minutes"] == 2
    assert QUOTE in after["quotes"]
    plain = cli("show", str(article_id))
    assert "Full article, from its web page" in plain.out
    again = cli("fulltext", str(article_id))
    assert again.code == 0
    assert "already cached" in again.out
    assert len(server.hits_for("/story/0")) == 1


def test_a_missing_page_keeps_the_feed_text_and_says_why(cli: Cli, server: FeedServer) -> None:
    _serve(server, good=0, missing=1)
    _config(cli, server.url("/feed.xml"), full_text=None, default=True)
    refresh = cli("refresh")
    assert refresh.code == 0, refresh.err  # the feed itself was fine
    assert "1 full articles: 0 fetched, 1 failed" in refresh.out
    assert "full article not fetched: HTTP 404" in refresh.err
    (article_id,) = _ids(cli)
    shown = _show(cli, article_id)
    assert shown["text_source"] == "feed"
    assert shown["page_error"].startswith("HTTP 404")
    assert "The river rose four metres in a night." in shown["text"]
    assert "Full article not available: HTTP 404" in cli("show", str(article_id)).out
    # On demand it is tried again, and fails with one clear line.
    failed = cli("fulltext", str(article_id))
    assert failed.code == 1
    assert failed.err.count("\n") == 1
    assert failed.err.startswith(f"toaster: article {article_id}: cannot fetch the full "
                                 f"article from {server.url('/gone/0')}: HTTP 404")
    assert "Traceback" not in failed.err


def test_fulltext_of_an_unknown_article(cli: Cli) -> None:
    result = cli("fulltext", "999")
    assert result.code == 1
    assert result.err == "toaster: no article with id 999\n"
