"""The reader pane: one article, laid out like a calm reading site.

Title, byline, "4d ago · 2 min read · en" with the categories as tags, then
Summary, Key quotes, the body (Markdown), Snippet from the feed, and
"You might also want to read". The header shows at once from the list's row;
the rest arrives from a worker (`show_detail`). The body (`ArticleBody`)
shows its first screenful at once and the rest from a thread worker; what
is below it shows once all of it is in place, so nothing jumps under the reader.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from toaster_tui.app.widgets.body import ArticleBody
from toaster_tui.core.models import ArticleDetail, ArticleRow, Enclosure
from toaster_tui.core.sanitize import safe_url
from toaster_tui.reading.render import (
    byline,
    enclosure_facts,
    enclosures_title,
    meta_line,
    source_note,
    time_to_read,
)
from toaster_tui.reading.timefmt import relative_age

__all__ = ["EnclosureList", "ReaderPane", "RelatedList"]

MAX_BODY = 80_000
"""Characters of Markdown rendered; longer bodies end with a pointer to `o`."""
MAX_QUOTES = 4
LINK_PAUSE = 1.0
"""Seconds without a key after which a link number being typed opens (10+ links)."""

WELCOME = """\
[b]toaster[/b]

No algorithm. No ads. Just feeds. Chronological.

