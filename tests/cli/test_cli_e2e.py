"""End to end through the CLI against a real loopback HTTP server."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from clirunner import Cli
from feedsamples import BASE_TIME, Item, atom, json_feed, make_items, rss1, rss2
from feedserver import FeedServer
from toaster_tui.store.database import Store

LAST_MODIFIED = "Sun, 01 Nov 2026 12:00:00 GMT"


def serve_four_formats(server: FeedServer) -> dict[str, str]:
    """One feed per format, interleaved in time so ordering is checkable."""
    docs = {
        "/rss2.xml": rss2(make_items("rss", 5, start=BASE_TIME)),
        "/rss1.rdf": rss1(make_items("rdf", 5, start=BASE_TIME - timedelta(hours=1))),
        "/atom.xml": atom(make_items("atom", 5, start=BASE_TIME - timedelta(hours=2))),
        "/feed.json": json_feed(make_items("json", 5, start=BASE_TIME - timedelta(hours=3))),
    }
    kinds = {"/rss2.xml": "application/rss+xml", "/rss1.rdf": "application/rdf+xml",
             "/atom.xml": "application/atom+xml", "/feed.json": "application/feed+json"}
    for path, body in docs.items():
        server.route(path, body=body, content_type=kinds[path], etag=f'"{path}-v1"',
                     last_modified=LAST_MODIFIED, gzip=path == "/atom.xml")
    return {path: server.url(path) for path in docs}


def add_all(cli: Cli, urls: dict[str, str]) -> None:
    for path, url in urls.items():
        result = cli("add", url, "--topic", "Technology" if "rss" in path else "Science")
        assert result.code == 0, result.err
        assert "added" in result.out


def test_add_refresh_and_list_newest_first(cli: Cli, server: FeedServer) -> None:
    urls = serve_four_formats(server)
    add_all(cli, urls)
    refresh = cli("refresh")
    assert refresh.code == 0, refresh.err
    assert "4 feeds" in refresh.out

    rows = cli("articles", "--json", "--limit", "100").json()
    assert isinstance(rows, list) and len(rows) == 20
    stamps = [r["published"] for r in rows]
    assert stamps == sorted(stamps, reverse=True)
    assert rows[0]["title"] == "Rss story 0"
    assert rows[1]["title"] == "Rdf story 0"
    assert rows[2]["title"] == "Atom story 0"
    assert rows[3]["title"] == "Json story 0"
    for key in ("id", "feed_url", "topic", "title", "url", "author", "published", "read",
                "starred", "read_minutes", "language"):
        assert key in rows[0]
    assert rows[0]["published"] == "2026-11-01T12:00:00Z"
    assert rows[0]["author"] == "Ada Writer"
    assert rows[0]["read"] is False and rows[0]["starred"] is False
    languages = {r["feed_url"].rsplit("/", 1)[-1]: r["language"] for r in rows}
    assert languages == {"rss2.xml": "en", "rss1.rdf": "de", "atom.xml": "fr", "feed.json": "en"}

    topics = cli("articles", "--json", "--topic", "Science").json()
    assert {r["topic"] for r in topics} == {"Science"}  # type: ignore[index]
    assert len(topics) == 10  # type: ignore[arg-type]


def test_second_refresh_is_conditional_and_adds_nothing(cli: Cli, server: FeedServer) -> None:
    urls = serve_four_formats(server)
    add_all(cli, urls)
    before = len(cli("articles", "--json", "--limit", "1000").json())  # type: ignore[arg-type]
    server.hits.clear()
    result = cli("refresh")
    assert result.code == 0
    assert "4 unchanged" in result.out
    for path in urls:
        hits = server.hits_for(path)
        assert len(hits) == 1
        assert hits[0].headers.get("if-none-match") == f'"{path}-v1"'
        assert hits[0].headers.get("if-modified-since") == LAST_MODIFIED
        assert hits[0].status == 304
    after = len(cli("articles", "--json", "--limit", "1000").json())  # type: ignore[arg-type]
    assert after == before == 20


def test_read_and_starred_survive_refresh_update_and_readd(cli: Cli, server: FeedServer) -> None:
    items = make_items("keep", 3)
    route = server.route("/keep.xml", body=rss2(items), etag='"v1"')
    assert cli("add", server.url("/keep.xml")).code == 0
    rows = cli("articles", "--json").json()
    by_title = {r["title"]: r["id"] for r in rows}  # type: ignore[union-attr, index]
    store = Store(cli.db)
    store.set_read([by_title["Keep story 0"]])
    store.set_starred(by_title["Keep story 1"], True)
    store.close()

    # The feed changes one entry's text and title: it changes in place.
    changed = [Item(items[0].id, "Keep story 0 (updated)", items[0].link, items[0].when,
                    "<p>New text.</p>"), *items[1:]]
    route.body, route.etag = rss2(changed), '"v2"'
    assert cli("refresh").code == 0
    rows = cli("articles", "--json").json()
    state = {r["title"]: (r["id"], r["read"], r["starred"]) for r in rows}  # type: ignore[union-attr, index]
    assert state["Keep story 0 (updated)"] == (by_title["Keep story 0"], True, False)
    assert state["Keep story 1"][2] is True
    assert len(rows) == 3  # type: ignore[arg-type]
    shown = cli("show", str(by_title["Keep story 0"]), "--json").json()
    assert shown["text"] == "New text."  # type: ignore[index]

    assert cli("remove", server.url("/keep.xml")).code == 0
    assert cli("articles", "--json").json() == []
    assert cli("add", server.url("/keep.xml")).code == 0
    rows = cli("articles", "--json").json()
    state = {r["title"]: (r["read"], r["starred"]) for r in rows}  # type: ignore[union-attr, index]
    assert state == {"Keep story 0 (updated)": (True, False), "Keep story 1": (False, True),
                     "Keep story 2": (False, False)}


def test_add_discovers_feed_from_web_page(cli: Cli, server: FeedServer) -> None:
    server.route("/feed.xml", body=rss2(make_items("disc", 2), title="Discovered"))
    server.route("/", content_type="text/html", body=b"""<!doctype html><html><head>
        <title>A blog</title>
        <link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">
        </head><body><p>Hello</p></body></html>""")
    result = cli("add", server.url("/"), "--topic", "Design")
    assert result.code == 0, result.err
    assert "Discovered" in result.out
    feeds = cli("feeds", "--json").json()
    assert [(f["url"], f["topic"], f["articles"]) for f in feeds] == [  # type: ignore[union-attr, index]
        (server.url("/feed.xml"), "Design", 2)]
    again = cli("add", server.url("/feed.xml"))
    assert again.code == 1
    assert "already subscribed" in again.err


def test_failures_are_reported_per_feed(cli: Cli, server: FeedServer) -> None:
    server.route("/ok.xml", body=rss2(make_items("ok", 2)))
    server.route("/later.xml", body=rss2(make_items("later", 2)))
    assert cli("add", server.url("/ok.xml")).code == 0
    assert cli("add", server.url("/later.xml")).code == 0
    server.route("/later.xml", status=404, body=b"nope")
    result = cli("refresh")
    assert result.code == 1
    assert f"{server.url('/later.xml')}: HTTP 404" in result.err
    assert "Traceback" not in result.err
    feeds = {f["url"]: f for f in cli("feeds", "--json").json()}  # type: ignore[union-attr, index]
    assert feeds[server.url("/later.xml")]["error"].startswith("HTTP 404")
    assert feeds[server.url("/ok.xml")]["error"] is None


def test_gone_redirect_and_retry_after(cli: Cli, server: FeedServer) -> None:
    for name in ("gone", "moved", "busy"):
        server.route(f"/{name}.xml", body=rss2(make_items(name, 1)))
        assert cli("add", server.url(f"/{name}.xml")).code == 0
    server.route("/gone.xml", status=410)
    server.route("/moved.xml", status=301, headers={"Location": "/new-home.xml"})
    server.route("/new-home.xml", body=rss2(make_items("moved", 2)))
    server.route("/busy.xml", status=429, headers={"Retry-After": "3600"})
    server.hits.clear()
    assert cli("refresh").code == 1
    feeds = {f["url"]: f for f in cli("feeds", "--json").json()}  # type: ignore[union-attr, index]
    assert feeds[server.url("/gone.xml")]["gone"] is True
    assert feeds[server.url("/moved.xml")]["fetch_url"] == server.url("/new-home.xml")
    assert feeds[server.url("/moved.xml")]["articles"] == 2
    assert feeds[server.url("/busy.xml")]["last_status"] == 429

    server.hits.clear()
    cli("refresh")
    assert server.hits_for("/gone.xml") == []       # gone: never fetched again
    assert server.hits_for("/busy.xml") == []       # Retry-After honoured
    assert server.hits_for("/moved.xml") == []      # the new URL is used
    assert len(server.hits_for("/new-home.xml")) == 1


def test_opml_import_then_export_keeps_feeds_and_topics(cli: Cli, tmp_path: object) -> None:
    from pathlib import Path

    opml = Path(str(tmp_path)) / "subs.opml"
    opml.write_text("""<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head>
