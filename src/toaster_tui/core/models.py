"""Plain data shared by every layer: config, parser output, query results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from toaster_tui.core.rules import FilterRule, ViewRule

DEFAULT_TOPICS: tuple[str, ...] = (
    "Technology", "Design", "Programming", "Science", "News", "Gaming",
    "Entertainment", "Business", "Finance", "Sports", "Health", "Food",
    "Travel", "Art", "Music", "Books", "Education", "Politics", "Personal",
)
FALLBACK_TOPIC = "Personal"


# --- subscriptions (config.toml) -------------------------------------------

@dataclass(frozen=True)
class FeedSpec:
    """One `[[feeds]]` entry of config.toml."""

    url: str
    topic: str = FALLBACK_TOPIC
    title: str | None = None
    # Per-feed rules as written on the entry; None follows [settings] (Config.rules).
    refresh_minutes: int | None = None
    keep_days: int | None = None
    notify: bool | None = None
    hidden_from_all: bool | None = None
    full_text: bool | None = None
    """Fetch each new article's web page; None: as [settings] full_text says."""


@dataclass(frozen=True)
class Settings:
    """The `[settings]` table of config.toml."""

    refresh_minutes: int = 30
    """Feeds are fetched at most this often (feeds may override); the TUI refreshes
    the feeds due in the background. 0: only by hand."""
    concurrency: int = 64
    """Simultaneous fetches in all (the fetches themselves cost little CPU; a
    refresh of many feeds is bound by latency x feeds / concurrency)."""
    per_host: int = 4
    """Simultaneous fetches to one host."""
    timeout: float = 30.0
    """Seconds a whole request may take, connect included."""
    max_bytes: int = 10 * 1024 * 1024
    """Size cap of one response after decompression."""
    topics: tuple[str, ...] = ()
    """Sidebar order; unknown topics follow."""
    keep_days: int = 0
    """Read, unstarred articles older than this many days are deleted; 0 keeps them."""
    notify: bool = False
    """Say so when a refresh brings new articles (feeds may override)."""
    hidden_from_all: bool = False
    """Leave feeds out of "All Topics" (feeds may override)."""
    desktop_notify: str = "auto"
    """How the app's notifications reach the desktop: "auto", "osc9", "osc777" or "off"."""
    full_text: bool = False
    """The default of the feeds' `full_text`: fetch each new article's own page."""


@dataclass(frozen=True)
class SyncSpec:
    """The `[sync]` table of config.toml: a feed server to keep in step with.

    Never the password itself: `password_command` prints it (first line), or the
    TOASTER_SYNC_PASSWORD environment variable holds it.
    """

    url: str
    """The Google Reader API's base (Miniflux: its URL; FreshRSS: .../api/greader.php)."""
    username: str
    service: str = "greader"
    password_command: tuple[str, ...] = ()
    """The argv to run (no shell); empty when the password comes from the environment."""


@dataclass(frozen=True)
class FeedRules:
    """A feed's rules with [settings]' defaults filled in."""

    refresh_minutes: int
    """Fetched at most this often; 0: only by hand (`r`, `R`, `toaster refresh`)."""
    keep_days: int
    notify: bool
    hidden_from_all: bool


@dataclass(frozen=True)
class Config:
    path: Path
    settings: Settings = field(default_factory=Settings)
    feeds: tuple[FeedSpec, ...] = ()
    sync: SyncSpec | None = None
    filters: tuple[FilterRule, ...] = ()
    views: tuple[ViewRule, ...] = ()

    def full_text(self, feed: FeedSpec) -> bool:
        """Whether new articles of `feed` get their web page fetched."""
        return self.settings.full_text if feed.full_text is None else feed.full_text

    def rules(self, feed: FeedSpec) -> FeedRules:
        """`feed`'s own keys, else the [settings] defaults."""
        s = self.settings
        return FeedRules(
            refresh_minutes=(s.refresh_minutes if feed.refresh_minutes is None
                             else feed.refresh_minutes),
            keep_days=s.keep_days if feed.keep_days is None else feed.keep_days,
            notify=s.notify if feed.notify is None else feed.notify,
            hidden_from_all=(s.hidden_from_all if feed.hidden_from_all is None
                             else feed.hidden_from_all),
        )

    def topic_order(self) -> list[str]:
        """Topics for the sidebar: settings.topics, then defaults, then the rest."""
        order: list[str] = []
        for name in (*self.settings.topics, *DEFAULT_TOPICS, *(f.topic for f in self.feeds)):
            if name not in order:
                order.append(name)
        return order


# --- parser output ----------------------------------------------------------

