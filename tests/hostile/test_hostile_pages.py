"""Hostile article pages for full_text feeds: whatever a page does, the refresh
ends, nothing a terminal would obey is stored or shown, and the feed's own text
is never lost. One `toaster refresh` of an excerpt feed whose articles link to
them, then every article read back through the CLI."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clirunner import Result
from hostile.server import Conn, HostileServer
from pagesamples import article_page, excerpt_feed
from toaster_tui.cli import main

MB = 1024 * 1024
FEED_TEXT = "The river rose four metres in a night."
UNSAFE = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066")


def _html(conn: Conn, body: str | bytes, **headers: str) -> None:
    data = body.encode() if isinstance(body, str) else body
    conn.respond(200, data, "text/html; charset=utf-8", headers)


def _scripts(conn: Conn) -> None:
    _html(conn, article_page(extra_body=(
        "<script>document.write('PWNED by script')</script>"
        "<noscript><p>PWNED by noscript</p></noscript>"
        "<style>p { color: red } /* PWNED by style */</style>"
        "<p onclick=\"alert('PWNED by handler')\">Clicking this paragraph does nothing "
        "at all in a terminal, whatever the page hoped for.</p>"
        "<iframe src='https://evil.example/'>PWNED by iframe</iframe>")))


def _escapes(conn: Conn) -> None:
    _html(conn, article_page(extra_body=(
        "<p>Escape \x1b]52;c;SGVsbG8=\x07 to the clipboard, \x1b[2J a cleared screen, "
        "\x9b31m a C1 colour, \u202eplain reversed text\u202c and \u2066isolates\u2069 "
        "all ride along with this sentence about the flood defences.</p>"
        "<h2>\x1b[5mBlinking headline about the weir\x1b[0m</h2>")))


def _javascript_links(conn: Conn) -> None:
    _html(conn, article_page(extra_body=(
        "<p>Watch <a href='javascript:alert(document.cookie)'>the flood video</a> or "
        "<a href='JaVaScRiPt:evil()'>the aerial photos</a> or "
        "<a href='data:text/html,<script>alert(1)</script>'>the map</a> "
        "of the meadows before and after.</p>"
        "<img src='javascript:alert(2)' alt='A picture of the weir'>")))


def _gzip_bomb(conn: Conn) -> None:
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"\0" * MB
    payload = b"".join([squeeze.compress(b"<html><body><p>"),
                        *(squeeze.compress(zeros) for _ in range(64)), squeeze.flush()])
    conn.respond(200, payload, "text/html", {"Content-Encoding": "gzip"})


def _never_ends(conn: Conn) -> None:
    conn.head(200, {"Content-Type": "text/html", "Connection": "close"})
    conn.send(b"<html><body><article><h1>Endless</h1>")
    while True:
        conn.send(b"<p>And then the river rose a little more, and more again.</p>\n")
        conn.sleep(0.05)


def _deep(conn: Conn) -> None:
    _html(conn, "<html><body>" + "<div>" * 100_000 + "<p>deep</p>" + "</div>" * 100_000)


def _double_gzip_garbage(conn: Conn) -> None:
    conn.respond(200, gzip.compress(b"\xff\xfe\x00garbage" * 1000), "text/html",
                 {"Content-Encoding": "gzip"})


# name: (handler, the page's text is expected to be stored)
PAGES: dict[str, tuple[Callable[[Conn], None], bool]] = {
    "scripts": (_scripts, True),
    "escapes": (_escapes, True),
    "javascript-links": (_javascript_links, True),
    "gzip-bomb": (_gzip_bomb, False),
    "never-ends": (_never_ends, False),
    "deep-nesting": (_deep, False),
    "garbage": (_double_gzip_garbage, False),
}


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Refresh once; every article as `show` and `show --json` give it, by page name."""
    tmp = tmp_path_factory.mktemp("pages")
    with HostileServer(max_seconds=30) as server:
        links = [server.route(f"/{name}", handler) for name, (handler, _) in PAGES.items()]
        feed = excerpt_feed(links)
        server.route("/feed.xml", lambda conn: conn.respond(200, feed))
        config = tmp / "config.toml"
        config.write_text(
            "[settings]\nrefresh_minutes = 0\ntimeout = 3\nfull_text = true\n\n"
            f'[[feeds]]\nurl = "{server.url("/feed.xml")}"\n', encoding="utf-8")
        db = tmp / "toaster.db"
        started = time.monotonic()
        refresh = _run(config, db, "refresh")
        seconds = time.monotonic() - started
    rows = _run(config, db, "articles", "--json").json()
    assert isinstance(rows, list)
    by_name: dict[str, Any] = {}
    for row in rows:
        link = row["url"]
        name = link.rsplit("/", 1)[-1]
        by_name[name] = {"json": _run(config, db, "show", str(row["id"]), "--json"),
                         "text": _run(config, db, "show", str(row["id"]))}
    return {"refresh": refresh, "seconds": seconds, "pages": by_name}


def _run(config: Path, db: Path, *args: str) -> Result:
    """`toaster ARGS` in-process, its output captured (a module-scoped fixture has no capsys)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*args, "--config", str(config), "--db", str(db)])
    return Result(code, out.getvalue(), err.getvalue())


def test_the_refresh_ends_and_reports_each_page(shown: dict[str, Any]) -> None:
    refresh = shown["refresh"]
    assert refresh.code == 0, refresh.err
    assert "Traceback" not in refresh.err
    stored = sum(expected for _, expected in PAGES.values())
    assert f"{len(PAGES)} full articles: {stored} fetched" in refresh.out
    # timeout = 3 s: the endless page is cut off, nothing waits for it longer.
    assert shown["seconds"] < 30
    for line in refresh.err.splitlines():
        assert not any(ch in line for ch in UNSAFE)


@pytest.mark.parametrize("name", list(PAGES))
def test_the_feed_text_is_never_lost(shown: dict[str, Any], name: str) -> None:
    result = shown["pages"][name]["json"]
    assert result.code == 0, result.err
    article = json.loads(result.out)
    stored = PAGES[name][1]
    assert article["text_source"] == ("page" if stored else "feed")
    if stored:
        assert "silted up so badly" in article["text"]
    else:
        assert FEED_TEXT in article["text"]
        assert article["page_error"]
    shown_text = shown["pages"][name]["text"].out
    for text in (shown_text, article["text"], *article["summary"], *article["quotes"]):
        assert not any(ch in text for ch in UNSAFE), (name, text)
        assert "PWNED" not in text
        assert "javascript:" not in text.lower()
        assert "data:text/html" not in text


def test_each_failure_says_why(shown: dict[str, Any]) -> None:
    def error(name: str) -> str:
        return str(json.loads(shown["pages"][name]["json"].out)["page_error"])

    assert "larger than" in error("gzip-bomb")
    assert "timed out" in error("never-ends") or "larger than" in error("never-ends")

