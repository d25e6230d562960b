"""The [sync] table: validated with positions; the password never in the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from toaster_tui.config.load import parse_config
from toaster_tui.core.errors import ConfigError
from toaster_tui.core.models import SyncSpec
from toaster_tui.sync.credentials import PASSWORD_ENV

PATH = Path("/home/ada/.config/toaster-tui/config.toml")


def error(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, PATH)
    return str(caught.value)


def test_a_sync_table_with_a_password_command() -> None:
    config = parse_config('[sync]\nservice = "greader"\nurl = "https://rss.example.org/"\n'
                          'username = "ada"\npassword_command = "pass show \'feeds/rss\'"\n', PATH)
    assert config.sync == SyncSpec(url="https://rss.example.org", username="ada",
                                   service="greader",
                                   password_command=("pass", "show", "feeds/rss"))


def test_the_command_as_an_array_and_the_service_by_default() -> None:
    config = parse_config('[sync]\nurl = "https://example.org/api/greader.php"\n'
                          'username = "ada"\npassword_command = ["secret-tool", "lookup", "a b"]\n',
                          PATH)
    assert config.sync is not None
    assert config.sync.service == "greader"
    assert config.sync.password_command == ("secret-tool", "lookup", "a b")


def test_no_sync_table_means_no_sync() -> None:
    assert parse_config("[settings]\nrefresh_minutes = 0\n", PATH).sync is None


def test_a_plain_password_is_refused_with_what_to_use() -> None:
    message = error('[sync]\nurl = "https://rss.example.org"\nusername = "ada"\n'
                    'password = "hunter2"\n')
    assert message.startswith(f"{PATH}:4:1: [sync] must not hold the password in plain text")
    assert "password_command" in message and PASSWORD_ENV in message
    assert "hunter2" not in message


@pytest.mark.parametrize(("text", "where", "words"), [
    ('[sync]\nurl = "https://a.example"\nusername = "ada"\npasword_command = "x"\n',
     "4:1", 'unknown key "pasword_command" in [sync] (did you mean "password_command"?)'),
    ('[sync]\nurl = "https://a.example"\nusername = "ada"\nservice = "fever"\n',
     "4:11", 'service must be one of "greader", not "fever"'),
    ('[sync]\nusername = "ada"\n', "1:1", "[sync] has no url"),
    ('[sync]\nurl = "https://a.example"\n', "1:1", "[sync] has no username"),
    ('[sync]\nurl = "ftp://a.example"\nusername = "ada"\n',
     "2:7", 'url must start with http:// or https://, not "ftp://a.example"'),
    ('[sync]\nurl = "https://a.example/?x=1"\nusername = "ada"\n',
     "2:7", "url must not have a ?query or #fragment"),
    ('[sync]\nurl = "https://a.example"\nusername = ""\n',
     "3:12", 'username must be a non-empty string, not ""'),
    ('[sync]\nurl = "https://a.example"\nusername = "ada"\npassword_command = []\n',
     "4:20", "password_command must be a command line"),
    ('[sync]\nurl = "https://a.example"\nusername = "ada"\npassword_command = "pass \'open"\n',
     "4:20", "password_command cannot be split into words"),
    ('[sync]\nurl = "https://a.example"\nusername = "ada"\npassword_command = 3\n',
     "4:20", "password_command must be a command line"),
    ('sync = "https://a.example"\n', "1:1", 'sync must be a table ([sync]), not "https'),
])
def test_mistakes_are_placed(text: str, where: str, words: str) -> None:
    message = error(text)
    assert message.startswith(f"{PATH}:{where}: "), message
    assert words in message
