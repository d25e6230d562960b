"""OPML import of hostile XML is as safe as feed parsing: no entity expansion,
no file read, bounded in time, nothing unsafe into config.toml or the terminal."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from clirunner import Cli
from hostile.cases import BIDI, C1, SEQUENCES
from hostile.conftest import assert_clean
from toaster_tui.config.load import load_config
from toaster_tui.core.errors import OpmlError
from toaster_tui.feeds.opml import MAX_OPML_BYTES, parse_opml

OPML_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def opml(body: bytes, doctype: bytes = b"", head: bytes = OPML_HEAD) -> bytes:
    return head + doctype + b'<opml version="2.0"><head><title>t</title></head><body>' + body \
        + b"</body></opml>"


def outline(url: bytes, text: bytes = b"feed") -> bytes:
    return b'<outline type="rss" text="' + text + b'" xmlUrl="' + url + b'"/>'


LOL = b"<!DOCTYPE opml [" + b'<!ENTITY lol "lol">' + b"".join(
    b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
    for i in range(1, 10)) + b"]>"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("OPML-SECRET-VALUE", encoding="utf-8")
    return path


def hostile_documents(secret: Path) -> dict[str, bytes]:
    file_url = b"file://" + str(secret).encode()
    return {
        "billion laughs": opml(outline(b"https://a.example/f", b"&lol9;"), LOL),
        "quadratic blow-up": opml(outline(b"https://a.example/f", b"&a;" * 50_000),
                                  b'<!DOCTYPE opml [<!ENTITY a "' + b"A" * 50_000 + b'">]>'),
        "external entity": opml(outline(b"https://a.example/f", b"&x;"),
                                b'<!DOCTYPE opml [<!ENTITY x SYSTEM "' + file_url + b'">]>'),
        "external dtd": opml(outline(b"https://a.example/f"),
                             b'<!DOCTYPE opml SYSTEM "' + file_url + b'">'),
        "parameter entity": opml(outline(b"https://a.example/f"),
                                 b'<!DOCTYPE opml [<!ENTITY % p SYSTEM "' + file_url
                                 + b'"> %p;]>'),
        "utf-16 entity": opml(outline(b"https://a.example/f", b"&x;"), b'<!DOCTYPE opml '
                              b'[<!ENTITY x "y">]>', head=b"").decode().encode("utf-16"),
    }


def test_dtds_and_entities_are_refused_without_reading_anything(secret: Path) -> None:
    for name, data in hostile_documents(secret).items():
        began = time.monotonic()
        with pytest.raises(OpmlError) as caught:
            parse_opml(data, "subs.opml")
        assert time.monotonic() - began < 2, name
        message = str(caught.value)
        assert "OPML-SECRET-VALUE" not in message
        assert_clean(message, name)
        assert "DTD" in message or "entit" in message, (name, message)


def test_deep_nesting_and_many_outlines_are_bounded() -> None:
    deep = opml(b"<outline text=\"x\">" * 90_000 + outline(b"https://d.example/f")
                + b"</outline>" * 90_000)
    began = time.monotonic()
    specs = parse_opml(deep)
    assert time.monotonic() - began < 10
    assert [s.url for s in specs] == ["https://d.example/f"]
    many = opml(b"".join(outline(b"https://m.example/%d" % i) for i in range(100_001)))
    with pytest.raises(OpmlError, match="more than"):
        parse_opml(many)
    with pytest.raises(OpmlError, match="larger than"):
        parse_opml(b" " * (MAX_OPML_BYTES + 1))


def test_hostile_titles_topics_and_urls() -> None:
    nasty = "".join(SEQUENCES[:8]) + "".join(BIDI) + "".join(C1[:10])
    attr = nasty.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    attr = "".join(c if c not in "\x1b\x07\x05" else f"&#{ord(c)};" for c in attr)
    # ESC and BEL cannot appear in XML even as references: expat refuses them.
    body = ('<outline text="Top' + attr.replace("&#27;", "").replace("&#7;", "")
            .replace("&#5;", "") + 'ic">'
            + "".join(f'<outline text="t{i}" xmlUrl="{u}"/>' for i, u in enumerate([
                "javascript:alert(1)", "file:///etc/passwd", "data:text/xml,x", "ftp://f/x",
                "https://ok.example/\u202efeed", "https://ok.example/a b", "//no.scheme/x",
                "https://good.example/feed.xml"]))
            + "</outline>").encode()
    specs = parse_opml(opml(body))
    assert [s.url for s in specs] == ["https://good.example/feed.xml"]
    assert_clean(specs[0].topic, "topic")
    assert specs[0].topic.startswith("Top") and specs[0].topic.endswith("ic")


def test_import_of_hostile_files_through_the_cli(cli: Cli, tmp_path: Path, secret: Path) -> None:
    before = cli.config.read_bytes()
    for name, data in hostile_documents(secret).items():
        path = tmp_path / f"{name}.opml"
        path.write_bytes(data)
        result = cli("import", str(path))
        assert result.code == 1, (name, result.err)
        assert result.err.count("\n") == 1 and result.err.startswith("toaster: "), result.err
        assert "Traceback" not in result.err and "OPML-SECRET-VALUE" not in result.err
        assert cli.config.read_bytes() == before, f"{name}: config.toml was touched"
    # A hostile but well-formed file imports cleanly: the result is a valid config.
    good = tmp_path / "good.opml"
    good.write_bytes(opml(('<outline text="News\u2028\ufeff\u206a\u202e">'
                           '<outline text="Wire\u0085\u200f" xmlUrl="https://w.example/f"/>'
                           "</outline>").encode()))
    result = cli("import", str(good))
    assert result.code == 0, result.err
    config = load_config(cli.config)
    assert [(f.url, f.topic, f.title) for f in config.feeds] == [
        ("https://w.example/f", "News", "Wire")]
