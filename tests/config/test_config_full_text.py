"""`full_text` in config.toml: per feed and in [settings], validated, kept by edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from toaster_tui.config.edit import add_feed, move_feed, rename_feed
from toaster_tui.config.load import dump_config, load_config, parse_config
from toaster_tui.core.errors import ConfigError

TEXT = """# feeds
[settings]
full_text = true   # every feed, unless it says otherwise

[[feeds]]
url = "https://a.example/feed"
topic = "News"
full_text = false  # this one has whole articles already

[[feeds]]
url = "https://b.example/feed"
"""


def test_default_and_per_feed(tmp_path: Path) -> None:
    config = parse_config(TEXT, tmp_path / "c.toml")
    assert config.settings.full_text is True
    a, b = config.feeds
    assert a.full_text is False and b.full_text is None
    assert config.full_text(a) is False and config.full_text(b) is True
    plain = parse_config('[[feeds]]\nurl = "https://c.example/"\n', tmp_path / "c.toml")
    assert plain.settings.full_text is False
    assert plain.full_text(plain.feeds[0]) is False


@pytest.mark.parametrize(("text", "where", "message"), [
    ('[settings]\nfull_text = "yes"\n', "2:13",
     'full_text must be true or false, not "yes"'),
    ('[[feeds]]\nurl = "https://a.example/"\nfull_text = 1\n', "3:13",
     "full_text must be true or false, not 1"),
    ('[[feeds]]\nurl = "https://a.example/"\nfulltext = true\n', "3:1",
     'unknown key "fulltext" in [[feeds]] (did you mean "full_text"?)'),
])
def test_bad_values_are_placed(tmp_path: Path, text: str, where: str, message: str) -> None:
    path = tmp_path / "c.toml"
    with pytest.raises(ConfigError) as caught:
        parse_config(text, path)
    assert str(caught.value) == f"{path}:{where}: {message}"


def test_edits_keep_the_key_and_its_comment(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(TEXT, encoding="utf-8")
    move_feed(path, "https://a.example/feed", "World")
    rename_feed(path, "https://a.example/feed", "A")
    add_feed(path, "https://c.example/feed", "News")
    text = path.read_text(encoding="utf-8")
    assert "full_text = false  # this one has whole articles already" in text
    assert "full_text = true   # every feed, unless it says otherwise" in text
    config = load_config(path)
    assert [f.full_text for f in config.feeds] == [False, None, None]


def test_export_keeps_it(tmp_path: Path) -> None:
    config = parse_config(TEXT, tmp_path / "c.toml")
    again = parse_config(dump_config(config), tmp_path / "d.toml")
    assert again.settings.full_text is True
    assert [f.full_text for f in again.feeds] == [False, None]
