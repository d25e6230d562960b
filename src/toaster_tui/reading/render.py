"""Articles and feeds as text and JSON for the CLI (`show` mirrors the reader pane)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from toaster_tui.core.models import ArticleDetail, ArticleRow, FeedRow
from toaster_tui.reading.language import known_language
from toaster_tui.reading.timefmt import iso_utc, relative_age


def byline(row: ArticleRow) -> str:
    """ "By <author> · <feed>" (the feed alone when there is no author)."""
    return f"By {row.author} · {row.feed_title}" if row.author else row.feed_title


def meta_line(row: ArticleRow, now: datetime | None = None) -> str:
    """ "4d ago · 2 min read · en" ("4d ago · 2 min read" when the language is not known)."""
    age = relative_age(row.published or row.when, now)
    language = known_language(row.language)
    return f"{age} · {row.read_minutes} min read" + (f" · {language}" if language else "")


def article_json(row: ArticleRow, detail: ArticleDetail | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.id,
        "feed_url": row.feed_url,
        "feed_title": row.feed_title,
        "topic": row.topic,
        "title": row.title,
        "url": row.url,
        "author": row.author,
        "published": iso_utc(row.published),
        "read": row.read,
        "starred": row.starred,
        "read_minutes": row.read_minutes,
        "language": known_language(row.language),  # null when not known
    }
    if detail is not None:
        out.update(
            summary=list(detail.summary),
            quotes=list(detail.quotes),
            text=detail.text,
            snippet=detail.snippet,
            categories=list(detail.categories),
            related=[r.id for r in detail.related],
        )
    return out


def article_line(row: ArticleRow) -> str:
    flags = ("*" if row.starred else " ") + (" " if row.read else "N")
    age = relative_age(row.published or row.when)
    return f"{row.id:>7} {flags} {age:>9}  {row.feed_title[:24]:<24}  {row.title}"


def feed_json(row: FeedRow) -> dict[str, Any]:
    return {
        "url": row.url,
        "topic": row.topic,
        "title": row.title,
        "site_url": row.site_url,
        "fetch_url": row.fetch_url,
        "articles": row.article_count,
        "unread": row.unread_count,
        "last_refresh": iso_utc(row.last_fetched),
        "last_status": row.last_status,
        "error": row.last_error,
        "gone": row.gone,
    }


def feed_line(row: FeedRow) -> str:
    status = "never fetched" if row.last_fetched is None else relative_age(row.last_fetched)
    if row.last_error:
        status += f" · error: {row.last_error}"
    return (f"{row.topic:<14} {row.title[:40]:<40} {row.unread_count:>5}/{row.article_count:<5}"
            f" {status}  {row.url}")


def detail_text(detail: ArticleDetail) -> str:
    """The reader pane as plain text, section by section."""
    row = detail.row
    parts = [row.title, byline(row), meta_line(row)]
    if detail.categories:
        parts.append("Categories: " + ", ".join(detail.categories))
    if row.url:
        parts.append(row.url)
    if detail.summary:
        parts += ["", "Summary", *detail.summary]
    if detail.quotes:
        parts += ["", f"Key quotes · {len(detail.quotes)} pulled"]
        parts += [f"“{q}”" for q in detail.quotes]
    parts += ["", detail.text]
    if detail.snippet:
        parts += ["", "Snippet from the feed", detail.snippet]
    if detail.related:
        parts += ["", "You might also want to read"]
        parts += [f"  [{r.id}] {r.title} — {r.feed_title}, {relative_age(r.published or r.when)}"
                  for r in detail.related]
    return "\n".join(parts)