<body>
  <outline text="Science"><outline type="rss" text="Lab" xmlUrl="https://lab.example/feed"/>
    <outline type="rss" text="Stars" xmlUrl="https://stars.example/rss"/></outline>
  <outline type="rss" text="Tagged" category="/Books" xmlUrl="https://books.example/atom"/>
  <outline type="rss" text="Loose" xmlUrl="https://loose.example/feed.json"/>
</body></opml>""", encoding="utf-8")
    result = cli("import", str(opml))
    assert result.code == 0, result.err
    assert "imported 4 feeds" in result.out
    out = Path(str(tmp_path)) / "out.opml"
    assert cli("export", str(out)).code == 0
    from toaster_tui.feeds.opml import parse_opml

    exported = {(f.url, f.topic) for f in parse_opml(out.read_bytes())}
    assert exported == {
        ("https://lab.example/feed", "Science"), ("https://stars.example/rss", "Science"),
        ("https://books.example/atom", "Books"), ("https://loose.example/feed.json", "Personal"),
    }
    assert "# my feeds" in cli.config.read_text(encoding="utf-8")


def test_invalid_config_exits_2_and_stays_identical(cli: Cli) -> None:
    broken = b"# mine\n[settings]\nrefresh_minutes = 30\n[[feeds]]\nurl = \"https://a.example/\nx\n"
    cli.config.write_bytes(broken)
    for args in (("feeds",), ("refresh",), ("add", "https://b.example/feed"),
                 ("remove", "https://a.example/")):
        result = cli(*args)
        assert result.code == 2
        assert result.err.startswith(f"{cli.config}:5:")
        assert len(result.err.strip().splitlines()) == 1
        assert cli.config.read_bytes() == broken


def test_show_unknown_id_and_bad_usage(cli: Cli) -> None:
    result = cli("show", "999999")
    assert result.code == 1
    assert result.err.strip() == "toaster: no article with id 999999"
    result = cli("add", "not a url at all")
    assert result.code in (1, 2)
    assert "not a web address" in result.err


def test_console_script_never_prints_a_traceback(tmp_path: object) -> None:
    from pathlib import Path

    base = Path(str(tmp_path))
    (base / "c.toml").write_text("[settings]\nconcurrency = 'many'\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "toaster_tui", "feeds", "--config", str(base / "c.toml"),
         "--db", str(base / "t.db")], capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(str(base / "c.toml") + ":2:")
    (base / "junk.db").write_bytes(b"this is not sqlite at all" * 10)
    (base / "ok.toml").write_text("", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "toaster_tui", "feeds", "--config", str(base / "ok.toml"),
         "--db", str(base / "junk.db")], capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1
    assert "not a toaster database" in proc.stderr
    assert (base / "junk.db").read_bytes() == b"this is not sqlite at all" * 10
