"""The hostile corpus: one case per route, grouped in families.

A case says what the server does and what a refresh must end with:
"ok" (the feed is stored), "fail" (its error is recorded, matching `error`)
or "any" (either, as long as the invariants hold). Whatever the expectation,
every case is checked for the invariants: bounded time, terminal-safe data
and output, no local file read, the other feeds unharmed.
"""

from __future__ import annotations

import functools
import gzip
import json
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from hostile.server import Conn, Handler, HostileServer

Expect = Literal["ok", "fail", "any"]
MB = 1024 * 1024


@dataclass(frozen=True)
class Ctx:
    """What case builders need: the secret file and the server."""

    secret_path: Path
    secret: str
    server: HostileServer


@dataclass(frozen=True)
class Case:
    name: str
    family: str
    make: Callable[[Ctx], Handler]
    expect: Expect = "any"
    error: str = ""
    """A regex the recorded error must match (expect == "fail")."""
    check: Callable[[list[dict[str, Any]]], None] | None = None
    """Extra checks on the case's stored articles (rows as dicts)."""
    forbidden_paths: tuple[str, ...] = field(default=())
    """Routes the client must never request (external DTDs and entities)."""


CASES: list[Case] = []


def case(name: str, family: str, expect: Expect = "any", error: str = "",
         check: Callable[[list[dict[str, Any]]], None] | None = None,
         forbidden_paths: tuple[str, ...] = ()) -> Callable[[Callable[[Ctx], Handler]],
                                                             Callable[[Ctx], Handler]]:
    def register(make: Callable[[Ctx], Handler]) -> Callable[[Ctx], Handler]:
        CASES.append(Case(name, family, make, expect, error, check, forbidden_paths))
        return make
    return register


def static(body: bytes, content_type: str | None = "application/rss+xml; charset=utf-8",
           status: int = 200, headers: dict[str, str] | None = None,
           reason: bytes | None = None) -> Callable[[Ctx], Handler]:
    def make(_ctx: Ctx) -> Handler:
        def handler(conn: Conn) -> None:
            conn.respond(status, body, content_type, headers, reason)
        return handler
    return make


def register_static(name: str, family: str, body: bytes, expect: Expect = "any",
                    error: str = "", content_type: str | None = "application/rss+xml",
                    status: int = 200, headers: dict[str, str] | None = None,
                    check: Callable[[list[dict[str, Any]]], None] | None = None,
                    reason: bytes | None = None) -> None:
    CASES.append(Case(name, family, static(body, content_type, status, headers, reason),
                      expect, error, check))


# --- documents -----------------------------------------------------------------------

def rss(items: bytes, prolog: bytes = b'<?xml version="1.0" encoding="utf-8"?>\n',
        title: bytes = b"Hostile feed", doctype: bytes = b"") -> bytes:
    return (prolog + doctype + b'<rss version="2.0"><channel><title>' + title
            + b"</title><link>http://hostile.example/</link>" + items + b"</channel></rss>")


def item(title: bytes = b"A story", guid: bytes | None = None, link: bytes | None = None,
         desc: bytes = b"Some words here.", extra: bytes = b"") -> bytes:
    out = b"<item><title>" + title + b"</title>"
    if guid is not None:
        out += b"<guid>" + guid + b"</guid>"
    if link is not None:
        out += b"<link>" + link + b"</link>"
    return out + b"<description>" + desc + b"</description>" + extra + b"</item>"


def items(n: int, prefix: bytes = b"s") -> bytes:
    return b"".join(item(b"Story %d" % i, guid=prefix + b"%d" % i) for i in range(n))


def json_feed(entries: list[dict[str, Any]], **top: Any) -> bytes:
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "Hostile JSON",
           "home_page_url": "http://hostile.example/", "items": entries, **top}
    return json.dumps(doc).encode()


def esc_xml(text: str) -> bytes:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .encode("utf-8", "surrogatepass"))


# Escape sequences a hostile feed would like a terminal to obey.
SEQUENCES = [
    "\x1b[2J\x1b[H",                        # clear screen, cursor home
    "\x1b[3J",                              # clear scrollback
    "\x1b]52;c;SGFja2VkIGNsaXBib2FyZA==\x07",  # OSC 52: set the clipboard
    "\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b]0;PWNED window title\x07",        # OSC 0: window title
    "\x1b]2;PWNED\x1b\\",                   # OSC 2 with ST
    "\x1bP+q544e\x1b\\",                    # DCS XTGETTCAP
    "\x1bP$q\"p\x1b\\",                     # DCS DECRQSS
    "\x9b2J",                               # 8-bit CSI
    "\x9d0;PWNED8\x9c",                     # 8-bit OSC with 8-bit ST
    "\x90q\x9c",                            # 8-bit DCS
    "\x1b_Gf=100;AAAA\x1b\\",               # APC (kitty graphics)
    "\x1b^private\x1b\\",                   # PM
    "\x1bXsos\x1b\\",                       # SOS
    "\x1bc",                                # RIS: full reset
    "\x1b#8",                               # DECALN: fill the screen with E
    "\x1b(0",                               # DEC line drawing charset
    "\x1b[?1049h",                          # alternate screen
    "\x1b[6n",                              # DSR: terminal answers into stdin
    "\x1b[21t",                             # report window title into stdin
    "\x1b]10;?\x07",                        # query colours
    "\x05",                                 # ENQ: answerback
    "\x1b[31;1;5mRED\x1b[0m",               # SGR
    "\x1b]1337;File=inline=1:AAAA\x07",     # iTerm2 file transfer
]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
        "\u2069", "\u200e", "\u200f", "\u061c"]
