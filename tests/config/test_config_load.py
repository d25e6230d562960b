"""config.toml: loading, validation with positions, first run, export, atomic writes."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from toaster_tui.config import paths
from toaster_tui.config.atomic import write_atomic
from toaster_tui.config.load import dump_config, ensure_config, load_config, parse_config
from toaster_tui.core.errors import ConfigError
from toaster_tui.core.models import DEFAULT_TOPICS, Config, FeedSpec, Settings

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, content: str | bytes, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def config_error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value


# --- loading ------------------------------------------------------------------

def test_valid_file_with_every_key(tmp_path: Path) -> None:
    path = write(tmp_path, """
[settings]
refresh_minutes = 0
concurrency = 8
per_host = 2
timeout = 12.5
max_bytes = 2048
topics = ["Science", " Programming ", "Science"]

[[feeds]]
url = " https://jvns.ca/atom.xml "
topic = "Programming"
title = "Julia Evans"

[[feeds]]
url = "https://www.quantamagazine.org/feed/"
topic = "Science"
title = ""
""")
    config = load_config(path)
    assert config.path == path
    assert config.settings == Settings(refresh_minutes=0, concurrency=8, per_host=2,
                                       timeout=12.5, max_bytes=2048,
                                       topics=("Science", "Programming"))
    assert config.feeds == (
        FeedSpec("https://jvns.ca/atom.xml", "Programming", "Julia Evans"),
        FeedSpec("https://www.quantamagazine.org/feed/", "Science", None),
    )


def test_defaults_when_keys_are_missing(tmp_path: Path) -> None:
    path = write(tmp_path, '[[feeds]]\nurl = "http://example.org/feed"\n')
    config = load_config(path)
    assert config.settings == Settings()
    assert config.feeds == (FeedSpec("http://example.org/feed", "Personal", None),)


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "[settings]\n", "feeds = []\n"])
def test_empty_configs_are_valid(tmp_path: Path, text: str) -> None:
    config = load_config(write(tmp_path, text))
    assert config.feeds == ()
    assert config.settings == Settings()


def test_timeout_accepts_an_integer(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "[settings]\ntimeout = 600\n")).settings.timeout == 600.0


def test_inline_array_of_feeds_is_valid(tmp_path: Path) -> None:
    path = write(tmp_path, 'feeds = [{url = "https://a.example/"}, {url = "https://b.example/"}]\n')
    assert [f.url for f in load_config(path).feeds] == ["https://a.example/", "https://b.example/"]


# --- invalid files: the message and the exact position --------------------------

INVALID = [
    pytest.param('[settings]\nconcurrency = "x"\n', 2, 15,
                 'concurrency must be an integer from 1 to 256, not "x"', id="wrong-type"),
    pytest.param("[settings]\nconcurrency = 0\n", 2, 15,
                 "concurrency must be an integer from 1 to 256, not 0", id="concurrency-low"),
    pytest.param("[settings]\nconcurrency = 257\n", 2, 15,
                 "concurrency must be an integer from 1 to 256, not 257", id="concurrency-high"),
    pytest.param("[settings]\nper_host = 65\n", 2, 12,
                 "per_host must be an integer from 1 to 64, not 65", id="per-host"),
    pytest.param("[settings]\nrefresh_minutes = -1\n", 2, 19,
                 "refresh_minutes must be an integer >= 0 (0 = manual refresh only), not -1",
                 id="refresh-negative"),
    pytest.param("[settings]\nrefresh_minutes = true\n", 2, 19,
                 "refresh_minutes must be an integer >= 0 (0 = manual refresh only), not true",
                 id="bool-is-not-int"),
    pytest.param("[settings]\n\ntimeout   = 0\n", 3, 13,
                 "timeout must be a number of seconds above 0 and at most 600, not 0",
                 id="timeout-zero"),
    pytest.param("[settings]\ntimeout = 600.5\n", 2, 11,
                 "timeout must be a number of seconds above 0 and at most 600, not 600.5",
                 id="timeout-high"),
    pytest.param("[settings]\ntimeout = nan\n", 2, 11,
                 "timeout must be a number of seconds above 0 and at most 600, not nan",
                 id="timeout-nan"),
    pytest.param("[settings]\nmax_bytes = 1023\n", 2, 13,
                 "max_bytes must be an integer >= 1024, not 1023", id="max-bytes"),
    pytest.param('[settings]\ntopics = "Science"\n', 2, 10,
                 'topics must be a list of topic names, not "Science"', id="topics-not-list"),
    pytest.param('[settings]\ntopics = ["A", 3]\n', 2, 16,
                 "topics must hold strings only, not 3", id="topics-not-strings"),
    pytest.param('[settings]\ntopics = [\n  "A",\n  "  ",\n]\n', 4, 3,
                 "topics must not hold an empty topic name", id="empty-topic-name"),
    pytest.param("[settings]\n  concurency = 3\n", 2, 3,
                 'unknown key "concurency" in [settings] (did you mean "concurrency"?)',
                 id="unknown-settings-key"),
    pytest.param("[settings]\ncolours = 3\n", 2, 1,
                 'unknown key "colours" in [settings] (known keys: refresh_minutes, '
                 "concurrency, per_host, timeout, max_bytes, topics, keep_days, notify, "
                 "hidden_from_all, desktop_notify, full_text)", id="unknown-no-hint"),
    pytest.param("# top\ncolour = 1\n", 2, 1,
                 'unknown key "colour" at the top level '
                 '(known keys: settings, feeds, filters, views, sync)',
                 id="unknown-top-key"),
    pytest.param('[[feed]]\nurl = "https://a.example/"\n', 1, 1,
                 'unknown key "feed" at the top level (did you mean "feeds"?)',
                 id="unknown-top-table"),
    pytest.param("settings = 3\n", 1, 1, "settings must be a table, not 3", id="settings-value"),
    pytest.param("settings.concurrency = 0\n", 1, 24,
                 "concurrency must be an integer from 1 to 256, not 0", id="dotted-key"),
    pytest.param('feeds = "https://a.example/"\n', 1, 1,
                 'feeds must be an array of tables ([[feeds]]), not "https://a.example/"',
                 id="feeds-string"),
    pytest.param('[feeds]\nurl = "https://a.example/"\n', 1, 1,
                 "feeds must be an array of tables ([[feeds]]), not a table", id="feeds-table"),
    pytest.param('feeds = [{url = "https://a.example/"}, 7]\n', 1, 40,
                 "each feed must be a table, not 7", id="feed-not-table"),
    pytest.param('[[feeds]]\nurl = "https://a.example/"\n\n[[feeds]]\ntopic = "News"\n', 4, 1,
                 "feed has no url", id="missing-url"),
    pytest.param('[[feeds]]\nurl = "ftp://a.example/feed"\n', 2, 7,
                 'url must start with http:// or https://, not "ftp://a.example/feed"',
                 id="url-scheme"),
    pytest.param('[[feeds]]\nurl = "https://"\n', 2, 7,
                 'url has no host name: "https://"', id="url-no-host"),
    pytest.param('[[feeds]]\nurl = "https://a.example/a feed"\n', 2, 7,
                 'url must not contain spaces or control characters: "https://a.example/a feed"',
                 id="url-space"),
    pytest.param("[[feeds]]\nurl = 42\n", 2, 7, "url must be a string, not 42", id="url-type"),
    pytest.param('[[feeds]]\nurl = "https://a.example/"\ntopic = ""\n', 3, 9,
                 'topic must be a non-empty string, not ""', id="empty-topic"),
    pytest.param('[[feeds]]\nurl = "https://a.example/"\ntopic = ["A"]\n', 3, 9,
                 "topic must be a non-empty string, not an array", id="topic-type"),
    pytest.param('[[feeds]]\nurl = "https://a.example/"\ntitle = 1979-05-27\n', 3, 9,
                 "title must be a string, not a date/time", id="title-type"),
    pytest.param('[[feeds]]\nurl = "https://a.example/"\n    tittle = "A"\n', 3, 5,
                 'unknown key "tittle" in [[feeds]] (did you mean "title"?)',
                 id="unknown-feed-key"),
    pytest.param('[[feeds]]\nurl = "https://a.example/"\n\n[[feeds]]\n'
                 'url = "https://b.example/"\n\n[[feeds]]\n'
                 'title = "again"\nurl   =   " https://a.example/"\n', 9, 11,
                 'duplicate feed url "https://a.example/" (first listed on line 2)',
                 id="duplicate-url"),
    pytest.param('feeds = [\n  {url = "https://a.example/"},\n  {url = "https://a.example/"},\n]\n',
                 3, 10, 'duplicate feed url "https://a.example/" (first listed on line 2)',
                 id="duplicate-inline"),
    pytest.param('[[feeds]]\nurl = """\nhttps://a.example/"""\nextra = 1\n', 4, 1,
                 'unknown key "extra" in [[feeds]] (known keys: url, topic, title, '
                 'refresh_minutes, keep_days, notify, hidden_from_all, full_text)',
                 id="after-multiline-string"),
    pytest.param('[[feeds]]\nurl = "https://a.example/"\n[feeds.more]\nx = 1\n', 3, 1,
                 'unknown key "more" in [[feeds]] (known keys: url, topic, title, '
                 'refresh_minutes, keep_days, notify, hidden_from_all, full_text)',
                 id="sub-table"),
    pytest.param('[[feeds]]\nurl = "https://a.example/\u202e"\n', 2, 7,
                 'url must not contain spaces or control characters: "https://a.example/\\u202e"',
                 id="bidi-escaped"),
]


