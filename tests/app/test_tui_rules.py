"""Filters and saved views in the app, against a real HTTP server on 127.0.0.1:
views in the sidebar with their counts, kept up to date by refreshes, listing
their articles; `v` saving a view into config.toml; filters acting on refresh."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input
from tui_helpers import (
    Library,
    StaticServer,
    make_app,
    rss,
    screen_text,
    settle,
    wait_until,
    write_library,
)

from toaster_tui.app.app import ToasterApp
from toaster_tui.app.screens.help import KEYS
from toaster_tui.app.screens.save_view import SaveViewDialog
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.sidebar import Sidebar

SIZE = (140, 44)

RULES = """
# hide the terminal ads
[[filters]]
title = "^terminal"
action = "hide"

[[filters]]
text = "lichen"
action = "star"

[[views]]
name = "Moss"   # my favourite
search = "moss"

[[views]]
name = "Tech unread"
topic = "Technology"
unread = true
"""


def day(n: int) -> str:
    return f"{n:02d} Nov 2026 09:00:00 GMT"


def served(tmp_path: Path, server: StaticServer, rules: str = RULES) -> Library:
    server.put("tech.xml", rss("Tech Daily", [
        ("Tabs versus spaces, settled", "https://t.example.test/1", day(20)),
        ("Terminal colours for sale", "https://t.example.test/2", day(18)),
    ]))
    server.put("sci.xml", rss("Science Weekly", [
        ("Moss grows on the north side", "https://s.example.test/1", day(19)),
        ("Lichen and moss, together", "https://s.example.test/2", day(17)),
        ("Fungi at dawn", "https://s.example.test/3", day(16)),
    ]))
    feeds = ((server.url("tech.xml"), "Technology", None),
             (server.url("sci.xml"), "Science", None))
    lib = write_library(tmp_path / "lib", feeds)
    with lib.config_path.open("a", encoding="utf-8") as out:
        out.write(rules)
    return lib


def sidebar_line(app: ToasterApp, name: str) -> str:
    return next((line for line in screen_text(app).splitlines() if f"» {name}" in line), "")


def count_in(line: str) -> int | None:
    found = re.search(r"» [^│]*?\s(\d+)\s*│", line)
    return int(found.group(1)) if found else None


def titles(app: ToasterApp) -> list[str]:
    return [r.title for r in app.query_one(ArticleList).rows]


async def refresh(pilot: Pilot[Any], app: ToasterApp) -> None:
    before = app.refresh_count
    await pilot.press("R")
    await wait_until(pilot, lambda: app.refresh_count > before, what="the refresh")
    await settle(pilot)


async def test_views_in_the_sidebar_with_counts_kept_up_to_date(
        tmp_path: Path, feed_server: StaticServer) -> None:
    lib = served(tmp_path, feed_server)
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await refresh(pilot, app)
        assert count_in(sidebar_line(app, "Moss")) == 2
        assert count_in(sidebar_line(app, "Tech unread")) == 1  # the ad is hidden

        # Selecting a view lists its articles.
        assert app.query_one(Sidebar).select_key(("view", "Moss"))
        await settle(pilot)
        # In order of relevance, as a `/` search lists them.
        assert sorted(titles(app)) == ["Lichen and moss, together",
                                       "Moss grows on the north side"]
        assert "Moss · 2 unread" in screen_text(app)
        # The filters acted on the refresh: the ad hidden everywhere, lichen starred.
        starred = [r.title for r in app.query_one(ArticleList).rows if r.starred]
        assert starred == ["Lichen and moss, together"]
        assert app.query_one(Sidebar).select_key(("view", "Tech unread"))
        await settle(pilot)
        assert titles(app) == ["Tabs versus spaces, settled"]

        # A refresh bringing more moss updates the count.
        feed_server.put("sci.xml", rss("Science Weekly", [
            ("Moss on a roof", "https://s.example.test/4", day(21)),
            ("Moss grows on the north side", "https://s.example.test/1", day(19)),
        ]))
        await refresh(pilot, app)
        await wait_until(pilot, lambda: count_in(sidebar_line(app, "Moss")) == 3,
                         what="the view's count to follow the refresh")


async def test_v_saves_the_current_state_as_a_view(tmp_path: Path,
                                                   feed_server: StaticServer) -> None:
    lib = served(tmp_path, feed_server)
    before = lib.config_path.read_text(encoding="utf-8")
    app = make_app(lib)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await refresh(pilot, app)
        assert app.query_one(Sidebar).select_key(("topic", "Science"))
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, SaveViewDialog),
                         what="the save dialog")
        assert "Shows: topic Science · unread only" in screen_text(app)
        await pilot.press("enter")  # no name yet: asked again
        assert isinstance(app.screen, SaveViewDialog)
        assert "Type a name" in screen_text(app)
        app.screen.query_one("#view-name", Input).value = "Moss"  # taken
        await pilot.press("enter")
        assert "There is a view named “Moss” already" in screen_text(app)
        app.screen.query_one("#view-name", Input).value = "Science to read"
        await pilot.press("enter")
        await wait_until(pilot, lambda: sidebar_line(app, "Science to read") != "",
                         what="the new view in the sidebar")
        assert count_in(sidebar_line(app, "Science to read")) == 3
        after = lib.config_path.read_text(encoding="utf-8")
        # Appended: every byte before it, comments included, as it was.
        assert after.startswith(before)
        assert after[len(before):] == ('\n[[views]]\nname = "Science to read"\n'
                                       'topic = "Science"\nunread = true\n')
        assert "# my favourite" in after and "# hide the terminal ads" in after


async def test_help_lists_v() -> None:
    keys = {key for _section, rows in KEYS for key, _what in rows}
    assert "v" in keys
