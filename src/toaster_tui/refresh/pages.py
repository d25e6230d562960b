"""Full articles: fetch the web pages of articles, extract and store their text.

Runs after a refresh's feeds are stored and reported (the feeds never wait for
a page), or for one article on demand (`f` in the reader, `toaster fulltext`).
The fetches share one Fetcher, so the feeds' limits hold (in all and per
host); reading a page (decoding, extraction, the text's fields) and storing it
run on one thread of their own, off the event loop. A page that cannot be had
leaves its error in `pages` and the feed's text as it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from toaster_tui.core.errors import StorageError
from toaster_tui.core.models import Settings
from toaster_tui.core.sanitize import clean_line
from toaster_tui.feeds.fetch import Fetcher
from toaster_tui.feeds.page_fetch import NO_ARTICLE, PageAnswer, fetch_page, page_text
from toaster_tui.refresh.worker import close_worker_store, init_worker, write_locked
from toaster_tui.store.database import Store
from toaster_tui.store.pages import pending_pages, save_page, save_page_error

__all__ = ["PageOutcome", "PageProgressFn", "PageReport", "fetch_pages"]

T = TypeVar("T")


@dataclass(frozen=True)
class PageOutcome:
    article_id: int
    url: str
    error: str | None = None
    """Why the page's text could not be had; None when it was stored."""
    read_minutes: int | None = None


@dataclass
class PageReport:
    outcomes: list[PageOutcome] = field(default_factory=list)

    @property
    def stored(self) -> list[PageOutcome]:
        return [o for o in self.outcomes if o.error is None]

    @property
    def failures(self) -> list[PageOutcome]:
        return [o for o in self.outcomes if o.error is not None]


PageProgressFn = Callable[[int, int, PageOutcome], None]


async def fetch_pages(
    db_path: Path,
    settings: Settings,
    *,
    feed_ids: Sequence[int] = (),
    article_ids: Sequence[int] = (),
    progress: PageProgressFn | None = None,
) -> PageReport:
    """The pages not yet fetched of the full_text feeds among `feed_ids`, and
    those of `article_ids` (any feed, fetched again unless their text is stored)."""
    loop = asyncio.get_running_loop()
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="toaster-pages",
                                initializer=init_worker,
                                initargs=(str(db_path), threading.Lock()))

    def on_worker(fn: Callable[[], T]) -> asyncio.Future[T]:
        return loop.run_in_executor(worker, fn)

    report = PageReport()
    try:
        targets = await on_worker(lambda: write_locked(
            lambda s: _targets(s, feed_ids, article_ids, settings.full_text)))
        if not targets:
            return report
        slots = asyncio.Semaphore(max(1, settings.concurrency))  # bodies in memory at once

        async with Fetcher(settings) as fetcher:

            async def one(article_id: int, url: str) -> None:
                async with slots:
                    answer = await fetch_page(fetcher, url)
                    outcome = await on_worker(functools.partial(_store_page, article_id,
                                                                answer))
                report.outcomes.append(outcome)
                if progress is not None:
                    progress(len(report.outcomes), len(targets), outcome)

            tasks = [asyncio.ensure_future(one(aid, url)) for aid, url in targets]
            try:
                await asyncio.gather(*tasks)
            finally:
                for task in tasks:
                    task.cancel()
    finally:
        with contextlib.suppress(Exception):
            await loop.run_in_executor(worker, close_worker_store)
        worker.shutdown(wait=True)
    return report


def _targets(store: Store, feed_ids: Sequence[int], article_ids: Sequence[int],
             default: bool) -> list[tuple[int, str]]:
    out = pending_pages(store.db, feed_ids, default) if feed_ids else []
    seen = {aid for aid, _ in out}
    for aid in article_ids:
        r = store.db.execute(
            """SELECT a.url FROM articles a WHERE a.id = ? AND a.url IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.article_id = a.id
                                 AND p.content_html IS NOT NULL)""", (aid,)).fetchone()
        if r is not None and aid not in seen:
            out.append((aid, r[0]))
            seen.add(aid)
    return out


def _store_page(article_id: int, answer: PageAnswer) -> PageOutcome:
    """On the pages thread: read the page and store its text, or the error."""
    error = answer.error
    page = None
    if error is None:
        try:
            page = page_text(answer.body, answer.content_type, answer.url)
        except RecursionError:
            page = None
        if page is None:
            error = NO_ARTICLE
    error = clean_line(error)[:300] if error is not None else None
    try:
        if page is not None:
            write_locked(lambda s: save_page(s, article_id, answer.url, answer.status, page))
            return PageOutcome(article_id, answer.url, read_minutes=page.read_minutes)
        reason = error or NO_ARTICLE
        write_locked(lambda s: save_page_error(s, article_id, answer.url, answer.status,
                                               reason))
    except StorageError as exc:
        return PageOutcome(article_id, answer.url, f"not saved: {exc}")
    return PageOutcome(article_id, answer.url, error)