C0 = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)]
C1 = [chr(c) for c in range(0x7F, 0xA0)]


# --- checks on stored articles ----------------------------------------------------------

def n_articles(n: int) -> Callable[[list[dict[str, Any]]], None]:
    def check(rows: list[dict[str, Any]]) -> None:
        assert len(rows) == n, f"expected {n} articles, got {len(rows)}"
    return check


def at_least(n: int) -> Callable[[list[dict[str, Any]]], None]:
    def check(rows: list[dict[str, Any]]) -> None:
        assert len(rows) >= n, f"expected at least {n} articles, got {len(rows)}"
    return check


def no_text(*needles: str) -> Callable[[list[dict[str, Any]]], None]:
    def check(rows: list[dict[str, Any]]) -> None:
        for row in rows:
            for column in ("title", "text", "snippet", "author"):
                for needle in needles:
                    assert needle not in (row[column] or ""), (column, needle, row[column][:200])
    return check


def all_of(*checks: Callable[[list[dict[str, Any]]], None]) -> Callable[[list[dict[str, Any]]],
                                                                        None]:
    def check(rows: list[dict[str, Any]]) -> None:
        for one in checks:
            one(rows)
    return check


def links_http_only(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        url = row["url"]
        assert url is None or url.startswith(("http://", "https://")), url


# === XML attacks =================================================================================

LOL = b'<!ENTITY lol "lol">\n' + b"".join(
    b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
    for i in range(1, 10))
register_static("xml-billion-laughs", "xml",
                rss(item(b"&lol9;", guid=b"l1"), doctype=b"<!DOCTYPE rss [\n" + LOL + b"]>\n"),
                check=all_of(at_least(1), no_text("lollollollol")))
register_static("xml-billion-laughs-one-line", "xml",
                rss(item(b"&lol9;", guid=b"l1"), prolog=b'<?xml version="1.0"?>',
                    doctype=b"<!DOCTYPE rss [" + LOL.replace(b"\n", b"") + b"]>"),
                check=no_text("lollollollol"))
register_static("xml-billion-laughs-in-attribute", "xml",
                rss(item(b"t", guid=b"l1", extra=b'<enclosure url="&lol9;" type="a/b"/>'),
                    doctype=b"<!DOCTYPE rss [\n" + LOL + b"]>\n"))
QUAD = b"A" * 100_000
register_static("xml-quadratic-blowup", "xml",
                rss(item(b"q", guid=b"q1", desc=b"&a;" * 30_000),
                    doctype=b'<!DOCTYPE rss [\n<!ENTITY a "' + QUAD + b'">\n]>\n'),
                check=no_text("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
register_static("xml-quadratic-blowup-one-line", "xml",
                rss(item(b"q", guid=b"q1", desc=b"&a;" * 30_000), prolog=b"<?xml version='1.0'?>",
                    doctype=b'<!DOCTYPE rss [<!ENTITY a "' + QUAD + b'">]>'),
                check=no_text("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
register_static("xml-quadratic-blowup-large", "xml",
                rss(item(b"q", guid=b"q1", desc=b"&a;" * 2_000_000),
                    doctype=b'<!DOCTYPE rss [\n<!ENTITY a "' + b"B" * 2_000_000 + b'">\n]>\n'),
                check=no_text("BBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"))
register_static("xml-quadratic-hidden-by-comment", "xml",
                rss(item(b"q", guid=b"q1", desc=b"&a;" * 30_000),
                    prolog=b'<?xml version="1.0"?><!-- <a -->',
                    doctype=b'<!DOCTYPE rss [<!ENTITY a "' + QUAD + b'">]>'),
                check=no_text("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
register_static("xml-quadratic-after-junk", "xml",
                rss(item(b"q", guid=b"q1", desc=b"&a;" * 30_000), prolog=b"junk junk ",
                    doctype=b'<!DOCTYPE rss [\n<!ENTITY a "' + QUAD + b'">\n]>\n'),
                check=no_text("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
register_static("xml-quadratic-unterminated-doctype", "xml",
                rss(item(b"q", guid=b"q1", desc=b"&a;" * 30_000),
                    doctype=b'<!DOCTYPE rss [\n<!ENTITY a "' + QUAD + b'">\n'),
                check=no_text("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
_U16 = ('<?xml version="1.0" encoding="utf-16"?><!DOCTYPE rss [<!ENTITY a "' + "C" * 100_000
        + '">]><rss version="2.0"><channel><title>t</title><item><guid>u</guid><title>u</title>'
        "<description>" + "&a;" * 30_000 + "</description></item></channel></rss>")
register_static("xml-quadratic-utf16", "xml", _U16.encode("utf-16"),
                check=no_text("CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"))
register_static("xml-quadratic-utf7", "xml",
                b'<?xml version="1.0" encoding="utf-7"?>'
                + _U16.split("?>", 1)[1].replace("C", "D").encode("utf-7"),
                content_type="application/rss+xml; charset=utf-7",
                check=no_text("DDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"))


def _xxe(ctx: Ctx, one_line: bool) -> Handler:
    sep = b"" if one_line else b"\n"
    doctype = (b'<!DOCTYPE rss [' + sep + b'<!ENTITY xxe SYSTEM "file://'
               + str(ctx.secret_path).encode() + b'">' + sep + b"]>" + sep)
    body = rss(item(b"leak &xxe;", guid=b"x1", desc=b"<p>&xxe;</p>",
                    extra=b"<author>&xxe;</author><category>&xxe;</category>"),
               doctype=doctype)
    return static(body)(ctx)


case("xml-xxe-file", "xml")(lambda ctx: _xxe(ctx, False))
case("xml-xxe-file-one-line", "xml")(lambda ctx: _xxe(ctx, True))


@case("xml-xxe-parameter-entity", "xml")
def _xxe_pe(ctx: Ctx) -> Handler:
    body = rss(item(b"pe", guid=b"p1"), doctype=(
        b'<!DOCTYPE rss [\n<!ENTITY % p SYSTEM "file://' + str(ctx.secret_path).encode()
        + b'">\n%p;\n]>\n'))
    return static(body)(ctx)


@case("xml-external-dtd-file", "xml")
def _dtd_file(ctx: Ctx) -> Handler:
    dtd = ctx.secret_path.with_name("evil.dtd")
    dtd.write_text(f'<!ENTITY e SYSTEM "file://{ctx.secret_path}">', encoding="utf-8")
    body = rss(item(b"dtd &e;", guid=b"d1", desc=b"&e;"),
               doctype=b'<!DOCTYPE rss SYSTEM "file://' + str(dtd).encode() + b'">\n')
    return static(body)(ctx)


@case("xml-external-dtd-http", "xml", forbidden_paths=("/evil.dtd",))
def _dtd_http(ctx: Ctx) -> Handler:
    ctx.server.route("/evil.dtd", static(
        b'<!ENTITY e "FETCHED-DTD">', "application/xml-dtd")(ctx))
    body = rss(item(b"dtd &e;", guid=b"d1"), doctype=(
        b'<!DOCTYPE rss SYSTEM "' + ctx.server.url("/evil.dtd").encode() + b'">\n'))
    return static(body)(ctx)


@case("xml-external-entity-http", "xml", forbidden_paths=("/xxe-target",))
def _xxe_http(ctx: Ctx) -> Handler:
    ctx.server.route("/xxe-target", static(b"FETCHED-ENTITY", "text/plain")(ctx))
    body = rss(item(b"x &e;", guid=b"h1", desc=b"&e;"), doctype=(
        b'<!DOCTYPE rss [<!ENTITY e SYSTEM "' + ctx.server.url("/xxe-target").encode()
        + b'">]>'))
    return static(body)(ctx)


@case("xml-xinclude", "xml")
def _xinclude(ctx: Ctx) -> Handler:
    body = rss(item(b"xi", guid=b"xi1", desc=b'<xi:include xmlns:xi="http://www.w3.org/2001/'
                    b'XInclude" href="file://' + str(ctx.secret_path).encode()
                    + b'" parse="text"/>'))
    return static(body)(ctx)


@case("xml-stylesheet-pi", "xml", "ok", forbidden_paths=("/style.xsl",))
def _stylesheet(ctx: Ctx) -> Handler:
    pi = b'<?xml-stylesheet type="text/xsl" href="' + ctx.server.url("/style.xsl").encode() + b'"?>'
    return static(rss(items(3), prolog=b'<?xml version="1.0"?>' + pi))(ctx)


register_static("xml-safe-char-entities", "xml",
                rss(item(b"a&nbsp;b&mdash;c", guid=b"n1"), doctype=(
                    b'<!DOCTYPE rss [\n<!ENTITY nbsp "&#160;">\n<!ENTITY mdash "&#8212;">\n]>\n')),
                expect="ok", check=lambda rows: _eq(rows[0]["title"], "a b—c"))
register_static("xml-deep-nesting", "xml",
                rss(item(b"deep", guid=b"d", extra=b"<x>" * 200_000 + b"</x>" * 200_000)),
                expect="fail", error=r"nested more than \d+ levels")
register_static("xml-deep-nesting-unclosed-small", "xml",
                rss(item(b"deep", guid=b"d", extra=b"<x>" * 100_000)))
register_static("xml-deep-nesting-unclosed-big", "xml",
                rss(item(b"deep", guid=b"d", extra=b"<x>" * 2_000_000)),
                expect="fail", error=r"malformed XML .*too large|nested more than")
register_static("xml-many-attributes", "xml",
                rss(item(b"attrs", guid=b"a", extra=b"<x " + b" ".join(
                    b'a%d="1"' % i for i in range(400_000)) + b"/>")),
                expect="fail", error=r"more than \d+ attributes")
register_static("xml-many-namespaces", "xml",
                rss(item(b"ns", guid=b"n", extra=b"<x " + b" ".join(
                    b'xmlns:n%d="urn:%d"' % (i, i) for i in range(100_000)) + b"/>")),
                expect="fail", error=r"more than \d+ attributes")
register_static("xml-many-attributes-in-all", "xml",
                rss(b"".join(item(b"a%d" % i, guid=b"m%d" % i, extra=b"<x " + b" ".join(
                    b'a%d=""' % j for j in range(200)) + b"/>") for i in range(1500))),
                expect="fail", error=r"more than [\d,]+ XML attributes")
register_static("xml-many-elements", "xml",
                rss(item(b"cats", guid=b"c", extra=b"<category>c</category>" * 400_000)),
                expect="fail", error=r"more than [\d,]+ XML elements")
register_static("xml-malformed-everywhere", "xml",
                rss(item(b"a & b <c", guid=b"m") + b"<item><title>unclosed" + items(3)),
                expect="any")


def _eq(got: Any, want: Any) -> None:
    assert got == want, (got, want)


# === size ====================================================================================

@functools.cache
def _bomb(encoding: str) -> bytes:
    """200 MB of zeros after "<rss>", compressed to about 200 KB."""
    squeeze = (zlib.compressobj(9, zlib.DEFLATED, 31) if encoding == "gzip"
               else zlib.compressobj(9))
    zeros = b"\0" * MB
    parts = [squeeze.compress(b"<rss>")]
    parts += [squeeze.compress(zeros) for _ in range(200)]
    return b"".join([*parts, squeeze.flush()])


def _bomb_handler(encoding: str, chunked: bool) -> Callable[[Ctx], Handler]:
    def make(_ctx: Ctx) -> Handler:
        payload = _bomb(encoding)

        def handler(conn: Conn) -> None:
            headers = {"Content-Type": "application/rss+xml", "Content-Encoding": encoding,
                       "Connection": "close"}
            if chunked:
                headers["Transfer-Encoding"] = "chunked"
                conn.head(200, headers)
                for start in range(0, len(payload), 16384):
                    piece = payload[start:start + 16384]
                    conn.send(b"%x\r\n" % len(piece) + piece + b"\r\n")
                conn.send(b"0\r\n\r\n")
            else:
                headers["Content-Length"] = str(len(payload))
                conn.head(200, headers)
                conn.send(payload)
        return handler
    return make


CASES.append(Case("size-gzip-bomb", "size", _bomb_handler("gzip", False), "fail", r"larger than"))
CASES.append(Case("size-gzip-bomb-chunked", "size", _bomb_handler("gzip", True), "fail",
                  r"larger than"))
CASES.append(Case("size-deflate-bomb", "size", _bomb_handler("deflate", False), "fail",
                  r"larger than"))
register_static("size-double-gzip", "size", gzip.compress(gzip.compress(rss(items(2)))),
                expect="fail", error=r"decode|compressed|Content-Encoding",
                headers={"Content-Encoding": "gzip, gzip"})
register_static("size-brotli-not-asked-for", "size", b"\x8b\x03\x80garbage",
                expect="fail", error=r"decode|Content-Encoding", headers={"Content-Encoding": "br"})
register_static("size-corrupt-gzip", "size", b"\x1f\x8b\x08\x00garbagegarbage" * 10,
                expect="fail", error=r"corrupt|decode", headers={"Content-Encoding": "gzip"})


@case("size-endless-no-length", "size", "fail", r"larger than")
def _endless(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:
        conn.head(200, {"Content-Type": "application/rss+xml", "Connection": "close"})
        conn.send(b'<?xml version="1.0"?><rss><channel>')
        chunk = item(b"again and again", guid=b"e") * 200
        while True:
            conn.send(chunk)
    return handler


@case("size-endless-chunked", "size", "fail", r"larger than")
def _endless_chunked(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:
        conn.head(200, {"Content-Type": "application/rss+xml", "Transfer-Encoding": "chunked"})
        chunk = b"<item><title>x</title></item>" * 1000
        frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        while True:
            conn.send(frame)
    return handler


@case("size-declared-huge-length", "size", "fail", r"larger than")
def _declared(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:
        conn.head(200, {"Content-Type": "application/rss+xml", "Content-Length": str(10**12)})
        conn.send(b"<rss>")
        conn.hold()
    return handler


@case("size-length-lies", "size", "fail", r"protocol|incomplete|closed|peer")
def _lies(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:
        conn.head(200, {"Content-Type": "application/rss+xml", "Content-Length": "1000000"})
        conn.send(rss(items(2))[:100])
    return handler


@case("size-endless-headers", "size", "fail", r"protocol|timed out|large|header")
def _endless_headers(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:
        conn.send(b"HTTP/1.1 200 OK\r\n")
        n = 0
        while True:
            conn.send(b"X-Junk-%d: %s\r\n" % (n, b"j" * 100))
            n += 1
    return handler


@case("size-huge-header-line", "size", "fail", r"protocol|large|header|timed out")
def _huge_header(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:
        conn.send(b"HTTP/1.1 200 OK\r\nX-Big: ")
        while True:
            conn.send(b"b" * 65536)
    return handler


register_static("size-huge-title", "size", rss(item(b"T" * (9 * MB), guid=b"big")),
                expect="ok", check=lambda rows: _short(rows, "title", 1000))
register_static("size-huge-description", "size",
                rss(item(b"big body", guid=b"big", desc=b"words and more words " * 450_000)),
                expect="ok", check=lambda rows: _short(rows, "content_html", 512 * 1024))
register_static("size-million-references", "size",
                rss(item(b"refs", guid=b"r", desc=b"&lt;b&gt;x&lt;/b&gt; " * 380_000)),
                expect="fail", error=r"references")
register_static("size-huge-link", "size",
                rss(item(b"long link", guid=b"ll",
                         link=b"http://hostile.example/" + b"a" * 200_000)),
                expect="ok", check=lambda rows: _eq(rows[0]["url"], None))
register_static("size-50k-entries", "size", rss(items(50_000)), expect="ok",
                check=n_articles(1000))
register_static("size-just-under-cap", "size",
                rss(b"".join(item(b"Big %d" % i, guid=b"b%d" % i,
                                  desc=b"&lt;p&gt;" + b"lorem ipsum " * 900 + b"&lt;/p&gt;")
                             for i in range(900))),
                expect="ok", check=n_articles(900))
register_static("size-json-nested-arrays", "size", b'{"items": [' + b"[]," * 3_000_000 + b"[]]}",
                content_type="application/feed+json", expect="fail", error=r"objects and arrays")
register_static("size-json-many-items", "size",
                json_feed([{"id": str(i), "title": f"J{i}", "content_text": "t"}
                           for i in range(60_000)]),
                content_type="application/feed+json", expect="ok", check=n_articles(1000))
register_static("size-many-categories", "size",
                rss(item(b"cats", guid=b"c", extra=b"".join(b"<category>c%d</category>" % i
                                                          for i in range(10_000)))),
                expect="ok", check=lambda rows: _eq(len(json.loads(rows[0]["categories"])), 10))


def _short(rows: list[dict[str, Any]], column: str, limit: int) -> None:
    assert rows, "no article stored"
    for row in rows:
        assert len(row[column] or "") <= limit, (column, len(row[column] or ""))


# === time ======================================================================================

@case("time-slow-drip-body", "time", "fail", r"timed out|stopped answering")
def _drip(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:
        body = rss(items(50))
        conn.head(200, {"Content-Type": "application/rss+xml", "Content-Length": str(len(body))})
        for byte in body:
            conn.send(bytes([byte]))
            conn.sleep(0.2)
    return handler


@case("time-slow-drip-headers", "time", "fail", r"timed out|stopped answering")
def _drip_headers(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:
        for byte in b"HTTP/1.1 200 OK\r\n" + b"X-Slow: yes\r\n" * 1000:
            conn.send(bytes([byte]))
            conn.sleep(0.2)
    return handler


@case("time-never-answers", "time", "fail", r"timed out|stopped answering")
def _silent(_ctx: Ctx) -> Handler:
    return lambda conn: conn.hold()


@case("time-status-line-then-silence", "time", "fail", r"timed out|stopped answering")
def _half(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:
        conn.send(b"HTTP/1.1 200 OK\r\n")
        conn.hold()
    return handler


@case("time-body-then-silence", "time", "fail", r"timed out|stopped answering")
def _body_silence(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:
        body = rss(items(10))
        conn.head(200, {"Content-Type": "application/rss+xml", "Content-Length": str(len(body))})
        conn.send(body[: len(body) // 2])
        conn.hold()
    return handler


@case("time-slow-but-steady", "time", "fail", r"timed out|stopped answering")
def _steady(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:  # 20 KB/s of a 5 MB body: never a read timeout
        conn.head(200, {"Content-Type": "application/rss+xml", "Content-Length": str(5 * MB)})
        while True:
            conn.send(b"x" * 2048)
            conn.sleep(0.1)
    return handler


@case("time-endless-100-continue", "time", "fail", r"timed out|protocol")
def _continue(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:
        while True:
            conn.send(b"HTTP/1.1 100 Continue\r\n\r\n")
            conn.sleep(0.01)
    return handler


@case("time-reset-mid-body", "time", "fail", r"protocol|connection lost|reset|incomplete")
def _reset(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:
        import socket
        import struct
        body = rss(items(100))
        conn.head(200, {"Content-Type": "application/rss+xml", "Content-Length": str(len(body))})
        conn.send(body[:500])
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.sock.close()
    return handler


def _redirect(target: Callable[[Ctx], str], status: int = 302) -> Callable[[Ctx], Handler]:
    def make(ctx: Ctx) -> Handler:
        def handler(conn: Conn) -> None:
            conn.respond(status, b"", None, {"Location": target(ctx)})
        return handler
    return make


CASES.append(Case("time-redirect-loop", "time", _redirect(lambda c: "/time-redirect-loop"),
                  "fail", r"more than 5 redirects"))
CASES.append(Case("time-redirect-loop-permanent", "time",
                  _redirect(lambda c: c.server.url("/time-redirect-loop-permanent"), 301),
                  "fail", r"more than 5 redirects"))


def _chain(name: str, length: int) -> Callable[[Ctx], Handler]:
    def make(ctx: Ctx) -> Handler:
        for hop in range(1, length):
            ctx.server.route(f"/{name}/{hop}", _redirect(
                lambda c, h=hop: f"/{name}/{h + 1}" if h + 1 < length else f"/{name}/end")(ctx))
        ctx.server.route(f"/{name}/end", static(rss(items(2)))(ctx))
        return _redirect(lambda c: f"/{name}/1" if length > 1 else f"/{name}/end")(ctx)
    return make


CASES.append(Case("time-redirect-chain-12", "time", _chain("chain12", 12), "fail",
                  r"more than 5 redirects"))
CASES.append(Case("time-redirect-chain-5", "time", _chain("chain5", 5), "ok",
                  check=n_articles(2)))
for _scheme, _target in [("file", "file:///etc/passwd"), ("javascript", "javascript:alert(1)"),
                         ("data", "data:application/rss+xml;base64,PHJzcy8+"),
                         ("ftp", "ftp://127.0.0.1/feed.xml"), ("gopher", "gopher://x/"),
                         ("mixed-case", "FiLe:///etc/passwd"),
                         ("escape", "\x1b[2Jfile:///etc/passwd")]:
    CASES.append(Case(f"time-redirect-to-{_scheme}", "time",
                      _redirect(lambda c, t=_target: t), "fail",
                      r"non-http|unsupported|invalid|scheme"))
CASES.append(Case("time-redirect-without-location", "time", static(b"", None, 302), "fail",
                  r"without a Location"))


# === content ======================================================================================

def _json_each(chars: list[str], label: str) -> bytes:
    entries = []
    for i, ch in enumerate(chars):
        entries.append({
            "id": f"{label}{i}{ch}", "url": f"http://hostile.example/{i}{ch}x",
            "title": f"T{ch}itle {i}{ch}", "summary": f"S{ch}ummary {ch}",
            "content_html": f"<p>B{ch}ody {ch}<a href='http://x.example/{ch}'>l{ch}ink</a></p>",
            "authors": [{"name": f"A{ch}uthor"}], "tags": [f"t{ch}ag", ch],
            "date_published": "2026-01-02T03:04:05Z", "language": f"e{ch}n",
        })
    return json_feed(entries, title=f"Feed{chars[0]}title", language="en")


_JSON = "application/feed+json"
register_static("content-json-every-c0-c1", "content", _json_each(C0 + C1, "c"),
                content_type=_JSON, expect="ok", check=n_articles(len(C0) + len(C1)))
register_static("content-json-escape-sequences", "content", _json_each(SEQUENCES, "e"),
                content_type=_JSON, expect="ok", check=all_of(
                    n_articles(len(SEQUENCES)), no_text("]52;", "]8;;", "]0;", "[2J")))
register_static("content-json-bidi", "content", _json_each(BIDI, "b"), content_type=_JSON,
                expect="ok", check=n_articles(len(BIDI)))
register_static("content-json-lone-surrogates", "content",
                b'{"version":"https://jsonfeed.org/version/1","title":"S\\ud800","items":['
                b'{"id":"s\\udc00","title":"lone \\ud800 surrogate \\udfff","content_text":'
                b'"x\\ud83d"}]}', content_type=_JSON, expect="ok", check=n_articles(1))
register_static("content-rss-c1-raw", "content",
                rss(b"".join(item(("C1 " + ch + " raw").encode(), guid=b"c1-%d" % i,
                                  desc=esc_xml(f"<p>{ch}body</p>"),
                                  extra=("<author>a" + ch + "</author>").encode())
                             for i, ch in enumerate(C1))),
                expect="ok", check=n_articles(len(C1)))
register_static("content-rss-c0-raw", "content",
                rss(b"".join(item(("C0 " + ch + " raw").encode(), guid=b"c0-%d" % i)
                             for i, ch in enumerate(C0))),
                expect="ok", check=at_least(1))
register_static("content-rss-escapes-raw-in-cdata", "content",
                rss(b"".join(item(b"<![CDATA[" + s.encode() + b"title]]>", guid=b"r%d" % i,
                                  desc=b"<![CDATA[<p>" + s.encode() + b"</p>]]>")
                             for i, s in enumerate(SEQUENCES))),
                expect="ok", check=no_text("]52;", "PWNED"))
register_static("content-rss-escapes-as-char-refs", "content",
                rss(b"".join(item(esc_xml(s).replace(b"\x1b", b"&amp;#27;")
                                  .replace(b"\x07", b"&amp;#7;") + b" ref",
                                  guid=b"cr%d" % i,
                                  desc=esc_xml("<p>" + s.replace("\x1b", "&#x1b;")
                                               .replace("\x9b", "&#155;") + "</p>"))
                             for i, s in enumerate(SEQUENCES))),
                expect="ok", check=at_least(len(SEQUENCES)))
register_static("content-atom-escapes", "content", (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    '<title type="html">Atom &amp;#27;]0;PWNED&amp;#7;</title><id>urn:a</id>'
    + "".join(f'<entry><id>urn:e{i}</id><title type="html">{esc_xml(s).decode()}</title>'
              f'<link href="http://hostile.example/{i}"/><updated>2026-01-01T00:00:00Z</updated>'
              f'<author><name>{esc_xml(s).decode()}</name></author>'
              f'<content type="html">{esc_xml("<p>" + s + "</p>").decode()}</content></entry>'
              for i, s in enumerate(SEQUENCES)) + "</feed>").encode("utf-8"),
    content_type="application/atom+xml", expect="any", check=no_text("PWNED window"))
register_static("content-nul-bytes", "content",
                rss(item(b"nul\x00title", guid=b"n\x00", desc=b"a\x00b") + items(2)),
                expect="any")
register_static("content-bidi-rss", "content",
                rss(b"".join(item(("bidi " + ch + "evil.exe").encode(), guid=b"bd%d" % i,
                                  link=("http://hostile.example/" + ch + "gpj.exe").encode())
                             for i, ch in enumerate(BIDI))),
                expect="ok", check=n_articles(len(BIDI)))
register_static("content-invalid-utf8", "content",
                rss(item(b"bad \xff\xfe\xc3\x28 bytes", guid=b"u1", desc=b"\xed\xa0\x80 surrogate")
                    + items(2)), expect="ok", check=at_least(2))
register_static("content-latin1-declared-utf8", "content",
                rss(item("caf\u00e9 \u00fcber".encode("latin-1"), guid=b"l1") + items(2)),
                expect="ok", check=at_least(2))
register_static("content-utf8-declared-utf16", "content", rss(items(3)),
                content_type="application/rss+xml; charset=utf-16", expect="any")
register_static("content-unknown-charset", "content", rss(items(3)),
                content_type="application/rss+xml; charset=x-evil-1", expect="ok",
                check=n_articles(3))
register_static("content-declared-ebcdic", "content",
                rss(items(2), prolog=b'<?xml version="1.0" encoding="cp500"?>'), expect="any")
register_static("content-dates", "content", rss(b"".join(
    item(b"date %d" % i, guid=b"dt%d" % i, extra=b"<pubDate>" + d + b"</pubDate>")
    for i, d in enumerate([b"Mon, 01 Jan 0000 00:00:00 GMT", b"Fri, 31 Dec 9999 23:59:59 GMT",
                           b"99999-01-01T00:00:00Z", b"-0001-01-01", b"Feb 30 2020",
                           b"not a date at all", b"1e20", b"Thu, 01 Jan 1970 00:00:00 GMT",
                           b"Tue, 01 Jan 2999 00:00:00 GMT", b"2026-13-45T25:61:61Z",
                           b"\x1b[2J2026-01-01", b"9" * 5000]))), expect="ok",
    check=n_articles(12))
register_static("content-json-dates", "content", json_feed([
    {"id": str(i), "title": f"d{i}", "date_published": d, "date_modified": d}
    for i, d in enumerate(["0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", 1e20, None, [],
                           "2026-02-30T00:00:00Z", "2999-01-01T00:00:00+99:00", "NaN"])]),
    content_type=_JSON, expect="ok", check=n_articles(8))
register_static("content-missing-fields", "content", rss(
    b"<item><description>only a description here</description></item>"
    b"<item><title>only a title</title></item><item><link>http://hostile.example/only-link"
    b"</link></item><item></item><item><guid></guid><title></title></item>"), expect="ok",
    check=at_least(3))
register_static("content-duplicate-ids", "content",
                rss(b"".join(item(b"dup %d" % i, guid=b"same") for i in range(50))),
                expect="ok", check=n_articles(1))
_BAD_LINKS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
              "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
              "file:///etc/passwd", "vbscript:msgbox(1)", "//evil.example/x", "http:/\\evil",
              "\x01javascript:alert(1)", "https://good.example\u202e/txt.exe",
              "http://[::1", "mailto:a@b", "about:blank", "http://", "chrome://settings"]
register_static("content-bad-links", "content", rss(b"".join(
    item(b"link %d" % i, guid=b"bl%d" % i, link=esc_xml(link),
         desc=esc_xml(f'<a href="{link}">click</a> <img src="{link}" alt="i">'))
    for i, link in enumerate(_BAD_LINKS))), expect="ok",
    check=all_of(n_articles(len(_BAD_LINKS)), links_http_only))
_ACTIVE = ("<script>alert('SCRIPTED')</script><style>body{background:url(STYLED)}</style>"
           "<iframe src='javascript:alert(1)'>IFRAMED</iframe>"
           "<img src=x onerror=\"alert('ONERR')\">"
           "<svg onload=alert(1)><script>SVGSCRIPT</script></svg><meta http-equiv=refresh "
           "content='0;url=javascript:alert(1)'><base href='javascript:/'><form action="
           "'javascript:x'><input value=FORMED><button>BUTTONED</button></form><object data="
           "'x'>OBJECTED</object><embed src=x><noscript>NOSCRIPTED</noscript>"
           "<a href='javascript:alert(1)' onclick='x()'>harmless words</a>"
           "<template>TEMPLATED</template><p style='x:expression(alert(1))'>visible</p>")
register_static("content-html-active", "content",
                rss(item(b"active", guid=b"act", desc=esc_xml(_ACTIVE))), expect="ok",
                check=no_text("SCRIPTED", "STYLED", "IFRAMED", "ONERR", "SVGSCRIPT", "FORMED",
                              "BUTTONED", "OBJECTED", "NOSCRIPTED", "TEMPLATED", "alert("))
register_static("content-markup-injection", "content", rss(b"".join(
    item(esc_xml(t), guid=b"mk%d" % i, desc=esc_xml(f"<p>{t}</p>"))
    for i, t in enumerate(["[@click=app.quit]Click me[/]", "[link=file:///etc/passwd]x[/link]",
                           "[b]bold[/b] [red]red[/red]", "[/]", "**bold** `code` [x](javascript:y)",
                           "<http://auto.example/> ftp://files.example/ www.example.com",
                           "$(rm -rf ~) `id` ; ls"])),
    title=esc_xml("[@click=app.quit]Feed[/] [/]")), expect="ok", check=n_articles(7))
register_static("content-json-truncated", "content", json_feed([{"id": "1"}])[:-10],
                content_type=_JSON, expect="fail", error=r"malformed JSON")
register_static("content-json-wrong-types", "content", json.dumps({
    "version": 1, "title": ["x"], "home_page_url": {"a": 1}, "items": [
        None, 1, "x", [], {"id": {"x": 1}, "title": 5, "url": ["http://a/"], "authors": "me",
                           "tags": "t", "content_html": 7, "summary": None},
        {"id": 3.5, "title": "ok", "author": {"name": 5}, "tags": [1, None, "fine"]}]}).encode(),
    content_type=_JSON, expect="ok", check=at_least(2))
register_static("content-json-items-not-list", "content", b'{"title":"x","items":{"a":1}}',
                content_type=_JSON, expect="fail", error=r"not a JSON Feed")
register_static("content-json-deep", "content", b'{"items":' + b"[" * 100_000 + b"]" * 100_000
                + b"}", content_type=_JSON, expect="fail", error=r"JSON")
register_static("content-json-numbers", "content",
                b'{"title":"n","items":[{"id":1e999,"title":"inf"},{"id":-0,"title":NaN},'
                b'{"id":123456789012345678901234567890,"title":"big"}]}', content_type=_JSON,
                expect="any")
register_static("content-json-utf16", "content",
                json_feed([{"id": "1", "title": "sixteen"}]).decode().encode("utf-16"),
                content_type=_JSON, expect="any")
register_static("content-html-page", "content",
                b"<!DOCTYPE html><html><head><title>Not a feed</title></head><body>"
                + b"<p>hello</p>" * 100 + b"</body></html>",
                content_type="text/html; charset=utf-8", expect="fail", error=r"HTML page")
register_static("content-html-page-as-rss", "content",
                b"<html><body>" + b"<div>x" * 5000 + b"</body></html>",
                expect="fail", error=r"HTML page|not a feed|not a readable")
register_static("content-big-html-page", "content",
                b"<!doctype html><html><body>" + b"<div><p>x & y<br></p></div>" * 200_000,
                content_type="text/html", expect="fail", error=r"HTML page")
register_static("content-empty-body", "content", b"", expect="fail", error=r"empty")
register_static("content-whitespace-body", "content", b" \r\n\t " * 100, expect="fail",
                error=r"empty|not a feed")
register_static("content-wrong-type-png", "content", rss(items(2)), content_type="image/png",
                expect="ok", check=n_articles(2))
register_static("content-no-content-type", "content", rss(items(2)), content_type=None,
                expect="ok", check=n_articles(2))
register_static("content-text-plain", "content", rss(items(2)), content_type="text/plain",
                expect="ok", check=n_articles(2))
register_static("content-binary-garbage", "content",
                bytes(random.Random(7).randrange(256) for _ in range(200_000)),
                content_type="application/octet-stream", expect="fail",
                error=r"not a feed|not a readable|malformed|unreadable")
register_static("content-unicode-specials", "content", rss(item(
    "bom\ufeff ls\u2028ps\u2029 nonchar\uffff zero\u200bwidth "
    "zalgo e\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308 tag\U000E0041".encode(),
    guid=b"uni", desc=b"combining storm a" + "\u0300".encode() * 5000)),
    expect="any")
register_static("content-huge-authors-everywhere", "content", rss(b"".join(
    item(b"a%d" % i, guid=b"ha%d" % i, extra=b"<author>" + b"a." * 2500 + b"</author>"
         b"<managingEditor>" + b"m" * 5000 + b"</managingEditor>")
    for i in range(1000))), expect="ok",
    check=lambda rows: _short(rows, "author", 256))
register_static("content-reason-phrase-escapes", "content", b"nope", status=404,
                reason=b"\x1b]52;c;SGk=\x07\x1b[2JNot Found\x9b31m", content_type="text/plain",
                expect="fail", error=r"HTTP 404")
register_static("content-reason-phrase-markup", "content", b"nope", status=404,
                reason=b"[@click=app.quit]Not Found[/] [/]", content_type="text/plain",
                expect="fail", error=r"HTTP 404")
register_static("content-header-escapes", "content", rss(items(2)),
                content_type="application/rss+xml\x1b[2J", expect="ok",
                headers={"ETag": '"\x1b]52;c;SGk=\x07etag"', "Last-Modified": "\x1b[2Jyesterday"},
                check=n_articles(2))
register_static("content-huge-language-and-author", "content", rss(
    item(b"lang", guid=b"lg", extra=b"<author>" + b"a" * 200_000 + b"</author>"),
    title=b"t" * 5000) .replace(b"<channel>", b"<channel><language>" + b"en-" * 100_000
                                + b"</language>"), expect="ok",
    check=lambda rows: _short(rows, "author", 1000))


# === HTTP status and protocol ====================================================

for _status, _expect, _error in [
    (400, "fail", r"HTTP 400"), (401, "fail", r"HTTP 401"), (403, "fail", r"HTTP 403"),
    (404, "fail", r"HTTP 404"), (418, "fail", r"HTTP 418"), (451, "fail", r"HTTP 451"),
    (500, "fail", r"HTTP 500"), (502, "fail", r"HTTP 502"), (410, "fail", r"410|gone|Gone"),
    (204, "fail", r"empty"), (206, "any", ""), (600, "fail", r"HTTP 600"),
    (999, "fail", r"HTTP 999|protocol"),
]:
    register_static(f"http-{_status}", "http", b"status body", expect=_expect,  # type: ignore[arg-type]
                    error=_error, status=_status, content_type="text/plain")
register_static("http-503-retry-after-huge", "http", b"", status=503, expect="fail",
                error=r"HTTP 503", headers={"Retry-After": "99999999999999999999"})
register_static("http-429-retry-after-garbage", "http", b"", status=429, expect="fail",
                error=r"HTTP 429", headers={"Retry-After": "\x1b[2Jsoon-ish"})
register_static("http-304-unasked", "http", b"", status=304, expect="any")


@case("http-0.9-no-status-line", "http", "fail", r"protocol")
def _http09(_ctx: Ctx) -> Handler:
    return lambda conn: conn.send(rss(items(2)))


@case("http-garbage-status-line", "http", "fail", r"protocol")
def _garbage_status(_ctx: Ctx) -> Handler:
    return lambda conn: conn.send(b"HTTP/1.1 abc \x1b[2J\r\n\r\n" + rss(items(1)))


@case("http-closes-at-once", "http", "fail", r"protocol|disconnected|closed")
def _closes(_ctx: Ctx) -> Handler:
    def handler(conn: Conn) -> None:
        conn.sock.close()
    return handler


# --- the controls: ordinary feeds that must come through every run -----------------------------

CONTROL_RSS = rss(b"".join(item(b"Control story %d" % i, guid=b"ctl-%d" % i,
                                link=b"https://control.example/%d" % i,
                                desc=b"Plain and good words.") for i in range(5)),
                  title=b"Control RSS")
CONTROL_JSON = json_feed([{"id": f"cj{i}", "title": f"Control JSON {i}",
                           "url": f"https://control.example/j{i}", "content_text": "fine"}
                          for i in range(4)], title="Control JSON")

FAMILIES = sorted({c.family for c in CASES})
BY_NAME = {c.name: c for c in CASES}
assert len(BY_NAME) == len(CASES), "case names must be unique"
