"""Every key of the SPEC table (but refresh and add: see their own modules)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Input
from tui_helpers import LAB, QUIET, Library, make_app, screen_text, settle, shown_error, wait_until

from toaster_tui.app.screens.help import HelpScreen
from toaster_tui.app.widgets.article_list import ArticleList
from toaster_tui.app.widgets.body import ArticleBody
from toaster_tui.app.widgets.reader import ReaderPane
from toaster_tui.app.widgets.sidebar import ALL, Sidebar
from toaster_tui.config.load import load_config

SIZE = (140, 44)


def titles(app: object) -> list[str]:
    return [r.title for r in app.query_one(ArticleList).rows]  # type: ignore[attr-defined]


async def test_tab_and_shift_tab_cycle_the_panes(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, ArticleList)
        await pilot.press("tab")
        assert isinstance(app.focused, ReaderPane)
        await pilot.press("tab")
        assert isinstance(app.focused, Sidebar)
        await pilot.press("tab")
        assert isinstance(app.focused, ArticleList)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, Sidebar)


async def test_j_k_and_arrows_move_in_the_list(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("j", "j")
        assert articles.cursor == 2
        await pilot.press("down")
        assert articles.cursor == 3
        await pilot.press("k", "up")
        assert articles.cursor == 1
        await pilot.press("G")
        assert articles.cursor == len(articles.rows) - 1
        await pilot.press("g")
        assert articles.cursor == 0


async def test_j_k_in_the_sidebar_switch_the_listing(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("shift+tab")  # sidebar
        await pilot.press("j")
        await settle(pilot)
        assert set(r.topic for r in app.query_one(ArticleList).rows) == {"Technology"}
        assert "Technology · 3 unread" in screen_text(app)
        await pilot.press("down")
        await settle(pilot)
        assert set(r.topic for r in app.query_one(ArticleList).rows) == {"Design"}
        await pilot.press("l")  # expand Design to its feed
        await pilot.press("j")
        await settle(pilot)
        assert "Grid & Gutter · 2 unread" in screen_text(app)
        await pilot.press("enter")  # Enter on a feed: go read its list
        assert isinstance(app.focused, ArticleList)


async def test_j_k_scroll_the_reader(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=(140, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("tab")
        reader = app.query_one(ReaderPane)
        assert reader.has_focus and reader.scroll_y == 0
        await pilot.press("j", "j", "down")
        assert reader.scroll_y == 3
        await pilot.press("k")
        assert reader.scroll_y == 2


async def test_brackets_step_through_topics_from_anywhere(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert set(r.topic for r in app.query_one(ArticleList).rows) == {"Technology"}
        assert isinstance(app.focused, ArticleList)  # focus stays where it was
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert set(r.topic for r in app.query_one(ArticleList).rows) == {"Science"}
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert set(r.topic for r in app.query_one(ArticleList).rows) == {"Design"}
        await pilot.press("tab")  # from the reader too
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot)
        assert len(app.query_one(ArticleList).rows) == 7


async def test_space_pages_the_reader_then_opens_the_next_unread(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=(140, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        reader = app.query_one(ReaderPane)
        first = reader.row
        await pilot.press("space")
        assert reader.scroll_y > 0 and reader.row == first
        for _ in range(40):
            await pilot.press("space")
            await settle(pilot, rounds=1)
            if reader.row is not None and first is not None and reader.row.id != first.id:
                break
        assert reader.row is not None and reader.row.title == "Designing slow software interfaces"


async def test_n_and_p_open_the_next_and_previous_unread(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reader = app.query_one(ReaderPane)
        await pilot.press("j", "j")  # onto an unread article, not opened
        await pilot.press("n")  # opens that one first
        await settle(pilot)
        assert reader.row is not None and reader.row.title == "Designing slow software interfaces"
        await pilot.press("n")
        await settle(pilot)
        assert reader.row.title == "Keyboard-first tools age well"
        await pilot.press("p")  # skips Designing, read now
        await settle(pilot)
        assert reader.row.title == "The case for slow software"
        await pilot.press("p")
        await settle(pilot)
        assert reader.row.title == "Counting starlings at dusk"
        await pilot.press("p")
        await settle(pilot)
        assert "No unread articles above" in " ".join(
            str(n.message) for n in app._notifications)


async def test_m_toggles_read(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        articles = app.query_one(ArticleList)
        assert not articles.rows[0].read
        await pilot.press("m")
        await settle(pilot)
        assert articles.rows[0].read
        assert "All Topics · 6 unread" in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert not articles.rows[0].read
        assert "All Topics · 7 unread" in screen_text(app)


async def test_capital_a_marks_the_topic_read(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")  # Technology
        await settle(pilot)
        await pilot.press("A")  # asks first (see test_tui_navigation.py)
        await wait_until(pilot, lambda: "Mark all read" in screen_text(app), what="the question")
        await pilot.press("y")
        await settle(pilot)
        assert all(r.read for r in app.query_one(ArticleList).rows)
        counts = app.query_one(Sidebar)._counts
        assert counts[("topic", "Technology")] == 0
        assert counts[("topic", "Science")] == 2
        assert counts[("all", None)] == 4
        assert "Marked 3 article(s) read in Technology" in " ".join(
            str(n.message) for n in app._notifications)


async def test_s_stars_and_the_starred_entry_lists_it(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "s")
        await settle(pilot)
        assert app.query_one(ArticleList).rows[1].starred
        assert app.query_one(Sidebar)._counts[("starred", None)] == 1
        assert "★" in screen_text(app)
        await pilot.press("shift+tab", "G")  # sidebar: the last entry is Starred
        await settle(pilot)
        assert titles(app) == ["The case for slow software"]
        assert "Starred" in screen_text(app)
        await pilot.press("tab", "s")  # unstar from the list
        await settle(pilot)
        assert app.query_one(Sidebar)._counts[("starred", None)] == 0


async def test_u_shows_unread_only(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")  # the first one is read now
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert "Counting starlings at dusk" not in titles(app)
        assert len(titles(app)) == 6
        assert "unread only" in screen_text(app)
        await pilot.press("u")
        await settle(pilot)
        assert len(titles(app)) == 7


async def test_slash_searches_and_escape_returns_to_the_topic(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")  # Technology
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"starling")
        await pilot.pause(0.4)
        await settle(pilot)
        assert titles(app) == ["Counting starlings at dusk"]  # search covers every topic
        assert "Search “starling” · 1 found" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.focused, ArticleList)
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one(ReaderPane).row is not None
        await pilot.press("escape")
        await settle(pilot)
        assert set(r.topic for r in app.query_one(ArticleList).rows) == {"Technology"}
        assert not app.query_one("#search").display


async def test_search_finds_words_in_the_text_title_matches_first(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"deliberate", "enter")
        await settle(pilot)
        found = titles(app)
        assert "The case for slow software" in found
        assert "Why replication is slow and worth it" in found
        # By relevance (store/listing.py), not by date: a title match comes first.
        await pilot.press("slash", "ctrl+u", *"slow", "enter")
        await settle(pilot)
        in_title = ["slow" in t.lower() for t in titles(app)]
        assert in_title == sorted(in_title, reverse=True)


async def test_o_opens_http_links_in_a_thread(library: Library, browser: list[str]) -> None:
    opened = browser
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await wait_until(pilot, lambda: bool(opened), what="the browser")
        assert opened == ["https://lab.example.test/starlings/"]
        # Links of other schemes never open, from anywhere (here: a link in a body).
        app.open_url("javascript:alert(1)")
        app.query_one(ArticleBody).post_message(ArticleBody.LinkClicked("file:///etc/passwd"))
        await pilot.pause(0.2)
        assert opened == ["https://lab.example.test/starlings/"]


async def test_y_copies_the_link(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "y")
        assert app.clipboard == "https://quiet.example.test/slow-software/"
        assert "Copied https://quiet.example.test/slow-software/" in " ".join(
            str(n.message) for n in app._notifications)


async def test_t_moves_the_feed_to_another_topic(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")  # first row: Lab Notes (Science)
        await wait_until(pilot, lambda: "Move to topic" in screen_text(app), what="the dialog")
        assert "Lab Notes is in Science." in screen_text(app)
        await pilot.press(*"Field Work", "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: app.config.feeds[2].topic == "Field Work",
                         what="the config reload")
        await settle(pilot)
        config = load_config(library.config_path)
        assert {f.url: f.topic for f in config.feeds}[LAB] == "Field Work"
        sidebar = app.query_one(Sidebar)
        assert [n.data.title for n in sidebar.root.children if n.data] == [
            "All Topics", "Technology", "Design", "Field Work", "Starred"]
        assert "# written by the tests" in library.config_path.read_text()  # comments kept


async def test_t_works_before_the_sidebar_has_loaded(library: Library) -> None:
    app = make_app(library)
    loaded = threading.Event()
    sidebar = app.data.sidebar

    def slow_sidebar() -> object:
        loaded.wait(10)  # a cache busy with a refresh, just after launch
        return sidebar()

    app.data.sidebar = slow_sidebar  # type: ignore[method-assign,assignment]
    async with app.run_test(size=SIZE) as pilot:
        articles = app.query_one(ArticleList)
        await wait_until(pilot, lambda: articles.current is not None, what="the list")
        assert not app.query_one(Sidebar).feeds_of(ALL)  # still loading
        await pilot.press("t")  # first row: Lab Notes (Science)
        await wait_until(pilot, lambda: "Move to topic" in screen_text(app), what="the dialog")
        assert "Lab Notes is in Science." in screen_text(app)
        await pilot.press("escape")
        loaded.set()
        await settle(pilot)


async def test_t_and_d_before_config_toml_is_read(library: Library) -> None:
    """Just after launch the list is there before config.toml is: a local feed
    must not be taken for a sync server's feed (config lists no feeds yet)."""
    app = make_app(library)
    read = threading.Event()
    sync_feeds = app.data.sync_feeds

    def slow_sync_feeds(*args: object, **kwargs: object) -> object:
        read.wait(10)  # a slow disk, just after launch
        return sync_feeds(*args, **kwargs)  # type: ignore[arg-type]

    app.data.sync_feeds = slow_sync_feeds  # type: ignore[method-assign,assignment]
    async with app.run_test(size=SIZE) as pilot:
        articles = app.query_one(ArticleList)
        await wait_until(pilot, lambda: articles.current is not None, what="the list")
        assert not app.config_read
        await pilot.press("t")  # first row: Lab Notes (Science)
        await wait_until(pilot, lambda: "Move to topic" in screen_text(app), what="the dialog")
        assert "sync server" not in screen_text(app)
        await pilot.press("escape")
        await pilot.press("d")
        await wait_until(pilot, lambda: any("still being read" in str(n.message)
                                            for n in app._notifications),
                         what="the wait message")
        read.set()
        await wait_until(pilot, lambda: app.config_read, what="config.toml")
        await pilot.press("d")
        await wait_until(pilot, lambda: "Unsubscribe from Lab Notes?" in screen_text(app),
                         what="the question")
        await pilot.press("n")
        await settle(pilot)
        assert LAB in {f.url for f in load_config(library.config_path).feeds}


