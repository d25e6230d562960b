"""In-place edits of config.toml: only the entry concerned changes, byte for byte."""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from clirunner import Cli
from toaster_tui.config.edit import add_feed, add_feeds, move_feed, remove_feed, rename_feed
from toaster_tui.config.load import load_config
from toaster_tui.core.errors import ConfigError, SubscriptionError
from toaster_tui.core.models import Config, FeedSpec

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, content: str | bytes, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# --- edits keep everything else byte for byte ------------------------------------

HEAD = """\
# My subscriptions, kept by hand
#   (please keep the order)

[settings]      # tuned by hand
refresh_minutes  =  15   # a quarter hour
concurrency=8
# per_host = 2   (off for now)
topics = [ "Programming",   # first
  "Science" ]

# Programming ---------------------------------------------------

[[feeds]]   # the best
url   = "https://jvns.ca/atom.xml"     # Julia
topic = "Programming"
  title = 'Julia Evans'
"""
B_INTRO = """
# Simon writes a lot; keep him anyway
"""
B = """\
[[feeds]]
url = "https://simonwillison.net/atom/everything/"
topic= "Programming"   # moved here in May
title = "Simon Willison"
# (entry B ends here)
"""
TAIL = """
# Science -------------------------------------------------------

[[feeds]]
\turl = "https://www.quantamagazine.org/feed/"
\ttitle = "Quanta"   # tabs, on purpose

# a comment at the end of the file
"""
SAMPLE = HEAD + B_INTRO + B + TAIL
JULIA = "https://jvns.ca/atom.xml"
SIMON = "https://simonwillison.net/atom/everything/"
QUANTA = "https://www.quantamagazine.org/feed/"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return write(tmp_path, SAMPLE)


def bak(path: Path) -> Path:
    return path.with_name("config.toml.bak")


def test_remove_keeps_the_text_before_and_after(sample: Path) -> None:
    config = remove_feed(sample, SIMON)
    # B's own comment above its header and the one hugging its last line go with it.
    assert sample.read_text() == HEAD + TAIL
    assert [f.url for f in config.feeds] == [JULIA, QUANTA]
    assert bak(sample).read_text() == SAMPLE


def test_remove_first_and_last_feed(sample: Path) -> None:
    remove_feed(sample, JULIA)
    text = sample.read_text()
    assert text == HEAD.split("[[feeds]]")[0] + B_INTRO.lstrip("\n") + B + TAIL
    remove_feed(sample, QUANTA)
    # The section comment belongs to no feed and stays, as does the file's last comment.
    quanta = TAIL[TAIL.index("[[feeds]]"):TAIL.index("# a comment")]
    assert sample.read_text() == (HEAD.split("[[feeds]]")[0] + B_INTRO.lstrip("\n") + B
                                  + TAIL.replace(quanta, ""))


def test_remove_every_feed_leaves_a_valid_file(sample: Path) -> None:
    for url in (SIMON, QUANTA, JULIA):
        config = remove_feed(sample, url)
    assert config.feeds == ()
    text = sample.read_text()
    assert text.startswith(HEAD.split("\n# Programming")[0])
    assert "[[feeds]]" not in text and "feeds = []" not in text
    assert load_config(sample).settings.refresh_minutes == 15


def test_move_changes_only_the_topic_value(sample: Path) -> None:
    config = move_feed(sample, SIMON, "Science")
    moved = B.replace('topic= "Programming"', 'topic= "Science"')
    assert sample.read_text() == HEAD + B_INTRO + moved + TAIL
    assert config.feeds[1] == FeedSpec(SIMON, "Science", "Simon Willison")
    assert bak(sample).read_text() == SAMPLE


def test_move_adds_a_missing_topic_under_the_url(sample: Path) -> None:
    move_feed(sample, QUANTA, "Science")
    tail = TAIL.replace('feed/"\n', 'feed/"\n\ttopic = "Science"\n')
    assert sample.read_text() == HEAD + B_INTRO + B + tail


def test_rename_sets_and_removes_the_title(sample: Path) -> None:
    rename_feed(sample, SIMON, "Simon W.")
    assert sample.read_text() == HEAD + B_INTRO + B.replace('"Simon Willison"', '"Simon W."') + TAIL
    config = rename_feed(sample, SIMON, None)
    assert sample.read_text() == HEAD + B_INTRO + B.replace('title = "Simon Willison"\n', "") + TAIL
    assert config.feeds[1].title is None
    config = rename_feed(sample, JULIA, "")
    assert "Julia Evans" not in sample.read_text() and config.feeds[0].title is None
    assert sample.read_text().startswith(HEAD.replace("  title = 'Julia Evans'\n", ""))


def test_rename_adds_a_title_with_the_entry_indent(tmp_path: Path) -> None:
    text = '[[feeds]]\n  url = "https://a.example/"\n  topic = "News"  # n\n\n# next\n'
    path = write(tmp_path, text)
    rename_feed(path, "https://a.example/", "A")
    assert path.read_text() == text.replace("# n\n", '# n\n  title = "A"\n')


