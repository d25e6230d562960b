"""Smoke test in a real terminal: `toaster demo` under tmux, driven with send-keys
and read back with capture-pane, as a user would see it."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from toaster_tui.demo.session import seed_demo
from toaster_tui.store import listing
from toaster_tui.store.database import connect

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (needed for the terminal smoke test)")

WIDTH, HEIGHT = 120, 36


class Tmux:
    """One detached session on a private tmux server (never the user's own)."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, timeout=10, check=False)
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "smoke")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "smoke", *keys)

    def wait_for(self, check: Callable[[str], bool], what: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if check(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    session = Tmux(f"toaster-smoke-{os.getpid()}")
    yield session
    session.run("kill-server")


def demo_command() -> str:
    script = Path(sys.executable).parent / "toaster"
    argv = [str(script), "demo"] if script.exists() else [sys.executable, "-m", "toaster_tui",
                                                          "demo"]
    return shlex.join(argv)


def newest_demo_article() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        _config, db_path = seed_demo(Path(tmp))
        db = connect(db_path)
        title = listing.list_articles(db, limit=1)[0].title
        db.close()
    return title


def test_toaster_demo_in_a_real_terminal(tmux: Tmux, tmp_path: Path) -> None:
    newest = newest_demo_article()
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "TERM": "xterm-256color"}
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    # COLUMNS/LINES inherited from the test runner would override the pane's size.
    command = f"env -u COLUMNS -u LINES {exports} {demo_command()}; echo EXITED=$?; sleep 30"
    tmux.run("new-session", "-d", "-s", "smoke", "-x", str(WIDTH), "-y", str(HEIGHT), command)

    screen = tmux.wait_for(lambda s: "All Topics" in s and "Select an article" in s
                           and "Quit" in s, "the main screen")
    for topic in ("Technology", "Programming", "Design", "Starred"):
        assert topic in screen
    assert "Reader" in screen and "Select an article" in screen
    short = newest[:24]
    assert short in screen, f"{short!r} not on screen:\n{screen}"

    tmux.keys("Enter")
    screen = tmux.wait_for(lambda s: "Select an article" not in s and "min read ·" in s,
                           "the reader")
    reader = "\n".join(line[WIDTH // 2:] for line in screen.splitlines())
    assert newest.split()[0] in reader
    assert "By " in reader or "min read" in reader

    tmux.keys("j", "j", "n")
    tmux.wait_for(lambda s: "min read" in s, "the next unread article")
    tmux.keys("?")
    tmux.wait_for(lambda s: "Keys" in s and "next unread" in s, "the help screen")
    tmux.keys("Escape")
    tmux.wait_for(lambda s: "Keys" not in s or "Moving around" not in s, "help to close")

    tmux.keys("q")
    tmux.wait_for(lambda s: "EXITED=0" in s, "the app to quit with 0")
