"""One real refresh of the whole hostile corpus, shared by the hostile tests.

The refresh runs `toaster refresh` in a subprocess (through run_refresh.py,
which only notes when each feed ends) while a sampler sums the RSS of the
process and all its descendants (the parse workers included). Then the CLI
reads everything back, in-process: feeds, articles and every article shown,
in text and JSON, so the tests can look for anything a terminal would obey.

Bounds (env overrides): TOASTER_HOSTILE_TIMEOUT (per-request budget given to
the app, default 4 s), TOASTER_HOSTILE_WALL (the whole run, default 150 s).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hostile.cases import CASES, CONTROL_JSON, CONTROL_RSS, Case, Ctx, static
from hostile.server import HostileServer
from toaster_tui.cli import main as cli_main

TIMEOUT = float(os.environ.get("TOASTER_HOSTILE_TIMEOUT", "4"))
WALL = float(os.environ.get("TOASTER_HOSTILE_WALL", "150"))
CONCURRENCY = int(os.environ.get("TOASTER_HOSTILE_CONCURRENCY", "256"))
"""All feeds at once by default, so each feed's end time is its own duration."""
MEMORY_LIMIT = 500 * 1024 * 1024
HERE = Path(__file__).parent

# What must never reach a terminal: C0 but tab and newline, DEL, C1, bidi
# embeddings/overrides/isolates/marks, lone surrogates.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                    "\u2066-\u2069\ud800-\udfff]")


def unsafe_in(text: str) -> list[str]:
    """The unsafe characters in `text`, as escapes (for assertion messages)."""
    return sorted({f"U+{ord(ch):04X}" for ch in UNSAFE.findall(text)})


def assert_clean(text: str, where: str) -> None:
    found = unsafe_in(text)
    assert not found, f"{where}: unsafe characters {found} in {text[:300]!r}"


def assert_clean_json(value: Any, where: str) -> None:
    """Every string inside a JSON document (keys too) is terminal-safe."""
    if isinstance(value, str):
        assert_clean(value, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_clean(key, where)
            assert_clean_json(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_clean_json(item, f"{where}[{index}]")


def _family(root: int) -> dict[int, str]:
    """`root` and every descendant: pid -> command name (from /proc)."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="latin-1") as fh:
                stat = fh.read()
        except OSError:
            continue
        close = stat.rfind(")")
        parents[int(entry)] = int(stat[close + 2:].split()[1])
        names[int(entry)] = stat[stat.find("(") + 1:close]
    family = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    return {pid: names.get(pid, "?") for pid in family}


def _pss(pid: int) -> int:
    """Proportional set size in bytes: shared pages split between their users,
    so the sum over processes is the memory the run really holds."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="latin-1") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_memory(root: int) -> dict[int, int]:
    """pid -> PSS in bytes, for `root` and every descendant."""
    return {pid: _pss(pid) for pid in _family(root)}


class Sampler(threading.Thread):
    """Samples tree_memory(pid) every 50 ms; `peak` is the largest total seen
    and `at_peak` how it was split between the processes."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.at_peak: dict[int, int] = {}
        self.samples = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            with contextlib.suppress(Exception):
                split = tree_memory(self.pid)
                total = sum(split.values())
                if total > self.peak:
                    self.peak, self.at_peak = total, split
                self.samples += 1
            self.done.wait(0.05)


def run_cli(*args: str) -> tuple[int, str, str]:
    """`toaster ARGS` in-process; (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(list(args))
    return code, out.getvalue(), err.getvalue()


@dataclass
class HostileRun:
    tmp: Path
    config: Path
    db: Path
    secret: str
    server: HostileServer
    urls: dict[str, str]
    """case name -> feed url (controls: "control-rss", "control-json")."""
    code: int
    stdout: str
    stderr: str
    wall: float
    peak_rss: int
    """Peak total PSS of the refresh process and all its descendants."""
    peak_split: dict[int, int]
    max_rss_single: int
    finish: dict[str, float]
    """feed url -> seconds from the start of the refresh process to that feed's end."""
    feeds: dict[str, dict[str, Any]] = field(default_factory=dict)
    """feed url -> `feeds --json` object."""
    articles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """feed url -> articles table rows (dicts)."""
    outputs: dict[str, str] = field(default_factory=dict)
    """A label -> everything the CLI printed for it."""

    def url(self, case: Case | str) -> str:
        return self.urls[case if isinstance(case, str) else case.name]

    def with_args(self, *args: str) -> list[str]:
        return [*args, "--config", str(self.config), "--db", str(self.db)]


def _config_text(urls: dict[str, str], families: dict[str, str]) -> str:
    lines = ["# the hostile corpus", "[settings]", "refresh_minutes = 0",
             f"concurrency = {CONCURRENCY}", f"per_host = {min(64, CONCURRENCY)}",
             f"timeout = {TIMEOUT}", ""]
    for name, url in urls.items():
        lines += ["[[feeds]]", f'url = "{url}"', f'topic = "{families[name]}"', ""]
    return "\n".join(lines)


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRun]:
    tmp = tmp_path_factory.mktemp("hostile")
    secret = "TOASTER-SECRET-" + secrets.token_hex(8)
    secret_path = tmp / "secret.txt"
    secret_path.write_text(secret + "\n", encoding="utf-8")
    with HostileServer(max_seconds=40.0) as server:
        ctx = Ctx(secret_path, secret, server)
        urls: dict[str, str] = {}
        families: dict[str, str] = {}
        for name, body in (("control-rss", CONTROL_RSS), ("control-json", CONTROL_JSON)):
            kind = "application/feed+json" if name.endswith("json") else "application/rss+xml"
            urls[name] = server.route(f"/{name}", static(body, kind)(ctx))
            families[name] = "Control"
        for case in CASES:
            urls[case.name] = server.route(f"/{case.name}", case.make(ctx))
            families[case.name] = case.family
        config = tmp / "config.toml"
        db = tmp / "toaster.db"
        config.write_text(_config_text(urls, families), encoding="utf-8")
        times = tmp / "times.json"
        env = {**os.environ, "XDG_CONFIG_HOME": str(tmp / "xdg-config"),
               "XDG_DATA_HOME": str(tmp / "xdg-data"), "PYTHONUNBUFFERED": "1"}
        env.pop("TOASTER_CONFIG", None)
        env.pop("TOASTER_DB", None)
        began = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "run_refresh.py"), str(times), "refresh",
             "--config", str(config), "--db", str(db)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp,
            start_new_session=True)  # its own process group: the parse workers too
        sampler = Sampler(proc.pid)
        sampler.start()
        try:
            stdout, stderr = proc.communicate(timeout=WALL)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # workers hold the pipes: kill them all
            stdout, stderr = proc.communicate()
            ended = Path(str(times) + ".log")
            done = {line.split(" ", 1)[1] for line in
                    (ended.read_text(encoding="utf-8").splitlines() if ended.exists() else [])}
            names = [name for name, url in urls.items() if url not in done]
            pytest.fail(f"the hostile refresh did not finish within {WALL:g} s; feeds still "
                        f"running: {names}\n{stderr.decode('utf-8', 'replace')[-3000:]}")
        finally:
            sampler.done.set()
            sampler.join()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # nothing of the run outlives it
        wall = time.monotonic() - began
        import resource
        single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        recorded = json.loads(times.read_text(encoding="utf-8")) if times.exists() else {}
        run = HostileRun(
            tmp=tmp, config=config, db=db, secret=secret, server=server, urls=urls,
            code=proc.returncode, stdout=stdout.decode("utf-8", "replace"),
            stderr=stderr.decode("utf-8", "replace"), wall=wall, peak_rss=sampler.peak,
            peak_split=sampler.at_peak,
            max_rss_single=single, finish=recorded.get("times", {}),
        )
        run.outputs["refresh stdout"] = run.stdout
        run.outputs["refresh stderr"] = run.stderr
        _read_back(run)
        _report(run)
        yield run


