"""The topic sidebar: All Topics, each topic with its feeds, saved views, and Starred."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal
from urllib.parse import urlsplit

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from toaster_tui.app.data import SidebarData
from toaster_tui.core.models import Config, FeedRow
from toaster_tui.core.rules import ViewRule

__all__ = ["SERVER_MARK", "Sidebar", "SidebarEntry"]

Kind = Literal["all", "topic", "feed", "view", "starred"]
VIEW_MARK = "» "
"""Before a saved view's name: a listing of its own, not a topic."""
SERVER_MARK = " ↕"
"""After a server feed's name: it comes with a sync ([sync]), not from config.toml."""
_TOGGLE = Style.from_meta({"toggle": True})


@dataclass(frozen=True)
class SidebarEntry:
    """What a sidebar line stands for."""

    kind: Kind
    title: str
    topic: str | None = None
    feed: FeedRow | None = None
    view: ViewRule | None = None

    @property
    def key(self) -> tuple[str, str | int | None]:
        if self.kind == "topic":
            return ("topic", self.topic)
        if self.kind == "view":
            return ("view", self.title)
        if self.kind == "feed":
            assert self.feed is not None
            return ("feed", self.feed.id)
        return (self.kind, None)

    @property
    def error(self) -> str | None:
        return self.feed.last_error if self.feed is not None else None


ALL = SidebarEntry("all", "All Topics")
STARRED = SidebarEntry("starred", "Starred")


def feed_title(feed: FeedRow) -> str:
    if feed.title and feed.title != feed.url:
        return feed.title
    # Never fetched: the address without its scheme says most in little room.
    parts = urlsplit(feed.url)
    return f"{parts.netloc}{parts.path}".rstrip("/") or feed.url


