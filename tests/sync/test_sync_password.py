"""The sync password: from the environment, else the first line a command prints."""

from __future__ import annotations

import sys

import pytest

from toaster_tui.core.errors import SyncError
from toaster_tui.core.models import SyncSpec
from toaster_tui.sync import credentials
from toaster_tui.sync.credentials import PASSWORD_ENV, sync_password


def spec(*command: str) -> SyncSpec:
    return SyncSpec(url="https://a.example", username="ada", password_command=command)


def py(code: str) -> tuple[str, ...]:
    return (sys.executable, "-c", code)


def test_the_environment_variable_wins() -> None:
    assert sync_password(spec(*py("print('from-command')")), {PASSWORD_ENV: "from-env"}) \
        == "from-env"


def test_the_first_line_of_the_command_without_a_shell() -> None:
    command = (*py("import sys; print(sys.argv[1]); print('second line')"), "$HOME; rm -rf x")
    assert sync_password(spec(*command), {}) == "$HOME; rm -rf x"


@pytest.mark.parametrize(("command", "words"), [
    ((), f"no sync password: set password_command in [sync] or the {PASSWORD_ENV}"),
    (("/nonexistent/pass-tool",), "'/nonexistent/pass-tool' not found"),
    (py("import sys; sys.stderr.write('gpg: decryption failed\\n'); sys.exit(2)"),
     "failed (exit 2): gpg: decryption failed"),
    (py("pass"), "printed no password"),
])
def test_password_problems_are_one_line(command: tuple[str, ...], words: str) -> None:
    with pytest.raises(SyncError) as caught:
        sync_password(spec(*command), {})
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_command_that_hangs_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(credentials, "COMMAND_TIMEOUT", 0.5)
    with pytest.raises(SyncError, match="gave no password within"):
        sync_password(spec(*py("import time; time.sleep(30)")), {})