async def test_d_removes_the_feed_after_asking(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "d")
        await wait_until(pilot, lambda: "Unsubscribe from Quiet Circuits?" in screen_text(app),
                         what="the question")
        await pilot.press("n")  # no: nothing happens
        await settle(pilot)
        assert QUIET in {f.url for f in load_config(library.config_path).feeds}
        await pilot.press("d")
        await wait_until(pilot, lambda: "Remove feed" in screen_text(app), what="the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: QUIET not in {f.url for f in app.config.feeds},
                         what="the config reload")
        await settle(pilot)
        assert QUIET not in {f.url for f in load_config(library.config_path).feeds}
        assert "Technology" not in [
            n.data.title for n in app.query_one(Sidebar).root.children if n.data]
        assert "Quiet Circuits" not in {r.feed_title for r in app.query_one(ArticleList).rows}


def _editor(tmp_path: Path, script: str) -> str:
    path = tmp_path / "fake-editor.sh"
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


async def test_e_runs_the_editor_and_reloads(library: Library, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # The "editor" renames a feed, as a user would by hand.
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, (
        'printf \'\\n[[feeds]]\\nurl = "https://new.example.test/feed.xml"\\n'
        'topic = "Books"\\n\' >> "$1"')))
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: len(app.config.feeds) == 4, what="the reload")
        await settle(pilot)
        assert "Books" in [n.data.title for n in app.query_one(Sidebar).root.children if n.data]