@pytest.mark.parametrize(("text", "line", "col", "message"), INVALID)
def test_invalid_file_reports_position(tmp_path: Path, text: str, line: int, col: int,
                                       message: str) -> None:
    path = write(tmp_path, text)
    err = config_error(path)
    assert (err.line, err.col, err.message) == (line, col, message)
    assert str(err) == f"{path}:{line}:{col}: {message}"


@pytest.mark.parametrize(("text", "line", "col"), [
    ('[settings]\nconcurrency = \n', 2, 15),
    ('[settings]\nx = 1\nx = 2\n', 3, 6),
    ('[[feeds]]\nurl = "https://a.example/\n', 2, 26),
    ("[settings\n", 1, 10),
])
def test_toml_syntax_error_position(tmp_path: Path, text: str, line: int, col: int) -> None:
    path = write(tmp_path, text)
    err = config_error(path)
    assert (err.line, err.col) == (line, col)
    assert "(at line" not in err.message and err.message
    assert str(err) == f"{path}:{line}:{col}: {err.message}"


def test_not_utf8_reports_first_bad_byte(tmp_path: Path) -> None:
    path = write(tmp_path, b'[settings]\nconcurrency = 4\n[[feeds]]\ntitle = "caf\xe9 \xff"\n')
    err = config_error(path)
    assert str(err) == f"{path}:4:13: the file is not UTF-8 text (byte 0xe9)"


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, b'\xef\xbb\xbf[[feeds]]\nurl = "https://a.example/"\n')
    assert load_config(path).feeds[0].url == "https://a.example/"
    err = config_error(write(tmp_path, b"\xef\xbb\xbfcolour = 1\n"))
    assert (err.line, err.col) == (1, 2)


