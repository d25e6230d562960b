"""Articles and feeds as text and JSON for the CLI (`show` mirrors the reader pane)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from toaster_tui.core.models import ArticleDetail, ArticleRow, Enclosure, FeedRow
from toaster_tui.reading.language import known_language
from toaster_tui.reading.timefmt import iso_utc, relative_age


def byline(row: ArticleRow) -> str:
    """ "By <author> · <feed>" (the feed alone when there is no author)."""
    return f"By {row.author} · {row.feed_title}" if row.author else row.feed_title


def meta_line(row: ArticleRow, now: datetime | None = None) -> str:
    """ "4d ago · 2 min read · en" ("4d ago · 2 min read" when the language is not known;
    "4d ago · 1 h 52 min listen · en" for an episode, see time_to_read)."""
    age = relative_age(row.published or row.when, now)
    language = known_language(row.language)
    return f"{age} · {time_to_read(row)}" + (f" · {language}" if language else "")


def time_to_read(row: ArticleRow) -> str:
    """ "2 min read"; for an entry whose audio or video plays at least as long as
    its text reads (show notes), the playing time: "1 h 52 min listen", "34 min watch"."""
    if row.media in ("audio", "video") and row.media_seconds \
            and row.media_seconds >= row.read_minutes * 60:
        verb = "listen" if row.media == "audio" else "watch"
        return f"{play_time(row.media_seconds)} {verb}"
    return f"{row.read_minutes} min read"


def play_time(seconds: int) -> str:
    """ "34 min", "1 h 52 min", "2 h": to the nearest minute, at least 1 min."""
    hours, minutes = divmod(max(1, round(seconds / 60)), 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def file_size(size: int) -> str:
    """ "512 B", "98.8 MB", "1.2 GB" (decimal units, as players show them)."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000:
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


def enclosure_facts(enclosure: Enclosure) -> str:
    """ "audio/mpeg · 1 h 52 min · 98.8 MB": what is known of it but its URL."""
    parts = [enclosure.type or enclosure.kind or "file"]
    if enclosure.duration_seconds is not None:
        parts.append(play_time(enclosure.duration_seconds))
    if enclosure.length is not None:
        parts.append(file_size(enclosure.length))
    return " · ".join(parts)


def enclosure_line(enclosure: Enclosure) -> str:
    """ "audio/mpeg · 1 h 52 min · 98.8 MB · https://…/ep.mp3"."""
    return f"{enclosure_facts(enclosure)} · {enclosure.url}"


def enclosures_title(enclosures: tuple[Enclosure, ...]) -> str:
    """The reader's heading for them: "Audio", "Video" or "Attachments"."""
    kinds = {e.kind for e in enclosures}
    if kinds == {"audio"}:
        return "Audio"
    if kinds == {"video"}:
        return "Video"
    return "Attachments"


def enclosure_json(enclosure: Enclosure) -> dict[str, Any]:
    return {"url": enclosure.url, "type": enclosure.type, "length": enclosure.length,
            "duration_seconds": enclosure.duration_seconds}


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
            enclosures=[enclosure_json(e) for e in detail.enclosures],
            text_source=detail.text_source,
            page_error=detail.page_error,
        )
    return out


def source_note(detail: ArticleDetail) -> str | None:
    """A line above the body saying where it comes from, when it is not plainly the feed."""
    if detail.text_source == "page":
        return "Full article, from its web page"
    if detail.has_page:
        return "The feed's text (the full article is cached)"
    if detail.page_error:
        return f"Full article not available: {detail.page_error}"
    return None


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
    parts += [f"Enclosure: {enclosure_line(e)}" for e in detail.enclosures]
    if detail.summary:
        parts += ["", "Summary", *detail.summary]
    if detail.quotes:
        parts += ["", f"Key quotes · {len(detail.quotes)} pulled"]
        parts += [f"“{q}”" for q in detail.quotes]
    note = source_note(detail)
    parts += ["", *([note] if note else []), detail.text]
    if detail.snippet:
        parts += ["", "Snippet from the feed", detail.snippet]
    if detail.related:
        parts += ["", "You might also want to read"]
        parts += [f"  [{r.id}] {r.title} — {r.feed_title}, {relative_age(r.published or r.when)}"
                  for r in detail.related]
    return "\n".join(parts)