async def test_e_with_an_invalid_edit_shows_the_error_and_keeps_the_feeds(
        library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, 'printf "[[feeds]\\nurl = 1\\n" >> "$1"'))
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: "config.toml has an error" in screen_text(app),
                         what="the error dialog")
        dialog = app._config_dialog
        assert dialog is not None
        assert dialog.message == (f"{library.config_path}:17:8: "
                                  "Expected ']]' at the end of an array declaration")
        assert shown_error(app) == dialog.message
        # The last good subscriptions stay on screen behind the dialog.
        assert len(app.config.feeds) == 3
        await pilot.press("escape")
        await settle(pilot)
        assert len(titles(app)) == 7


async def test_question_mark_lists_every_key(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await pilot.pause()
        text = screen_text(app)
        for key in ("Tab / Shift+Tab", "j / k", "[ / ]", "Enter", "Space", "n / p", "m", "A",
                    "s", "u", "/", "o", "y", "r / R", "a", "t", "d", "e", "?", "q", "!"):
            assert key in text, key
        assert "next unread" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_exclamation_mark_lists_failing_feeds(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("exclamation_mark")
        await wait_until(pilot, lambda: "Every feed refreshed fine." in screen_text(app),
                         what="the feed errors")
        await pilot.press("escape")


async def test_q_quits(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0
        assert not app.is_running


async def test_footer_shows_the_main_keys(library: Library) -> None:
    app = make_app(library)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        for words in ("Open", "Next unread", "Search", "Refresh", "Add", "Quit", "Help"):
            assert words in footer
