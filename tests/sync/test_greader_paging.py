"""Paging item ids: big pages and items of the same second against a real
Miniflux; servers whose continuations repeat ids or go round against a small
greader-speaking server on 127.0.0.1 that injects those faults."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from faultproxy import FaultProxy
from feedsamples import make_items, rss2
from feedserver import FeedServer
from miniflux_server import Account
from toaster_tui.sync.greader import ID_PAGE, READ, GReaderClient

IDS = "/reader/api/0/stream/items/ids"
Query = dict[str, list[str]]


def id_requests(paths: list[str]) -> list[Query]:
    return [parse_qs(urlsplit(p).query) for p in paths if urlsplit(p).path == IDS]


def add_feed(account: Account, feeds: FeedServer, path: str, body: bytes) -> None:
    feeds.route(path, body=body)
    with account.api() as api:
        made = api.post("/feeds", json={"feed_url": feeds.url(path), "category_id":
                                        api.get("/categories").json()[0]["id"]})
        assert made.status_code == 201, made.text


def witness_ids(api: httpx.Client, **params: Any) -> list[str]:
    """Entry ids newest first, by the REST API (1,000 at most a request)."""
    found: list[str] = []
    while True:
        entries = api.get("/entries", params={"limit": 1000, "offset": len(found),
                                              "order": "published_at", "direction": "desc",
                                              **params}).json()["entries"]
        found += [str(e["id"]) for e in entries]
        if len(entries) < 1000:
            return found


def test_more_than_a_thousand_ids_come_in_one_page(account: Account) -> None:
    with FeedServer() as feeds:
        add_feed(account, feeds, "/long", rss2(make_items("long", 1200), title="Long"))
    with account.api() as api:
        witness = witness_ids(api)
    assert len(witness) == 1200
    with FaultProxy(account.url) as proxy, \
            GReaderClient(proxy.url, *account.greader) as greader:
        ids = greader.item_ids()
        assert [q["n"] for q in id_requests(proxy.paths)] == [[str(ID_PAGE)]]  # one request
        assert ids == witness  # newest first, all of them
        proxy.paths.clear()
        assert greader.item_ids(page=500) == ids  # three pages: 500, 500, 200
        assert [q.get("c") for q in id_requests(proxy.paths)] == [None, ["500"], ["1000"]]


def test_items_of_the_same_second_are_all_listed_once(account: Account) -> None:
    """Miniflux orders ids by publication time alone and pages by offset: items
    published in the same second come in another order on each page, so plain
    paging repeats some of them and never lists as many others."""
    same = make_items("same", 60, step=timedelta(0))
    with FeedServer() as feeds:
        add_feed(account, feeds, "/same", rss2(same, title="Same"))
    with account.api() as api:
        witness = set(witness_ids(api))
        read = [int(i) for i in sorted(witness)[:20]]
        api.put("/entries", json={"entry_ids": read, "status": "read"}).raise_for_status()
    with GReaderClient(account.url, *account.greader) as greader:
        for page in (7, 10, 25):
            ids = greader.item_ids(page=page)
            assert len(ids) == 60 and set(ids) == witness, page
        unread = greader.item_ids(exclude=READ, page=7)
        assert sorted(unread) == sorted(witness - {str(i) for i in read})


Answer = Callable[[Query], dict[str, Any]]
"""The answer to stream/items/ids for a request's query."""


class FakeReader:
    """Logs in anyone, answers stream/items/ids from `answer` and contents with
    each item published at `published`; keeps the id requests' queries."""

    def __init__(self, answer: Answer, published: int = 1_700_000_000) -> None:
        self.asked: list[Query] = []
        reader = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length") or 0))
                                .decode())
                if self.path.startswith("/accounts/ClientLogin"):
                    self._send(b"SID=s\nLSID=l\nAuth=token\n")
                    return
                items = [{"id": i, "published": published, "origin": {"streamId": "feed/1"}}
                         for i in form.get("i", [])]
                self._send(json.dumps({"items": items}).encode())

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != IDS:
                    self._send(b"token")
                    return
                query = parse_qs(url.query)
                reader.asked.append(query)
                self._send(json.dumps(answer(query)).encode())

            def _send(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True)

    def continuations(self) -> list[str | None]:
        return [q.get("c", [None])[0] for q in self.asked]


@pytest.fixture
def reader() -> Iterator[Callable[..., FakeReader]]:
    started: list[FakeReader] = []

    def start(answer: Answer, **kwargs: Any) -> FakeReader:
        fake = FakeReader(answer, **kwargs)
        fake._thread.start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake._httpd.shutdown()
        fake._httpd.server_close()


def page(ids: range | list[int], continuation: int | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"itemRefs": [{"id": str(i)} for i in ids]}
    if continuation is not None:
        answer["continuation"] = str(continuation)
    return answer


def test_a_page_that_repeats_and_skips_ids_is_made_whole(
        reader: Callable[..., FakeReader]) -> None:
    # Items 91..93 share a second. The first page ends with 93; the second
    # starts with 93 and 92 again and never lists 91: the window of that
    # second (ot/nt around it) brings 91 back, in its place.
    def answer(query: Query) -> dict[str, Any]:
        if "nt" in query:
            return page([91, 93, 92])
        if "c" in query:
            return page([93, 92, 90, 89])
        return page(range(100, 92, -1), 8)

    fake = reader(answer, published=1_700_000_000)
    with GReaderClient(fake.url, "u", "p") as greader:
        assert greader.item_ids(page=8) == [str(i) for i in (*range(100, 92, -1), 91, 92, 90,
                                                             89)]
    window = fake.asked[-1]
    assert (window["ot"], window["nt"]) == (["1699999999"], ["1700000001"])
    assert window["n"] == [str(ID_PAGE)]


def test_ids_pushed_down_by_new_items_are_listed_once(
        reader: Callable[..., FakeReader]) -> None:
    # Three items arrived between the pages: the second starts with the last
    # three of the first. Nothing was skipped: the window adds nothing.
    def answer(query: Query) -> dict[str, Any]:
        if "nt" in query:
            return page([93])
        if "c" in query:
            return page([93, 92, 91, *range(90, 83, -1)])
        return page(range(100, 90, -1), 10)

    fake = reader(answer)
    with GReaderClient(fake.url, "u", "p") as greader:
        assert greader.item_ids(page=10) == [str(i) for i in range(100, 83, -1)]
    assert fake.continuations() == [None, "10", None]


def test_a_server_that_ignores_the_continuation_is_not_asked_for_ever(
        reader: Callable[..., FakeReader]) -> None:
    fake = reader(lambda query: page(range(5), 5))  # always the first page
    with GReaderClient(fake.url, "u", "p") as greader:
        assert greader.item_ids(page=5) == ["0", "1", "2", "3", "4"]
    assert fake.continuations() == [None, "5", None, "5"]  # then its window, paged: done


def test_a_continuation_that_comes_back_stops_the_paging(
        reader: Callable[..., FakeReader]) -> None:
    # Every page brings new ids, but the continuations go round: 1, 2, 1, ...
    served = iter(range(1000))
    fake = reader(lambda query: page([next(served), next(served)],
                                     {None: 1, "1": 2, "2": 1}[query.get("c", [None])[0]]))
    with GReaderClient(fake.url, "u", "p") as greader:
        assert greader.item_ids(page=2) == [str(i) for i in range(6)]
    assert fake.continuations() == [None, "1", "2"]
