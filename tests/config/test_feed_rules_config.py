"""Per-feed rules in config.toml: defaults from [settings], the examples, export, the editor."""

from __future__ import annotations

import re
from pathlib import Path

from toaster_tui.config import edit as config_edit
from toaster_tui.config import paths
from toaster_tui.config.load import dump_config, parse_config
from toaster_tui.core.models import FeedRules


def test_feed_keys_override_settings_defaults(tmp_path: Path) -> None:
    config = parse_config("""[settings]
refresh_minutes = 45
keep_days = 30
notify = true

[[feeds]]
url = "https://a.example/feed"

[[feeds]]
url = "https://b.example/feed"
refresh_minutes = 0
keep_days = 0
notify = false
hidden_from_all = true
""", tmp_path / "c.toml")
    a, b = config.feeds
    assert config.rules(a) == FeedRules(refresh_minutes=45, keep_days=30, notify=True,
                                        hidden_from_all=False)
    assert config.rules(b) == FeedRules(refresh_minutes=0, keep_days=0, notify=False,
                                        hidden_from_all=True)
    # An export writes only what each feed sets itself, and reads back the same.
    assert parse_config(dump_config(config), config.path) == config


def test_the_commented_examples_are_valid_once_uncommented(tmp_path: Path) -> None:
    text = paths.example_config_text()
    uncommented = re.sub(r"^# (keep_days|notify|hidden_from_all|desktop_notify) ", r"\1 ",
                         text, flags=re.M)
    example = re.search(r"^# e\.g\.\n((?:#   .*\n)+)", text, flags=re.M)
    assert example is not None
    feed = "\n".join(line[4:] for line in example.group(1).splitlines())
    config = parse_config(uncommented + "\n" + feed + "\n", tmp_path / "c.toml")
    assert config.settings.keep_days == 60 and config.settings.notify
    news = config.feeds[-1]
    assert (news.refresh_minutes, news.keep_days, news.notify) == (60, 7, True)


def test_rename_and_remove_leave_other_feeds_rules_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    original = """[[feeds]]
url = "https://a.example/feed"
keep_days = 3   # short-lived
notify = true

[[feeds]]
url = "https://b.example/feed"
hidden_from_all = true
"""
    path.write_text(original, encoding="utf-8")
    config = config_edit.rename_feed(path, "https://a.example/feed", "Alpha")
    assert config.feeds[0].keep_days == 3 and config.feeds[0].notify is True
    assert path.read_text(encoding="utf-8") == original.replace(
        'a.example/feed"\n', 'a.example/feed"\ntitle = "Alpha"\n')
    config = config_edit.remove_feed(path, "https://a.example/feed")
    assert [f.hidden_from_all for f in config.feeds] == [True]
    assert "hidden_from_all = true" in path.read_text(encoding="utf-8")
