"""Feed documents for tests in every format the reader supports."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

BASE_TIME = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    link: str
    when: datetime
    html: str = "<p>Body.</p>"
    author: str = "Ada Writer"
    categories: tuple[str, ...] = ()
    summary: str = ""


def make_items(prefix: str, count: int, *, start: datetime = BASE_TIME,
               step: timedelta = timedelta(hours=6)) -> list[Item]:
    """`count` items, newest first, each with a paragraph that mentions its number."""
    return [
        Item(
            id=f"{prefix}-{n}",
            title=f"{prefix.title()} story {n}",
            link=f"https://example.org/{prefix}/{n}",
            when=start - step * n,
            html=(f"<p>Story {n} from {prefix} talks about gardens, tomatoes and "
                  f"<a href='https://example.org/{prefix}/{n}/more'>more</a>.</p>"
                  f"<p>A second paragraph about compost number {n}.</p>"),
            categories=("Gardening",),
        )
        for n in range(count)
    ]


def rss2(items: list[Item], title: str = "RSS Two", language: str = "en") -> bytes:
    parts = [f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{escape(title)}</title><link>https://example.org/</link>
<description>Test feed</description><language>{language}</language>"""]
    for it in items:
        cats = "".join(f"<category>{escape(c)}</category>" for c in it.categories)
        parts.append(f"""<item><title>{escape(it.title)}</title><link>{escape(it.link)}</link>
<guid isPermaLink="false">{escape(it.id)}</guid><pubDate>{format_datetime(it.when)}</pubDate>
<dc:creator>{escape(it.author)}</dc:creator>{cats}
<description>{escape(it.summary or it.html)}</description>
<content:encoded>{escape(it.html)}</content:encoded></item>""")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode()


def rss1(items: list[Item], title: str = "RSS One") -> bytes:
    seq = "".join(f'<rdf:li rdf:resource="{escape(it.link)}"/>' for it in items)
    parts = [f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://example.org/rdf"><title>{escape(title)}</title>
<link>https://example.org/</link><description>RDF test</description>
<items><rdf:Seq>{seq}</rdf:Seq></items></channel>"""]
    for it in items:
        parts.append(f"""<item rdf:about="{escape(it.link)}"><title>{escape(it.title)}</title>
<link>{escape(it.link)}</link><description>{escape(it.html)}</description>
<dc:date>{it.when.isoformat()}</dc:date><dc:creator>{escape(it.author)}</dc:creator>
<dc:language>de</dc:language></item>""")
    parts.append("</rdf:RDF>")
    return "\n".join(parts).encode()


def atom(items: list[Item], title: str = "Atom Feed") -> bytes:
    parts = [f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>{escape(title)}</title>
<id>urn:test:atom</id><updated>{BASE_TIME.isoformat()}</updated>
<link href="https://example.org/"/>"""]
    for it in items:
        cats = "".join(f'<category term="{escape(c)}"/>' for c in it.categories)
        parts.append(f"""<entry><title>{escape(it.title)}</title><id>{escape(it.id)}</id>
<link rel="alternate" href="{escape(it.link)}"/><published>{it.when.isoformat()}</published>
<updated>{it.when.isoformat()}</updated><author><name>{escape(it.author)}</name></author>{cats}
<content type="html">{escape(it.html)}</content></entry>""")
    parts.append("</feed>")
    return "\n".join(parts).encode()


def json_feed(items: list[Item], title: str = "JSON Feed") -> bytes:
    doc: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": "https://example.org/",
        "language": "en",
        "items": [
            {
                "id": it.id,
                "url": it.link,
                "title": it.title,
                "content_html": it.html,
                "date_published": it.when.isoformat(),
                "authors": [{"name": it.author}],
                "tags": list(it.categories),
            }
            for it in items
        ],
    }
    return json.dumps(doc).encode()
