"""Fetching and reading an article's web page against a real loopback server:
the article kept and the rest dropped, encodings, and the feed fetcher's limits."""

from __future__ import annotations

import asyncio

import pytest

from feedserver import FeedServer
from pagesamples import COMMENT_WORDS, FOOTER_WORDS, NAV_WORDS, QUOTE, SHARE_WORDS, article_page
from toaster_tui.core.models import PageText, Settings
from toaster_tui.feeds.charset import decode_page, page_encoding
from toaster_tui.feeds.fetch import Fetcher
from toaster_tui.feeds.page_fetch import PageAnswer, fetch_page, page_text


def get(server: FeedServer, path: str, settings: Settings | None = None) -> PageAnswer:
    async def go() -> PageAnswer:
        async with Fetcher(settings or Settings(timeout=5)) as fetcher:
            return await fetch_page(fetcher, server.url(path))

    return asyncio.run(go())


def read(answer: PageAnswer) -> PageText:
    assert answer.error is None, answer.error
    page = page_text(answer.body, answer.content_type, answer.url)
    assert page is not None
    return page


def test_the_article_is_kept_and_the_page_around_it_dropped(server: FeedServer) -> None:
    server.route("/a", body=article_page().encode(), content_type="text/html; charset=utf-8",
                 gzip=True)
    answer = get(server, "/a")
    assert answer.status == 200
    page = read(answer)
    assert "silted up so badly" in page.text
    assert "<blockquote>" in page.content_html and QUOTE in page.text
    for chrome in (NAV_WORDS, COMMENT_WORDS, FOOTER_WORDS, SHARE_WORDS, "Related stories",
                   "Accept all cookies", "Privacy"):
        assert chrome not in page.text
    assert page.language == "en"
    assert page.read_minutes == 2
    sent = server.hits_for("/a")[0].headers
    assert sent["accept"].startswith("text/html")


def test_windows_1252_declared_only_in_meta(server: FeedServer) -> None:
    extra = "<p>Café crème, naïve “quotes” and a price of 5 € — all in windows-1252.</p>"
    body = article_page(charset_meta="windows-1252", extra_body=extra).encode("cp1252")
    server.route("/cp", body=body, content_type="text/html")  # no charset in the header
    page = read(get(server, "/cp"))
    assert "Café crème, naïve “quotes” and a price of 5 € — all in windows-1252." in page.text
    assert "\ufffd" not in page.text


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    (b"\xef\xbb\xbf<p>x</p>", "text/html; charset=latin-1", ("utf-8", 3)),  # BOM first
    (b'<meta charset="utf-8"><p>caf\xe9</p>', "text/html; charset=ISO-8859-1", ("cp1252", 0)),
    (b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">', None,
     ("koi8-r", 0)),
    (b'<meta charset="utf-16"><p>x</p>', "text/html", ("utf-8", 0)),  # WHATWG: not UTF-16
    (b'<meta charset="no-such-thing"><p>caf\xc3\xa9</p>', "text/html; charset=rot13",
     ("utf-8", 0)),  # unknown and non-text labels fall through to detection
])
def test_where_the_encoding_comes_from(body: bytes, content_type: str | None,
                                       expected: tuple[str, int]) -> None:
    assert page_encoding(body, content_type) == expected


def test_undeclared_legacy_text_is_detected() -> None:
    text = ("Les élèves ont répondu très précisément à la dernière question posée "
            "par leur professeur, à côté de la fenêtre ouverte sur la forêt. ") * 20
    assert decode_page(text.encode("cp1252"), "text/html") == text
    assert decode_page(text.encode("utf-8"), None) == text


def test_404_is_a_clear_error(server: FeedServer) -> None:
    answer = get(server, "/missing")
    assert answer.status == 404
    assert answer.error == "HTTP 404 Not Found"
    assert answer.body == b""


def test_a_page_over_the_size_cap_is_refused_while_streaming(server: FeedServer) -> None:
    huge = article_page(extra_body="<p>more words here</p>" * 20_000).encode()
    assert len(huge) > 256 * 1024
    # Without Content-Length: the cap is enforced on the bytes as they arrive.
    server.route("/big", body=huge, content_type="text/html", gzip=True)
    answer = get(server, "/big", Settings(timeout=5, max_bytes=64 * 1024))
    assert answer.error == "response larger than 64 KB, not stored"


def test_a_slow_page_times_out(server: FeedServer) -> None:
    server.route("/slow", body=article_page().encode(), content_type="text/html", delay=3)
    answer = get(server, "/slow", Settings(timeout=1))
    assert answer.error is not None and "timed out" in answer.error


def _chain(server: FeedServer, hops: int) -> None:
    for n in range(hops):
        server.route(f"/hop{n}", status=302, body=b"",
                     headers={"Location": f"/hop{n + 1}" if n + 1 < hops else "/end"})
    server.route("/end", body=article_page().encode(), content_type="text/html")


def test_five_redirects_are_followed(server: FeedServer) -> None:
    _chain(server, 5)
    answer = get(server, "/hop0")
    assert answer.error is None
    assert "silted up" in read(answer).text


def test_six_redirects_are_refused(server: FeedServer) -> None:
    _chain(server, 6)
    assert get(server, "/hop0").error == "more than 5 redirects"
    assert server.hits_for("/end") == []


def test_a_redirect_to_another_scheme_is_not_followed(server: FeedServer) -> None:
    server.route("/ftp", status=302, body=b"", headers={"Location": "ftp://127.0.0.1/x"})
    assert get(server, "/ftp").error == "redirected to a non-http URL, not followed"
    server.route("/js", status=302, body=b"", headers={"Location": "javascript:alert(1)"})
    error = get(server, "/js").error
    assert error is not None and error.startswith("invalid URL")


def test_not_a_web_page(server: FeedServer) -> None:
    server.route("/doc.pdf", body=b"%PDF-1.7", content_type="application/pdf")
    assert get(server, "/doc.pdf").error == "not a web page (application/pdf)"


def test_a_page_without_an_article_has_no_text() -> None:
    assert page_text(b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
                     "text/html", "https://example.org/") is None
    assert page_text(b"", "text/html", "https://example.org/") is None


def test_only_http_links_are_fetched() -> None:
    async def go() -> PageAnswer:
        async with Fetcher(Settings(timeout=5)) as fetcher:
            return await fetch_page(fetcher, "file:///etc/passwd")

    assert asyncio.run(go()).error == "the article's link is not an http or https address"