def _read_back(run: HostileRun) -> None:
    code, out, err = run_cli(*run.with_args("feeds", "--json"))
    assert code == 0, err
    run.outputs["feeds --json"] = out + err
    run.feeds = {f["url"]: f for f in json.loads(out)}
    for label, args in (("feeds", ("feeds",)),
                        ("articles", ("articles", "--limit", "100000")),
                        ("articles --json", ("articles", "--json", "--limit", "100000"))):
        code, out, err = run_cli(*run.with_args(*args))
        assert code == 0, err
        run.outputs[label] = out + err
    db = sqlite3.connect(run.db)
    db.row_factory = sqlite3.Row
    by_id = {row["id"]: row["url"] for row in db.execute("SELECT id, url FROM feeds")}
    for row in db.execute("SELECT * FROM articles ORDER BY id"):
        run.articles.setdefault(by_id[row["feed_id"]], []).append(dict(row))
    db.close()
    # Every article of the content and xml families, and a few of the others,
    # as the reader pane shows it, in text and in JSON.
    families = {c.name: c.family for c in CASES}
    shown: list[int] = []
    for name, url in run.urls.items():
        rows = run.articles.get(url, [])
        keep = rows if families.get(name) in ("content", "xml") else rows[:3]
        shown += [r["id"] for r in keep[:60]]
    for article_id in shown:
        for extra in ((), ("--json",)):
            code, out, err = run_cli(*run.with_args("show", str(article_id), *extra))
            assert code == 0, (article_id, err)
            run.outputs[f"show {article_id} {' '.join(extra)}".strip()] = out + err


def _report(run: HostileRun) -> None:
    slowest = sorted(run.finish.items(), key=lambda kv: -kv[1])[:5]
    names = {url: name for name, url in run.urls.items()}
    lines = [
        f"hostile refresh: {len(CASES)} cases, exit {run.code}, wall {run.wall:.1f} s, "
        f"peak memory of the process tree {run.peak_rss / 2**20:.0f} MB (PSS; per process "
        f"{sorted(round(v / 2**20) for v in run.peak_split.values())} MB), largest single "
        f"process RSS {run.max_rss_single / 2**20:.0f} MB",
        "slowest feeds: " + ", ".join(f"{names.get(u, u)} {t:.1f} s" for u, t in slowest),
    ]
    (run.tmp / "report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n" + "\n".join(lines))