class Sidebar(Tree[SidebarEntry]):
    """Topics with unread counts; a topic expands to its feeds ("!" marks a failing one,
    "↕" one of the feed server's)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False),
        Binding("k,up", "cursor_up", "Up", show=False),
        Binding("l,right", "expand", "Expand", show=False),
        Binding("h,left", "collapse", "Collapse", show=False),
        Binding("g,home", "scroll_home", "First", show=False),
        Binding("G,end", "scroll_end", "Last", show=False),
        Binding("enter", "select_cursor", "Show", show=False),
        # Space pages the reader from every pane (it does not fold topics here).
        Binding("space", "screen.reader_page", "Page", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {"sidebar--count", "sidebar--error"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Topics", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = False
        self._counts: dict[tuple[str, str | int | None], int] = {}
        self._structure: list[tuple[str, tuple[int, ...]]] | None = None
        self._views: tuple[ViewRule, ...] = ()
        self._by_key: dict[tuple[str, str | int | None], TreeNode[SidebarEntry]] = {}
        """Every node by its entry's key."""
        self._looks: dict[tuple[str, str | int | None], tuple[object, ...]] = {}
        """What each node's line showed when last painted: only changed lines repaint."""
        self._by_key[ALL.key] = self.root.add_leaf("All Topics", ALL)
        self._by_key[STARRED.key] = self.root.add_leaf("Starred", STARRED)

    # --- data -------------------------------------------------------------------

    def set_data(self, config: Config, data: SidebarData) -> None:
        """Show fresh feeds and counts, keeping the cursor and what is expanded."""
        by_topic: dict[str, list[FeedRow]] = {}
        for feed in data.feeds:
            by_topic.setdefault(feed.topic, []).append(feed)
        order = [t for t in config.topic_order() if t in by_topic]
        order += [t for t in by_topic if t not in order]
        structure = [(t, tuple(f.id for f in by_topic[t])) for t in order]
        counts = data.counts
        self._counts = {("all", None): counts.total, ("starred", None): counts.starred}
        self._counts.update({("topic", t): n for t, n in counts.by_topic.items()})
        self._counts.update({("feed", f): n for f, n in counts.by_feed.items()})
        self._counts.update({("view", name): n for name, n in data.views.items()})
        if structure != self._structure or config.views != self._views:
            self._structure = structure
            self._views = config.views
            self._rebuild(order, by_topic)
            return
        # The same feeds in the same places: fresh feed rows for the nodes, and a
        # repaint of only the lines whose title, count or error mark changed (a
        # refresh brings new counts every half second; most lines stay as they are).
        for feed in data.feeds:
            node = self._by_key.get(("feed", feed.id))
            if node is not None and node.data is not None and node.data.feed != feed:
                node.data = SidebarEntry("feed", feed_title(feed), feed.topic, feed)
        for key, node in self._by_key.items():
            entry = node.data
            if entry is None:
                continue
            look = (entry.title, self._counts.get(key, 0), entry.error)
            if self._looks.get(key) != look:
                self._looks[key] = look
                node.refresh()

    def _rebuild(self, order: list[str], by_topic: dict[str, list[FeedRow]]) -> None:
        current = self.cursor_node.data.key if self.cursor_node and self.cursor_node.data else None
        expanded = {n.data.key for n in self.root.children if n.is_expanded and n.data}
        self.clear()
        self._by_key = {ALL.key: self.root.add_leaf("All Topics", ALL)}
        for topic in order:
            entry = SidebarEntry("topic", topic, topic)
            # Text, not str: Tree parses a str label as markup, and titles
            # and topics can come from a stranger's feed or OPML file.
            node = self._by_key[entry.key] = self.root.add(Text(topic), entry,
                                                          expand=entry.key in expanded)
            for feed in by_topic[topic]:
                leaf = SidebarEntry("feed", feed_title(feed), topic, feed)
                self._by_key[leaf.key] = node.add_leaf(Text(leaf.title), leaf)
        for view in self._views:  # under the topics, each a listing of its own
            saved = SidebarEntry("view", view.name, view=view)
            self._by_key[saved.key] = self.root.add_leaf(Text(view.name), saved)
        self._by_key[STARRED.key] = self.root.add_leaf("Starred", STARRED)
        self._looks = {key: (n.data.title, self._counts.get(key, 0), n.data.error)
                       for key, n in self._by_key.items() if n.data is not None}
        target = self.find(current) if current is not None else None
        _ = self.last_line  # lays the lines out so the node has its line number
        self.move_cursor(target or self.root.children[0])

    def _all_nodes(self) -> list[TreeNode[SidebarEntry]]:
        out: list[TreeNode[SidebarEntry]] = []
        for node in self.root.children:
            out.append(node)
            out.extend(node.children)
        return out

    def find(self, key: tuple[str, str | int | None]) -> TreeNode[SidebarEntry] | None:
        return self._by_key.get(key)

    def feeds_of(self, entry: SidebarEntry) -> list[FeedRow]:
        """The feeds a sidebar entry covers (all of them for All Topics / Starred)."""
        if entry.kind == "feed" and entry.feed is not None:
            return [entry.feed]
        feeds = [n.data.feed for n in self._all_nodes() if n.data and n.data.feed]
        if entry.kind == "topic":
            return [f for f in feeds if f.topic == entry.topic]
        return feeds

    def failing_feeds(self) -> list[FeedRow]:
        return [f for f in self.feeds_of(ALL) if f.last_error]

    @property
    def entry(self) -> SidebarEntry:
        node = self.cursor_node
        return node.data if node is not None and node.data is not None else ALL

    # --- navigation -------------------------------------------------------------

    def select_key(self, key: tuple[str, str | int | None]) -> bool:
        node = self.find(key)
        if node is None:
            return False
        if node.parent is not None and not node.parent.is_root:
            node.parent.expand()
        _ = self.last_line
        self.move_cursor(node)
        return True

    def step_topic(self, delta: int) -> None:
        """Move to the previous / next top-level entry (from a feed: its topic's)."""
        node = self.cursor_node
        tops = list(self.root.children)
        if node is None:
            index = 0
        else:
            top = node if node.parent is None or node.parent.is_root else node.parent
            index = tops.index(top) + delta
        self.move_cursor(tops[max(0, min(index, len(tops) - 1))])

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.expand()

    def action_collapse(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and not node.parent.is_root:
            self.move_cursor(node.parent)

    # --- rendering --------------------------------------------------------------

    def render_label(
        self, node: TreeNode[SidebarEntry], base_style: Style, style: Style
    ) -> Text:
        entry = node.data
        if entry is None:
            return Text("")
        depth = 0 if node.parent is None or node.parent.is_root else 1
        width = max(8, self.scrollable_content_region.width - depth * self.guide_depth)
        text = Text(style=style)
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            text.append(icon, base_style + _TOGGLE)
        elif depth == 0:
            text.append("  ")
        label_style = style
        if entry.kind in ("all", "starred"):
            label_style = style + Style(bold=True)
        mark = {"starred": "★ ", "view": VIEW_MARK}.get(entry.kind, "")
        name = mark + entry.title
        count = self._counts.get(entry.key, 0)
        tail = Text()
        if entry.error:
            tail.append("! ", self._fore("sidebar--error"))
        if count:
            tail.append(f"{count:,}", self._fore("sidebar--count"))
        server = SERVER_MARK if entry.feed is not None and entry.feed.server_id else ""
        room = width - text.cell_len - tail.cell_len - len(server) - 1
        label = Text(name, style=label_style)
        label.truncate(max(1, room), overflow="ellipsis")
        text.append_text(label)
        text.append(server, self._fore("sidebar--count") if server else style)
        text.append(" " * max(1, width - text.cell_len - tail.cell_len), style)
        text.append_text(tail)
        return text

    def _fore(self, name: str) -> Style:
        # Partial styles lose colours with alpha (they'd come out white); take the
        # foreground of the full style, blended over the background.
        full = self.get_component_rich_style(name)
        return Style(color=full.color, bold=full.bold)

    def get_label_width(self, node: TreeNode[SidebarEntry]) -> int:
        # Labels fill the width; reporting less avoids a horizontal scrollbar.
        return 1