Select an article and press [b]Enter[/b].
[b]n[/b] next unread  ·  [b]?[/b] every key"""


class RelatedList(OptionList, can_focus=False):
    """"You might also want to read": a click opens the article.

    Not a Tab stop: Tab goes sidebar → list → reader (the SPEC's three panes),
    and Enter in the reader never opens a related article by surprise.
    """


class EnclosureList(OptionList, can_focus=False):
    """The entry's audio, video and other files: a click opens one, `O` the first."""

    DEFAULT_CSS = """
    EnclosureList { height: auto; border: none; padding: 0; background: transparent; }
    """


class ReaderPane(VerticalScroll, can_focus=True):
    """Scrolls with j/k and the arrows; Space (on the screen) pages through."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", show=False),
        Binding("g,home", "scroll_home", "Top", show=False),
        Binding("G,end", "scroll_end", "Bottom", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"reader--tag", "reader--star"}

    class RelatedChosen(Message):
        """A related article was picked: open it."""

        def __init__(self, article_id: int) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, now: Callable[[], datetime], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._now = now
        self.row: ArticleRow | None = None
        self.detail: ArticleDetail | None = None
        self.body_article_id: int | None = None
        """The article whose body is on screen (at least its first screenful)."""
        self._body_done = False
        """All of the body is in place: what comes after it may show."""
        self._keep_end = False
        """G was pressed: stay at the end while the rest of the body and the
        related list land (they make the reader taller after the key)."""
        self._link_number = ""
        """Digits typed so far of a link number (an article with 10+ links)."""
        self._link_article: int | None = None
        self._link_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(WELCOME, id="reader-welcome")
        with Vertical(id="reader-article"):
            yield Static(id="reader-title")
            yield Static(id="reader-byline")
            yield Static(id="reader-meta")
            yield Static(id="reader-tags")
            yield Static(id="reader-source")  # full article or the feed's text (f)
            with Vertical(id="media-section", classes="section"):
                yield Label("Audio", id="media-title", classes="section-title")
                yield EnclosureList(id="reader-enclosures")
            with Vertical(id="summary-section", classes="section"):
                yield Label("Summary", classes="section-title")
                yield Static(id="reader-summary")
            with Vertical(id="quotes-section", classes="section"):
                yield Label("Key quotes", id="quotes-title", classes="section-title")
                for _ in range(MAX_QUOTES):
                    yield Static(classes="quote")
            yield Static("Loading…", id="reader-loading")
            yield ArticleBody(id="reader-body")
            with Vertical(id="snippet-section", classes="section"):
                yield Label("Snippet from the feed", classes="section-title")
                yield Static(id="reader-snippet")
            with Vertical(id="related-section", classes="section"):
                yield Label("You might also want to read", classes="section-title")
                yield RelatedList(id="reader-related")

    def on_mount(self) -> None:
        self.query_one("#reader-article").display = False

    # --- showing an article ---------------------------------------------------------

    @property
    def article_id(self) -> int | None:
        return self.row.id if self.row is not None else None

    def show_row(self, row: ArticleRow) -> None:
        """Show the header at once; the body follows with `show_detail`."""
        self.row = row
        self.detail = None
        self.body_article_id = None
        self._body_done = False
        self.query_one(ArticleBody).clear()
        self.query_one("#reader-welcome").display = False
        self.query_one("#reader-article").display = True
        self._show_header(row, ())
        loading = self.query_one("#reader-loading", Static)
        _update(loading, Text("Loading…"))  # show_missing may have said otherwise
        loading.display = True
        for section in ("#reader-body", "#reader-source", "#media-section", "#summary-section",
                        "#quotes-section", "#snippet-section", "#related-section"):
            self.query_one(section).display = False
        self._keep_end = False
        self.scroll_home(animate=False)

    def update_row(self, row: ArticleRow) -> None:
        """A new read / starred state of the article being read."""
        if self.row is not None and row.id == self.row.id:
            self.row = row
            self._show_header(row, self.detail.categories if self.detail else ())

    async def show_detail(self, detail: ArticleDetail) -> None:
        if self.row is None or detail.row.id != self.row.id:
            return  # the user moved on while it loaded
        self.detail = detail
        row = self.row
        self._show_header(row, detail.categories)
        self._show_enclosures(detail.enclosures)
        self._section("#summary-section", bool(detail.summary))
        self._update("#reader-summary", Text(" ".join(detail.summary)))
        self._section("#quotes-section", bool(detail.quotes))
        quotes = detail.quotes[:MAX_QUOTES]
        self._update("#quotes-title", Text.assemble("Key quotes",
                                                    (f"  · {len(quotes)} pulled", "dim")))
        for index, widget in enumerate(self.query(".quote").results(Static)):
            widget.display = index < len(quotes)
            _update(widget, Text(f"“{quotes[index]}”") if index < len(quotes) else Text())
        # Filled now, shown once the whole body is in place (`_body_complete`):
        # below it, they would jump down when the rest of a long body arrives.
        self._update("#reader-snippet", Text(detail.snippet))
        self._fill_related(detail.related)
        note = source_note(detail)
        self._section("#reader-source", note is not None)
        then = ("the feed's text" if detail.text_source == "page"
                else "the full article" if detail.has_page else "try again")
        self._update("#reader-source", Text(f"{note} · f: {then}" if note else "",
                                            style="italic"))
        body = detail.text.strip()
        if len(body) > MAX_BODY:
            body = body[:MAX_BODY] + "\n\n*… the article goes on: press `o` to read it all.*"
        if not body:
            body = "*This entry has no text. Press `o` to open it in the browser.*"
        width = self._body_width()
        article_body = self.query_one(ArticleBody)
        article_body.show(body, width, width * self.scrollable_content_region.height,
                          self._body_complete)
        self.query_one("#reader-loading").display = False
        article_body.display = True
        self.body_article_id = row.id

    def show_related(self, article_id: int, related: tuple[ArticleRow, ...]) -> None:
        """The related list, which follows the article (ranking it is the slow part)."""
        # The article's own message comes first (same worker, same queue); a
        # list for an article no longer shown is dropped.
        if self.detail is None or self.row is None or not (
                self.row.id == self.detail.row.id == article_id):
            return
        self.detail = replace(self.detail, related=related)
        self._fill_related(related)
        if self._body_done:
            self._section("#related-section", bool(related))

    @property
    def enclosures(self) -> tuple[Enclosure, ...]:
        """The enclosures of the article shown (none until its detail is in)."""
        return self.detail.enclosures if self.detail is not None else ()

    def _show_enclosures(self, enclosures: tuple[Enclosure, ...]) -> None:
        self._section("#media-section", bool(enclosures))
        if not enclosures:
            return
        hint = "  · O opens the first audio or video" if len(enclosures) > 1 else "  · O opens it"
        self.query_one("#media-title", Label).update(
            Text.assemble(enclosures_title(enclosures), (hint, "dim")))
        self.query_one(EnclosureList).set_options(
            # The URL on a line of its own: it is long, and it is what opens.
            Option(Text(f"{enclosure_facts(e)}\n{e.url}"), id=f"e{index}")
            for index, e in enumerate(enclosures))

    @on(OptionList.OptionSelected, "#reader-enclosures")
    def _enclosure_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and self.enclosures:
            self.app.open_url(self.enclosures[int(event.option.id[1:])].url)

    def _fill_related(self, related: tuple[ArticleRow, ...]) -> None:
        options = self.query_one(RelatedList)
        options.set_options(self._related_option(r) for r in related)
        options.highlighted = 0 if related else None

    def _body_complete(self) -> None:
        """All of the body is in place: show what comes after it."""
        detail = self.detail
        if detail is None or self.row is None or detail.row.id != self.row.id:
            return
        self._body_done = True
        self._section("#snippet-section", bool(detail.snippet))
        self._section("#related-section", bool(detail.related))

    def _body_width(self) -> int:
        """Columns the body gets: it may be hidden, so not laid out at this width yet
        (a wrong guess only costs a second render, on its resize)."""
        body = self.query_one(ArticleBody)
        if body.display and body.content_size.width:
            return body.content_size.width
        styles = body.styles
        return self.scrollable_content_region.width - styles.margin.width - styles.gutter.width

    def show_missing(self, article_id: int) -> None:
        if self.row is not None and self.row.id == article_id:
            self.query_one("#reader-loading", Static).update(
                "This article is no longer in the cache.")

    def clear(self) -> None:
        self.row = None
        self.detail = None
        self.body_article_id = None
        self._body_done = False
        self._keep_end = False
        self.query_one(ArticleBody).clear()
        self.query_one("#reader-welcome").display = True
        self.query_one("#reader-article").display = False

    def _section(self, selector: str, visible: bool) -> None:
        self.query_one(selector).display = visible

    def _update(self, selector: str, content: Text) -> None:
        _update(self.query_one(selector, Static), content)

    def _show_header(self, row: ArticleRow, categories: tuple[str, ...]) -> None:
        self._update("#reader-title", Text(row.title or "(untitled)"))
        self._update("#reader-byline", Text(byline(row)))
        meta = Text(meta_line(row, self._now()))  # no language when it is not known
        if row.starred:
            meta.append("  ★ starred", self.get_component_rich_style("reader--star"))
        self._update("#reader-meta", meta)
        tags = Text()
        tag_style = self.get_component_rich_style("reader--tag")
        for category in categories:
            # No-break spaces: a tag never wraps in the middle.
            tags.append(f" {category} ".replace(" ", "\u00a0"), tag_style)
            tags.append(" ")
        self._section("#reader-tags", bool(categories))
        self._update("#reader-tags", tags)

    def _related_option(self, row: ArticleRow) -> Option:
        age = relative_age(row.published or row.when, self._now())
        prompt = Text(row.title or "(untitled)", style="bold")
        prompt.append(f"\n{row.feed_title} · {age} · {time_to_read(row)}", "dim")
        return Option(prompt, id=f"a{row.id}")

    @on(OptionList.OptionSelected, "#reader-related")
    def _related_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.RelatedChosen(int(event.option.id[1:])))

    @on(ArticleBody.LinkClicked)
    def _link_clicked(self, event: ArticleBody.LinkClicked) -> None:
        event.stop()
        self.app.open_url(event.href)

    # --- links by number, as newsboat ----------------------------------------------

    def link_key(self, key: str) -> bool:
        """A key pressed on the main screen; True when it was used here.

        The body numbers its links ("text[3]") and lists them at its end. With
        fewer than 10 links, a digit opens that link at once. With 10 or more,
        digits add up to a number, which opens on Enter or after LINK_PAUSE
        seconds without a key; Esc drops it, and so does any other key (which
        then does what it always does). Only while the reader shows a body.
        """
        number = self._link_number
        if number and key in ("enter", "escape"):
            self._drop_link_number()
            if key == "enter":
                self._open_link(int(number))
            return True
        if len(key) != 1 or not key.isdigit():
            self._drop_link_number()
            return False
        article_id = self.body_article_id
        if article_id is None or not self.display:
            return False  # no body on screen (or the narrow layout shows the list)
        links = self.query_one(ArticleBody).links
        if len(links) < 10:
            self._drop_link_number()
            self._open_link(int(key))
            return True
        if self._link_article != article_id:
            number = ""
        number = (number + key).lstrip("0")
        self._drop_link_number()
        if number:
            self._link_number, self._link_article = number, article_id
            self._link_timer = self.set_timer(LINK_PAUSE, self._link_pause)
        return True

    def _link_pause(self) -> None:
        number = self._link_number
        self._drop_link_number()
        if number and self._link_article == self.body_article_id:
            self._open_link(int(number))

    def _drop_link_number(self) -> None:
        self._link_number = ""
        if self._link_timer is not None:
            self._link_timer.stop()
            self._link_timer = None

    def _open_link(self, number: int) -> None:
        """Link `number` of the body on screen, through the app (http and https only)."""
        if self.body_article_id is None:
            return
        links = self.query_one(ArticleBody).links
        if not 1 <= number <= len(links):
            have = f"it has {len(links)}" if links else "it has none"
            self.notify(f"No link {number} in this article ({have}).", severity="warning",
                        timeout=3)
            return
        url = links[number - 1]
        self.app.open_url(url)
        if safe_url(url) is not None:
            self.notify(f"Opening link {number}: {url}", timeout=2)

    # --- paging -------------------------------------------------------------------

    def action_scroll_end(self) -> None:
        self._keep_end = True
        super().action_scroll_end()

    def action_scroll_up(self) -> None:
        self._keep_end = False  # even at the top already: the user let go of G
        super().action_scroll_up()

    def action_scroll_home(self) -> None:
        self._keep_end = False
        super().action_scroll_home()

    def watch_virtual_size(self, size: Size) -> None:
        # The content grew (or the pane was resized): after G, follow the end.
        if self._keep_end:
            self.scroll_end(animate=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value < old_value and new_value < self.max_scroll_y:
            self._keep_end = False  # the user scrolled back up: G is done

    def page_down(self) -> bool:
        """Scroll a page; False when already at the end."""
        if self.scroll_y >= self.max_scroll_y:
            return False
        self.scroll_page_down(animate=False)
        return True


def _update(widget: Static, content: Text) -> None:
    """Set a Static's text unless it already shows exactly that: every update
    lays the whole reader out again (the header is set twice per article)."""
    if widget.content != content:
        widget.update(content)
