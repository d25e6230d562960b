"""`toaster refresh --notify-command`: one summary for the notify feeds, no shell, a time limit."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

from clirunner import Cli
from feedsamples import make_items, rss2
from feedserver import FeedServer
from toaster_tui.refresh.notify import run_command, summary

# A notify program that records the arguments it was given, one per line.
RECORDER = """import sys
with open(sys.argv[1], "a", encoding="utf-8") as out:
    out.write(repr(sys.argv[2:]) + "\\n")
"""


def recorder(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "notify program.py"  # a space: the command is split, not a shell's
    script.write_text(RECORDER, encoding="utf-8")
    log = tmp_path / "calls.txt"
    return shlex.join([sys.executable, str(script), str(log)]), log


def test_notify_command_gets_one_summary_of_notify_feeds(cli: Cli, server: FeedServer,
                                                         tmp_path: Path) -> None:
    loud = server.route("/loud.xml", body=rss2(make_items("loud", 3),
                                               title="Loud\x1b]0;pwned\x07 Blog"))
    server.route("/also.xml", body=rss2(make_items("also", 2), title="Also Loud"))
    server.route("/quiet.xml", body=rss2(make_items("quiet", 5), title="Quiet"))
    cli.config.write_text(f"""[settings]
refresh_minutes = 0

[[feeds]]
url = "{server.url('/loud.xml')}"
notify = true

[[feeds]]
url = "{server.url('/also.xml')}"
notify = true

[[feeds]]
url = "{server.url('/quiet.xml')}"
""", encoding="utf-8")
    command, log = recorder(tmp_path)
    result = cli("refresh", "--notify-command", command)
    assert result.code == 0, result.err
    calls = log.read_text(encoding="utf-8").splitlines()
    # One call, the summary as one argument, the escape sequence gone from the title.
    assert calls == [repr(["5 new from Loud Blog, Also Loud"])], calls
    assert "\x1b" not in calls[0] and "\\x1b" not in calls[0] and "\\x07" not in calls[0]

    # Nothing new: no call.
    assert cli("refresh", "--notify-command", command).code == 0
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1

    # New articles from the quiet feed only: no call either.
    server.route("/quiet.xml", body=rss2(make_items("quieter", 2), title="Quiet"))
    assert cli("refresh", "--notify-command", command).code == 0
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1
    loud.body = rss2(make_items("louder", 1), title="Loud Blog")
    assert cli("refresh", "--notify-command", command).code == 0
    assert log.read_text(encoding="utf-8").splitlines()[-1] == repr(["1 new from Loud Blog"])


def test_notify_default_in_settings_and_a_failing_command(cli: Cli, server: FeedServer,
                                                          tmp_path: Path) -> None:
    server.route("/a.xml", body=rss2(make_items("a", 2), title="Feed A"))
    cli.config.write_text(f"""[settings]
refresh_minutes = 0
notify = true

[[feeds]]
url = "{server.url('/a.xml')}"
""", encoding="utf-8")
    missing = tmp_path / "no-such-program"
    result = cli("refresh", "--notify-command", str(missing))
    assert result.code == 1
    assert result.out.startswith("1 feeds: 2 new articles")  # the refresh itself worked
    assert result.err.strip() == (f"toaster: cannot run the notify command {str(missing)!r}: "
                                  "No such file or directory")
    assert len(result.err.strip().splitlines()) == 1


def test_run_command_stops_a_slow_program_and_never_uses_a_shell(tmp_path: Path) -> None:
    started = time.monotonic()
    problem = run_command(shlex.join([sys.executable, "-c", "import time; time.sleep(30)"]),
                          "3 new from A", timeout=0.5)
    assert time.monotonic() - started < 10
    assert problem == f"the notify command {sys.executable!r} took more than 0.5 s and was stopped"
    # Shell syntax in the summary is only text.
    marker = tmp_path / "touched"
    command, log = recorder(tmp_path)
    assert run_command(command, f"1 new from $(touch {marker}); `touch {marker}`") is None
    assert not marker.exists()
    assert "$(touch" in log.read_text(encoding="utf-8")
    assert run_command("'unclosed", "x") == \
        "cannot read the notify command: No closing quotation"


def test_summary_names_three_feeds_most_new_first() -> None:
    assert summary({}) is None
    assert summary({"A": 1}) == "1 new from A"
    assert summary({"A": 1, "B": 5, "C": 2, "D": 1, "E": 1}) == \
        "10 new from B, C, A and 2 more"
    long = "x" * 80
    assert summary({long: 2}) == f"2 new from {'x' * 39}…"
