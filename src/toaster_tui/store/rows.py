"""How the read queries select an article row and turn it into an ArticleRow."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from toaster_tui.core.models import ArticleRow

ARTICLE_COLUMNS = """a.id, a.feed_id, f.url, coalesce(f.title_override, f.title, f.url), f.topic,
    a.title, a.url, a.author, coalesce(a.published, a.updated), a.sort_time, a.read,
    a.starred, a.read_minutes, a.language, a.media_kind, a.media_seconds"""
"""What article_row reads, from `articles a JOIN feeds f`."""


def moment(epoch: int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def article_row(r: tuple[Any, ...]) -> ArticleRow:
    return ArticleRow(
        id=r[0],
        feed_id=r[1],
        feed_url=r[2],
        feed_title=r[3],
        topic=r[4],
        title=r[5],
        url=r[6],
        author=r[7],
        published=moment(r[8]),
        when=datetime.fromtimestamp(r[9], UTC),
        read=bool(r[10]),
        starred=bool(r[11]),
        read_minutes=r[12],
        language=r[13],
        media=r[14],
        media_seconds=r[15],
    )