def test_add_appends_a_table_at_the_end(sample: Path) -> None:
    config = add_feed(sample, " https://xkcd.com/atom.xml ", "Personal", "xkcd")
    assert sample.read_text() == SAMPLE + (
        '\n[[feeds]]\nurl = "https://xkcd.com/atom.xml"\ntopic = "Personal"\ntitle = "xkcd"\n')
    assert config.feeds[-1] == FeedSpec("https://xkcd.com/atom.xml", "Personal", "xkcd")
    assert bak(sample).read_text() == SAMPLE


def test_add_defaults_and_fresh_files(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    config = add_feed(path, "https://a.example/", "", None)
    assert path.read_text() == '[[feeds]]\nurl = "https://a.example/"\ntopic = "Personal"\n'
    assert config.feeds == (FeedSpec("https://a.example/"),)
    assert not bak(path).exists()  # there was nothing to back up

    settings_only = write(tmp_path, "[settings]\nconcurrency = 4  # four")
    add_feed(settings_only, "https://a.example/", "News")
    assert settings_only.read_text() == ('[settings]\nconcurrency = 4  # four\n\n'
                                         '[[feeds]]\nurl = "https://a.example/"\n'
                                         'topic = "News"\n')


def test_add_feeds_appends_many_in_one_edit(sample: Path) -> None:
    config = add_feeds(sample, [FeedSpec("https://a.example/", "News"),
                                FeedSpec(JULIA, "News"),
                                FeedSpec(" https://a.example/", "Art"),
                                FeedSpec("https://b.example/", "", " B ")])
    assert [f.url for f in config.feeds[3:]] == ["https://a.example/", "https://b.example/"]
    assert config.feeds[4] == FeedSpec("https://b.example/", "Personal", "B")
    assert sample.read_text() == SAMPLE + (
        '\n[[feeds]]\nurl = "https://a.example/"\ntopic = "News"\n'
        '\n[[feeds]]\nurl = "https://b.example/"\ntopic = "Personal"\ntitle = "B"\n')
    assert bak(sample).read_text() == SAMPLE


def test_edit_that_changes_nothing_does_not_rewrite(sample: Path) -> None:
    move_feed(sample, JULIA, "Programming")
    add_feeds(sample, [FeedSpec(JULIA)])
    assert sample.read_text() == SAMPLE and not bak(sample).exists()


def test_add_keeps_windows_line_endings(tmp_path: Path) -> None:
    text = '[[feeds]]\r\nurl = "https://a.example/"\r\n'
    path = write(tmp_path, text)
    add_feed(path, "https://b.example/", "News")
    assert path.read_bytes() == (text + '\r\n[[feeds]]\r\nurl = "https://b.example/"\r\n'
                                 'topic = "News"\r\n').encode()


def test_add_refuses_duplicates_and_bad_urls(sample: Path) -> None:
    with pytest.raises(SubscriptionError, match=re.escape(f"already subscribed: {JULIA}")):
        add_feed(sample, JULIA + "  ", "News")
    with pytest.raises(SubscriptionError, match="http:// or https://"):
        add_feed(sample, "javascript:alert(1)", "News")
    assert sample.read_text() == SAMPLE
    assert not bak(sample).exists()


@pytest.mark.parametrize("edit", [
    lambda p: remove_feed(p, "https://nope.example/"),
    lambda p: move_feed(p, "https://nope.example/", "News"),
    lambda p: rename_feed(p, "https://nope.example/", "Nope"),
])
def test_unknown_feed_is_refused(sample: Path, edit: Callable[[Path], Config]) -> None:
    with pytest.raises(SubscriptionError, match=re.escape("not subscribed: https://nope.example/")):
        edit(sample)
    assert sample.read_text() == SAMPLE


def test_edit_of_an_invalid_file_changes_nothing(tmp_path: Path) -> None:
    text = SAMPLE.replace("concurrency=8", 'concurrency="eight"')
    path = write(tmp_path, text)
    before = path.read_bytes()
    with pytest.raises(ConfigError) as caught:
        add_feed(path, "https://a.example/", "News")
    assert (caught.value.line, caught.value.col) == (6, 13)
    assert path.read_bytes() == before
    assert not bak(path).exists()


def test_hand_edit_after_load_is_kept(sample: Path) -> None:
    loaded = load_config(sample)
    hand = SAMPLE.replace("# a comment at the end", '[[feeds]]\nurl = "https://b.example/"\n'
                          "# added by hand\n\n# a comment at the end")
    sample.write_text(hand)
    config = add_feed(sample, "https://c.example/", "News")
    assert len(config.feeds) == len(loaded.feeds) + 2
    assert sample.read_text().startswith(hand)
    assert bak(sample).read_text() == hand


def test_edit_keeps_file_mode(sample: Path) -> None:
    sample.chmod(0o600)
    move_feed(sample, JULIA, "Science")
    assert stat.S_IMODE(sample.stat().st_mode) == 0o600
    assert stat.S_IMODE(bak(sample).stat().st_mode) == 0o600
    assert sorted(p.name for p in sample.parent.iterdir()) == ["config.toml", "config.toml.bak"]


def test_edit_keeps_the_byte_order_mark(tmp_path: Path) -> None:
    path = write(tmp_path, b'\xef\xbb\xbf[[feeds]]\nurl = "https://a.example/"\n')
    rename_feed(path, "https://a.example/", "A")
    assert path.read_bytes() == b'\xef\xbb\xbf[[feeds]]\nurl = "https://a.example/"\ntitle = "A"\n'


def test_layout_tomlkit_would_reorder_is_refused(tmp_path: Path) -> None:
    text = ('[[feeds]]\nurl = "https://a.example/"\n\n[settings]\nconcurrency = 2\n\n'
            '[[feeds]]\nurl = "https://b.example/"\n')
    path = write(tmp_path, text)
    with pytest.raises(SubscriptionError, match="edit it by hand"):
        add_feed(path, "https://c.example/", "News")
    assert path.read_text() == text


def test_edits_on_inline_feed_arrays(tmp_path: Path) -> None:
    text = ('feeds = [\n  {url = "https://a.example/"},  # a\n'
            '  {url = "https://b.example/", topic = "News"},\n]\n')
    path = write(tmp_path, text)
    assert move_feed(path, "https://a.example/", "Art").feeds[0].topic == "Art"
    assert len(add_feed(path, "https://c.example/", "News").feeds) == 3
    assert [f.url for f in remove_feed(path, "https://b.example/").feeds] == [
        "https://a.example/", "https://c.example/"]
    assert "# a" in path.read_text()


def test_example_config_survives_every_edit(tmp_path: Path) -> None:
    original = (REPO / "example-config.toml").read_text("utf-8")
    path = write(tmp_path, original)
    first = load_config(path).feeds[0].url
    remove_feed(path, first)
    text = path.read_text()
    assert text.startswith(original.split("[[feeds]]")[0])  # header and settings untouched
    add_feed(path, first, "Technology", "Back again")
    assert len(load_config(path).feeds) == len(load_config(REPO / "example-config.toml").feeds)


def test_move_and_rename_keep_a_last_line_without_line_break(tmp_path: Path) -> None:
    path = write(tmp_path, '[[feeds]]\nurl = "https://a.example/"  # a')
    move_feed(path, "https://a.example/", "News")
    assert path.read_text() == '[[feeds]]\nurl = "https://a.example/"  # a\ntopic = "News"'
    rename_feed(path, "https://a.example/", "A")
    assert path.read_text() == ('[[feeds]]\nurl = "https://a.example/"  # a\ntopic = "News"\n'
                                'title = "A"')


def test_move_adds_the_topic_in_the_files_newline_style(tmp_path: Path) -> None:
    text = '[[feeds]]\r\n  url = "https://a.example/"\r\n# next\r\n'
    path = write(tmp_path, text)
    move_feed(path, "https://a.example/", "News")
    assert path.read_bytes() == text.replace('/"\r\n', '/"\r\n  topic = "News"\r\n').encode()


def test_add_after_a_last_line_without_line_break(tmp_path: Path) -> None:
    path = write(tmp_path, "[settings]\r\nconcurrency = 4")
    add_feed(path, "https://a.example/", "News")
    assert path.read_bytes() == (b'[settings]\r\nconcurrency = 4\r\n\r\n[[feeds]]\r\n'
                                 b'url = "https://a.example/"\r\ntopic = "News"\r\n')


def test_remove_the_first_feed_before_a_settings_table(tmp_path: Path) -> None:
    b_and_settings = ('# about b\n[[feeds]]\nurl = "https://b.example/"\n\n'
                      '[settings]\nconcurrency = 2\n')
    path = write(tmp_path, '# top\n\n# about a\n[[feeds]]\nurl = "https://a.example/"\n\n'
                 + b_and_settings)
    remove_feed(path, "https://a.example/")
    assert path.read_text() == "# top\n\n" + b_and_settings


def test_cli_move_adds_a_missing_topic(cli: Cli) -> None:
    """`toaster move URL TOPIC` on a feed that has no topic line yet (a fresh install's case)."""
    text = '# my feeds\n[[feeds]]\nurl = "https://a.example/feed"  # mine\n\n# the end\n'
    cli.config.write_text(text, encoding="utf-8")
    result = cli("move", "https://a.example/feed", "Science")
    assert (result.code, result.err) == (0, "")
    assert result.out.strip() == "moved https://a.example/feed to Science"
    assert cli.config.read_text(encoding="utf-8") == text.replace(
        "# mine\n", '# mine\ntopic = "Science"\n')
    assert load_config(cli.config).feeds == (FeedSpec("https://a.example/feed", "Science"),)