def test_unreadable_path_is_a_config_error(tmp_path: Path) -> None:
    err = config_error(tmp_path)  # a directory
    assert err.line == 1 and err.col == 1 and "cannot read" in err.message


def test_parse_config_accepts_text(tmp_path: Path) -> None:
    config = parse_config('[[feeds]]\nurl = "https://a.example/"\n', tmp_path / "x.toml")
    assert config.path == tmp_path / "x.toml" and len(config.feeds) == 1


# --- the bundled example and the first run --------------------------------------

def test_example_config_is_valid_and_covers_every_topic() -> None:
    config = load_config(REPO / "example-config.toml")
    assert config.settings.refresh_minutes == 30
    assert config.settings.concurrency == 64
    assert config.settings.per_host == 4
    for topic in DEFAULT_TOPICS:
        assert sum(f.topic == topic for f in config.feeds) >= 2, topic
    assert {f.topic for f in config.feeds} <= set(DEFAULT_TOPICS)
    assert all(f.title and f.url.startswith("https://") for f in config.feeds)


def test_example_config_is_what_paths_ships() -> None:
    assert paths.example_config_text() == (REPO / "example-config.toml").read_text("utf-8")


def test_ensure_config_copies_the_example_on_first_run(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "config.toml"
    config, created = ensure_config(path)
    assert created
    assert path.read_text("utf-8") == paths.example_config_text()
    assert len(config.feeds) >= 2 * len(DEFAULT_TOPICS)
    assert list(path.parent.iterdir()) == [path]  # no temp file left behind

    path.write_text('[[feeds]]\nurl = "https://a.example/"\n')
    again, created = ensure_config(path)
    assert not created and again.feeds == (FeedSpec("https://a.example/"),)


def test_ensure_config_never_overwrites_an_invalid_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[settings\n")
    with pytest.raises(ConfigError):
        ensure_config(path)
    assert path.read_bytes() == b"[settings\n"


def test_dump_config_round_trips(tmp_path: Path) -> None:
    config = Config(path=tmp_path / "c.toml",
                    settings=Settings(refresh_minutes=5, topics=("Science", "News")),
                    feeds=(FeedSpec("https://a.example/", "News", "A \"quoted\" title"),
                           FeedSpec("https://b.example/")))
    text = dump_config(config)
    assert tomllib.loads(text)["feeds"][1] == {"url": "https://b.example/", "topic": "Personal"}
    assert parse_config(text, config.path) == config
    assert parse_config(dump_config(Config(path=config.path)), config.path) == Config(config.path)


# --- write_atomic ---------------------------------------------------------------

def test_write_atomic_keeps_mode_and_leaves_no_temp(tmp_path: Path) -> None:
    path = write(tmp_path, "old")
    path.chmod(0o600)
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_write_atomic_writes_through_a_symlink(tmp_path: Path) -> None:
    real = write(tmp_path, "old", name="real.toml")
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