MEDIA_EXTENSIONS: dict[str, str] = {
    "mp3": "audio", "m4a": "audio", "aac": "audio", "ogg": "audio", "oga": "audio",
    "opus": "audio", "wav": "audio", "flac": "audio",
    "mp4": "video", "m4v": "video", "webm": "video", "mov": "video", "mkv": "video",
}
"""What an enclosure without a MIME type is, told from its URL's extension."""


@dataclass(frozen=True)
class Enclosure:
    """A file attached to an entry (a podcast's audio, say); every field is checked."""

    url: str
    """http(s) only (sanitize.safe_url)."""
    type: str | None
    """The MIME type as the feed gave it, lower case, without parameters."""
    length: int | None
    """Size in bytes; None when unknown (0, negative or absurd in the feed)."""
    duration_seconds: int | None
    """Playing time; None when unknown."""

    @property
    def kind(self) -> str | None:
        """"audio", "video", or None (an image, a PDF, …)."""
        if self.type:
            major = self.type.split("/", 1)[0]
            return major if major in ("audio", "video") else None
        path = self.url.split("?", 1)[0].split("#", 1)[0]
        tail = path.rsplit("/", 1)[-1]
        return MEDIA_EXTENSIONS.get(tail.rsplit(".", 1)[-1].lower()) if "." in tail else None


def first_media(enclosures: tuple[Enclosure, ...]) -> Enclosure | None:
    """The episode: the first audio or video enclosure."""
    return next((e for e in enclosures if e.kind is not None), None)


@dataclass(frozen=True)
class EntryData:
    """One entry as parsed and extracted; every string is terminal-safe."""

    key: str
    """Identity within the feed: the entry id, else its link, else a hash."""
    title: str
    url: str | None
    author: str | None
    published: datetime | None
    updated: datetime | None
    content_html: str
    """Sanitized HTML of the body (content, else the summary)."""
    summary_html: str
    """Sanitized HTML of the feed's own summary/description."""
    text: str
    """Plain text of the body, for search and read time."""
    snippet: str
    categories: tuple[str, ...]
    language: str
    read_minutes: int
    enclosures: tuple[Enclosure, ...] = ()
    """Audio, video and other files attached, in feed order (at most 10)."""


@dataclass(frozen=True)
class PageText:
    """An article's web page, reduced to its main text like a feed body."""

    content_html: str
    """Sanitized HTML of the page's main content."""
    text: str
    """Plain text, for search and read time."""
    language: str
    """Declared by the page, else told from its text; "" when not known."""
    read_minutes: int


@dataclass(frozen=True)
class FeedData:
    title: str | None
    site_url: str | None
    language: str | None
    entries: tuple[EntryData, ...]


# --- query results ----------------------------------------------------------

@dataclass(frozen=True)
class FeedRow:
    id: int
    url: str
    topic: str
    title: str
    site_url: str | None
    fetch_url: str | None
    article_count: int
    unread_count: int
    last_fetched: datetime | None
    last_status: int | None
    last_error: str | None
    gone: bool
    server_id: str | None = None
    """A server feed's stream id (it comes with a sync, never fetched here); None: local."""


@dataclass(frozen=True)
class ArticleRow:
    """A row of the article list: what the list pane and `articles` need."""

    id: int
    feed_id: int
    feed_url: str
    feed_title: str
    topic: str
    title: str
    url: str | None
    author: str | None
    published: datetime | None
    """Published, else updated (UTC); None when the feed gave neither."""
    when: datetime
    """The listing time: published, else updated, else first seen (UTC)."""
    read: bool
    starred: bool
    read_minutes: int
    language: str
    media: str | None = None
    """"audio" or "video" when the entry has such an enclosure with a duration."""
    media_seconds: int | None = None
    """That enclosure's duration (the meta line may show it instead of the read time)."""


@dataclass(frozen=True)
class ArticleDetail:
    """What the reader pane shows for one article."""

    row: ArticleRow
    summary: tuple[str, ...]
    quotes: tuple[str, ...]
    text: str
    """Readable body (light Markdown: headings, lists, links, quotes, code)."""
    snippet: str
    categories: tuple[str, ...]
    related: tuple[ArticleRow, ...]
    enclosures: tuple[Enclosure, ...] = ()
    text_source: str = "feed"
    """"page" when `text` (and the summary, quotes) come from the article's web page."""
    has_page: bool = False
    """The page's text is cached (so `f` toggles between it and the feed's)."""
    page_error: str | None = None
    """Why the article's page could not be had, when that was the last word on it."""


@dataclass(frozen=True)
class UnreadCounts:
    by_feed: dict[int, int]
    by_topic: dict[str, int]
    total: int
    starred: int
