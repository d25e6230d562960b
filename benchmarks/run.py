"""toaster vs newsboat, side by side on a loopback feed farm.

    python benchmarks/run.py            # the full run (tens of minutes)
    python benchmarks/run.py --quick    # smaller N, a few minutes

Runs every figure of the performance issue for toaster and, where newsboat
is installed (or can be installed with apt-get), for newsboat on the same
farm and data, in the same run, alternating the two so that a busy shared
machine slows both alike. Prints a table of medians (min-max over --runs
runs) with the ratio toaster / newsboat and writes it to
benchmarks/RESULTS.md (and the scaling curve to benchmarks/scaling.svg).

Nothing touches the user's files: every program runs with HOME and the XDG
directories pointed into a temporary directory, with explicit config, cache
and database paths there; all traffic goes to 127.0.1.x.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import farm as farm_mod  # noqa: E402  (the farm sits next to this file)

PY = sys.executable
NEWSBOAT_THREADS = (8, 16, 32)
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def say(msg: str) -> None:
    print(msg, flush=True)


# --- measuring a process tree ----------------------------------------------------------

class TreeSampler(threading.Thread):
    """Samples a process and its descendants every 20 ms from /proc: the peak of
    their summed RSS, and CPU seconds (each process's last utime+stime seen)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = 0
        self.cpu: dict[int, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            with contextlib.suppress(Exception):
                self.sample()
            self.stop.wait(0.02)

    def sample(self) -> None:
        parents: dict[int, int] = {}
        stats: dict[int, tuple[int, float]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", encoding="latin-1") as fh:
                    stat = fh.read()
            except OSError:
                continue
            f = stat[stat.rfind(")") + 2:].split()
            pid = int(entry)
            parents[pid] = int(f[1])
            stats[pid] = (int(f[21]) * PAGE, (int(f[11]) + int(f[12])) / TICK)
        family = {self.pid}
        grew = True
        while grew:
            grew = False
            for pid, parent in parents.items():
                if parent in family and pid not in family:
                    family.add(pid)
                    grew = True
        self.peak_rss = max(self.peak_rss, sum(stats[p][0] for p in family if p in stats))
        for p in family:
            if p in stats:
                self.cpu[p] = stats[p][1]

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())


@dataclass
class Run:
    wall: float
    cpu: float
    peak_rss: int
    stats: dict[str, float]
    output: str = ""


def run_measured(cmd: list[str], env: dict[str, str], farm: farm_mod.Farm | None,
                 timeout: float = 3600) -> Run:
    if farm is not None:
        farm.reset()
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    try:
        out, _ = proc.communicate(timeout=timeout)
    finally:
        wall = time.perf_counter() - began
        sampler.stop.set()
        sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}... exited {proc.returncode}:\n{out[-2000:]}")
    stats = farm.stats() if farm is not None else {}
    return Run(wall, sampler.cpu_seconds, sampler.peak_rss, stats, out)


# --- the two programs ----------------------------------------------------------------------

class Sandbox:
    """A temporary HOME with XDG dirs: what every program here runs in."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        for sub in ("config", "data", "cache", "state"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        self.env = {
            **{k: v for k, v in os.environ.items()
               if k not in ("TOASTER_CONFIG", "TOASTER_DB", "http_proxy", "https_proxy",
                            "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")},
            "HOME": str(self.home), "XDG_CONFIG_HOME": str(self.home / "config"),
            "XDG_DATA_HOME": str(self.home / "data"), "XDG_CACHE_HOME": str(self.home / "cache"),
            "XDG_STATE_HOME": str(self.home / "state"), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
            "TERM": "xterm-256color", "PYTHONDONTWRITEBYTECODE": "1",
        }


class Toaster:
    def __init__(self, box: Sandbox, name: str, urls: list[str],
                 settings: str = "") -> None:
        self.box = box
        self.dir = box.root / f"toaster-{name}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.config = self.dir / "config.toml"
        self.db = self.dir / "toaster.db"
        lines = [settings] if settings else []
        for url in urls:
            lines += ["[[feeds]]", f'url = "{url}"', 'topic = "Technology"', ""]
        self.config.write_text("\n".join(lines), encoding="utf-8")

    def wipe(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.db}{suffix}").unlink(missing_ok=True)

    def refresh(self, farm: farm_mod.Farm | None) -> Run:
        # --all: every feed now, as newsboat's -x reload; without it a warm run
        # would skip the feeds fetched moments ago (not due: refresh_minutes).
        run = run_measured([PY, "-m", "toaster_tui", "refresh", "--all", "--config",
                            str(self.config), "--db", str(self.db)], self.box.env, farm)
        last = run.output.strip().splitlines()[-1] if run.output.strip() else ""
        if not re.search(r" 0 failed$", last):
            raise RuntimeError(f"toaster refresh reported failures: {last}")
        return run

    def tui_command(self) -> list[str]:
        return [PY, "-m", "toaster_tui", "--config", str(self.config), "--db", str(self.db)]


class Newsboat:
    def __init__(self, box: Sandbox, name: str, urls: list[str], threads: int) -> None:
        self.box = box
        self.dir = box.root / f"newsboat-{name}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.urls = self.dir / "urls"
        self.cache = self.dir / "cache.db"
        self.conf = self.dir / "config"
        self.urls.write_text("\n".join(urls) + "\n", encoding="utf-8")
        self.set_threads(threads)

    def set_threads(self, threads: int) -> None:
        self.threads = threads
        self.conf.write_text(f"reload-threads {threads}\ndownload-timeout 60\n",
                             encoding="utf-8")

    def wipe(self) -> None:
        for p in self.dir.glob("cache.db*"):
            p.unlink()

    def argv(self) -> list[str]:
        return ["newsboat", "-u", str(self.urls), "-c", str(self.cache), "-C", str(self.conf)]

    def reload(self, farm: farm_mod.Farm | None) -> Run:
        return run_measured([*self.argv(), "-x", "reload"], self.box.env, farm)


def ensure_newsboat(allow_install: bool) -> str | None:
    """newsboat's version, installing it with apt-get if allowed; None to skip."""
    if shutil.which("newsboat") is None and allow_install:
        say("newsboat: not installed; trying apt-get install newsboat ...")
        apt = shutil.which("apt-get")
        if apt and os.geteuid() == 0:
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            subprocess.run([apt, "update", "-qq"], env=env, capture_output=True, check=False)
            subprocess.run([apt, "install", "-y", "-qq", "newsboat"], env=env,
                           capture_output=True, check=False)
    if shutil.which("newsboat") is None:
        return None
    out = subprocess.run(["newsboat", "--version"], capture_output=True, text=True,
                         check=False).stdout
    return out.splitlines()[0].strip() if out else "newsboat"


# --- statistics and the table ---------------------------------------------------------------

@dataclass
class Figure:
    name: str
    target: str
    unit: str = "s"
    toaster: list[float] = field(default_factory=list)
    newsboat: list[float] = field(default_factory=list)
    max_ratio: float | None = None
    max_value: float | None = None
    note: str = ""
    status: str = ""  # "pending" / "skipped" overrides

    def med(self, xs: list[float]) -> float | None:
        return statistics.median(xs) if xs else None

    @property
    def ratio(self) -> float | None:
        t, n = self.med(self.toaster), self.med(self.newsboat)
        return t / n if t is not None and n else None

    @property
    def holds(self) -> bool | None:
        if self.status or not self.toaster:
            return None
        if self.max_value is None and self.max_ratio is None:
            return None  # context, no target
        ok = True
        t = self.med(self.toaster)
        if self.max_value is not None and t is not None:
            ok = ok and t <= self.max_value
        if self.max_ratio is not None:
            if self.ratio is None:
                return None if self.max_value is None else ok
            ok = ok and self.ratio <= self.max_ratio
        return ok

    def cell(self, xs: list[float]) -> str:
        if not xs:
            return "—"
        m = statistics.median(xs)
        return f"{fmt(m, self.unit)} ({fmt(min(xs), self.unit)}–{fmt(max(xs), self.unit)})"


def fmt(x: float, unit: str) -> str:
    if unit == "s":
        return f"{x:.2f} s"
    if unit == "ms":
        return f"{x:.1f} ms"
    if unit == "MB":
        return f"{x:.0f} MB"
    if unit == "x":
        return f"{x:.1f}x"
    return f"{x:g}"


def table(figures: list[Figure]) -> str:
    rows = [("figure", "target", "toaster median (min–max)", "newsboat median (min–max)",
             "ratio t/n", "holds")]
    for f in figures:
        holds = f.status or {True: "yes", False: "NO", None: "—"}[f.holds]
        ratio = f"{f.ratio:.3f}" if f.ratio is not None else "—"
        rows.append((f.name, f.target, f.cell(f.toaster), f.cell(f.newsboat), ratio, holds))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
             for r in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


# --- tmux: launch to a filled first screen --------------------------------------------------

class Tmux:
    """A private tmux server (never the user's), a new socket each time."""

    count = 0

    def __init__(self, env: dict[str, str]) -> None:
        Tmux.count += 1
        self.socket = f"toaster-bench-{os.getpid()}-{Tmux.count}"
        self.env = env

    def __call__(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, env=self.env, timeout=30, check=False).stdout

    def kill(self) -> None:
        self("kill-server")


def launch(cmd: list[str], env: dict[str, str], ready: Callable[[str], bool],
           width: int = 160, height: int = 50, timeout: float = 120) -> tuple[float, int]:
    """Seconds from starting `cmd` in a tmux pane until `ready(screen)`, and the
    program's peak RSS (VmHWM) one second later."""
    tmux = Tmux(env)
    try:
        began = time.perf_counter()
        tmux("new-session", "-d", "-s", "b", "-x", str(width), "-y", str(height),
             *[a for a in cmd])
        pid = 0
        while time.perf_counter() - began < timeout:
            screen = tmux("capture-pane", "-p", "-t", "b")
            if ready(screen):
                took = time.perf_counter() - began
                break
            time.sleep(0.01)
        else:
            raise RuntimeError(f"{cmd[0]} drew no first screen in {timeout:g} s:\n{screen}")
        with contextlib.suppress(ValueError):
            pid = int(tmux("display-message", "-p", "-t", "b", "#{pane_pid}").strip())
        time.sleep(1.0)
        hwm = 0
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{pid}/status").read_text()
            m = re.search(r"VmHWM:\s+(\d+) kB", status)
            hwm = int(m.group(1)) * 1024 if m else 0
        return took, hwm
    finally:
        tmux.kill()


# --- the benchmark -------------------------------------------------------------------------------

@dataclass
class Plan:
    quick: bool
    runs: int
    feeds: int
    scaling: tuple[int, ...]
    big_feeds: int
    big_entries: int
    tui_feeds: int
    tui_articles: int
    latency: float = 0.05


def plan(args: argparse.Namespace) -> Plan:
    if args.quick:
        return Plan(True, args.runs, 200, (50, 100, 200, 400), 200, 50, 100, 10_000)
    return Plan(False, args.runs, 1000, (100, 300, 1000, 3000), 1000, 100, 500, 100_000)


class LoadSampler(threading.Thread):
    """The 1-minute load average every 5 s while a part runs (other programs' work)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(5.0):
            self.samples.append(os.getloadavg()[0])


class Bench:
    def __init__(self, p: Plan, box: Sandbox, newsboat: str | None) -> None:
        self.p = p
        self.box = box
        self.newsboat = newsboat
        self.notes: list[str] = []
        self.figures: dict[str, Figure] = {}
        self.scaling: list[dict[str, float]] = []
        self.best_threads = 16
        self.calibration: dict[int, float] = {}
        self.cpu_log: dict[str, dict[str, list[float]]] = {}
        self.loads: dict[str, float] = {}
        self.idle_p99: list[float] = []

    def fig(self, key: str, **kw: Any) -> Figure:
        if key not in self.figures:
            self.figures[key] = Figure(**kw)
        return self.figures[key]

    # refresh figures ----------------------------------------------------------------------

    def refreshes(self) -> None:
        p = self.p
        n = p.feeds
        say(f"\n== refresh: {n} feeds x 20 entries over 50 hosts ({p.runs} runs each) ==")
        cold = self.fig("cold", name=f"refresh {n} feeds, {p.latency * 1000:.0f} ms, cold",
                        target="ratio <= 0.3", max_ratio=0.3)
        warm = self.fig("warm", name=f"refresh {n} feeds, {p.latency * 1000:.0f} ms, warm "
                        "(all 304)", target="ratio <= 0.1, no feed parsed", max_ratio=0.1)
        zero = self.fig("zero", name=f"refresh {n} feeds, 0 ms, cold (parse + store)",
                        target="ratio <= 0.5", max_ratio=0.5)
        with farm_mod.Farm(n, latency=p.latency) as farm:
            urls = farm.urls()
            toaster = Toaster(self.box, "refresh", urls)
            nb = Newsboat(self.box, "refresh", urls, 16) if self.newsboat else None
            if nb is not None:
                say(f"newsboat: choosing reload-threads among {NEWSBOAT_THREADS} "
                    "(one cold run each)")
                for threads in NEWSBOAT_THREADS:
                    nb.set_threads(threads)
                    nb.wipe()
                    r = nb.reload(farm)
                    self.calibration[threads] = r.wall
                    say(f"  reload-threads {threads}: {r.wall:.2f} s")
                self.best_threads = min(self.calibration, key=lambda t: self.calibration[t])
                nb.set_threads(self.best_threads)
                say(f"  -> reload-threads {self.best_threads}")
            warm_parsed: list[float] = []
            for i in range(p.runs):
                toaster.wipe()
                c = toaster.refresh(farm)
                self._check(c, n, ok200=n, what="toaster cold")
                w = toaster.refresh(farm)
                self._check(w, n, ok304=n, what="toaster warm")
                warm_parsed.append(w.stats.get("200", 0))
                cold.toaster.append(c.wall)
                warm.toaster.append(w.wall)
                self._cpu("cold", "toaster", c)
                self._cpu("warm", "toaster", w)
                say(f"  run {i + 1}: toaster cold {c.wall:.2f} s (cpu {c.cpu:.1f} s, "
                    f"peak {c.peak_rss / 2**20:.0f} MB), warm {w.wall:.2f} s "
                    f"[{w.stats.get('304', 0):.0f} x 304, {w.stats.get('200', 0):.0f} x 200]")
                if nb is not None:
                    nb.wipe()
                    c = nb.reload(farm)
                    nb.reload(farm)  # newsboat keeps ETags from its second fetch on
                    w = nb.reload(farm)
                    cold.newsboat.append(c.wall)
                    warm.newsboat.append(w.wall)
                    self._cpu("cold", "newsboat", c)
                    self._cpu("warm", "newsboat", w)
                    say(f"         newsboat cold {c.wall:.2f} s (cpu {c.cpu:.1f} s), third run "
                        f"{w.wall:.2f} s [{w.stats.get('304', 0):.0f} x 304, "
                        f"{w.stats.get('200', 0):.0f} x 200]")
            if all(x == 0 for x in warm_parsed):
                warm.note = (f"farm counters: every toaster warm run got {n} x 304 and 0 x 200 "
                             "(no body, so no feed parsed)")
            farm.set_latency(0.0)
            for i in range(p.runs):
                toaster.wipe()
                z = toaster.refresh(farm)
                zero.toaster.append(z.wall)
                self._cpu("zero", "toaster", z)
                line = f"  0 ms run {i + 1}: toaster {z.wall:.2f} s (cpu {z.cpu:.1f} s)"
                if nb is not None:
                    nb.wipe()
                    zn = nb.reload(farm)
                    zero.newsboat.append(zn.wall)
                    self._cpu("zero", "newsboat", zn)
                    line += f", newsboat {zn.wall:.2f} s (cpu {zn.cpu:.1f} s)"
                say(line)

    def _check(self, run: Run, n: int, *, ok200: int | None = None, ok304: int | None = None,
               what: str) -> None:
        got200, got304 = run.stats.get("200", 0), run.stats.get("304", 0)
        if ok200 is not None and got200 != ok200:
            self.notes.append(f"{what}: expected {ok200} x 200, the farm counted {got200:.0f}")
        if ok304 is not None and (got304 != ok304 or got200):
            self.notes.append(f"{what}: expected {ok304} x 304 and no 200, the farm counted "
                              f"{got304:.0f} x 304 and {got200:.0f} x 200")

    def _cpu(self, figure: str, who: str, run: Run) -> None:
        self.cpu_log.setdefault(figure, {}).setdefault(who, []).append(run.cpu)

    # scaling --------------------------------------------------------------------------------

    def scaling_curve(self) -> None:
        p = self.p
        biggest = max(p.scaling)
        say(f"\n== scaling: toaster cold refresh at {p.latency * 1000:.0f} ms for "
            f"{', '.join(map(str, p.scaling))} feeds ==")
        with farm_mod.Farm(biggest, latency=p.latency) as farm:
            for n in p.scaling:
                toaster = Toaster(self.box, f"scale-{n}", farm.urls(n))
                walls, peaks, cpus = [], [], []
                for _ in range(p.runs):
                    toaster.wipe()
                    r = toaster.refresh(farm)
                    walls.append(r.wall)
                    peaks.append(r.peak_rss / 2**20)
                    cpus.append(r.cpu)
                point = {"feeds": n, "wall": statistics.median(walls),
                         "wall_min": min(walls), "wall_max": max(walls),
                         "peak_mb": statistics.median(peaks), "cpu": statistics.median(cpus)}
                self.scaling.append(point)
                say(f"  {n:5d} feeds: {point['wall']:.2f} s ({min(walls):.2f}-{max(walls):.2f}),"
                    f" cpu {point['cpu']:.1f} s, peak RSS {point['peak_mb']:.0f} MB")
        first, last = self.scaling[0], self.scaling[-1]
        grow_feeds = last["feeds"] / first["feeds"]
        grow_time = last["wall"] / first["wall"]
        grow_mem = last["peak_mb"] / first["peak_mb"]
        fig = self.fig("scaling", name=f"scaling {first['feeds']:.0f} -> {last['feeds']:.0f} "
                       "feeds: time growth", target=f"<= {grow_feeds:.0f}x (linear)", unit="x")
        fig.toaster = [grow_time]
        fig.note = (f"{grow_feeds:.0f}x the feeds took {grow_time:.1f}x the time and "
                    f"{grow_mem:.1f}x the peak memory")
        fig.status = "yes" if grow_time <= grow_feeds * 1.15 and grow_mem <= grow_feeds else "NO"

    # the big cache: launch, memory, search, keys --------------------------------------------------

    def big_cache(self) -> None:
        p = self.p
        n, per = p.big_feeds, p.big_entries
        total = n * per
        say(f"\n== a cache of {total:,} articles ({n} feeds x {per} entries) ==")
        launch_fig = self.fig("launch", name=f"launch to a filled first screen, {total:,} "
                              "articles", target="< 1 s and ratio <= 0.5", max_ratio=0.5,
                              max_value=1.0)
        rss_fig = self.fig("rss", name=f"TUI peak RSS, {total:,} articles",
                           target="< 200 MB and below newsboat", unit="MB", max_ratio=1.0,
                           max_value=200)
        search_fig = self.fig("search", name=f"search over {total:,} articles",
                              target="median < 50 ms", unit="ms", max_value=50)
        with farm_mod.Farm(n, entries=per, latency=0.0) as farm:
            urls = farm.urls()
            toaster = Toaster(self.box, "big", urls, settings="[settings]\nrefresh_minutes = 0\n")
            say("building toaster's cache (a real refresh from the farm) ...")
            r = toaster.refresh(farm)
            say(f"  {r.wall:.1f} s")
            nb = None
            if self.newsboat:
                nb = Newsboat(self.box, "big", urls, self.best_threads)
                say("building newsboat's cache (newsboat -x reload from the farm) ...")
                r = nb.reload(farm)
                say(f"  {r.wall:.1f} s")
        newest = self._newest_title(toaster)
        for i in range(p.runs):
            t, hwm = launch(toaster.tui_command(), self.box.env,
                            lambda s: newest[:30] in s and "unread" in s)
            launch_fig.toaster.append(t)
            rss_fig.toaster.append(hwm / 2**20)
            line = f"  launch {i + 1}: toaster {t:.2f} s ({hwm / 2**20:.0f} MB)"
            if nb is not None:
                t, hwm = launch(nb.argv(), self.box.env,
                                lambda s: "Farm feed 0:" in s and "Farm feed 1:" in s)
                launch_fig.newsboat.append(t)
                rss_fig.newsboat.append(hwm / 2**20)
                line += f", newsboat {t:.2f} s ({hwm / 2**20:.0f} MB)"
            say(line)
        search_fig.toaster = self._search(toaster)
        search_fig.note = "listing.list_articles(search=...) as the TUI's / runs it, first page"
        say(f"  search median {statistics.median(search_fig.toaster):.1f} ms over "
            f"{len(search_fig.toaster)} queries")

    def _newest_title(self, toaster: Toaster) -> str:
        from toaster_tui.store import listing
        from toaster_tui.store.database import connect

        db = connect(toaster.db)
        try:
            rows = listing.list_articles(db, limit=1)
        finally:
            db.close()
        return rows[0].title if rows else ""

    def _search(self, toaster: Toaster) -> list[float]:
        from toaster_tui.store import listing
        from toaster_tui.store.database import connect

        db = connect(toaster.db)
        try:
            terms = [t for (t,) in db.execute(
                "SELECT term FROM articles_fts_terms WHERE length(term) > 4 "
                "ORDER BY doc DESC LIMIT 40")]
            rare = [t for (t,) in db.execute(
                "SELECT term FROM articles_fts_terms WHERE length(term) > 4 "
                "ORDER BY doc ASC LIMIT 10")]
            queries_: list[str] = [*terms[::4], *rare[:5]]
            queries_ += [f"{a} {b}" for a, b in zip(terms[1::8], terms[2::8], strict=False)]
            queries_ += [t[:3] for t in terms[3:12:3]]  # as typed: a prefix
            for q in queries_:  # warm the page cache once, as a running app has it
                listing.list_articles(db, listing.ArticleFilter(search=q), limit=100)
            out = []
            for _ in range(3):
                for q in queries_:
                    began = time.perf_counter()
                    listing.list_articles(db, listing.ArticleFilter(search=q), limit=100)
                    out.append((time.perf_counter() - began) * 1000)
            return out
        finally:
            db.close()

    def stalls(self) -> None:
        p = self.p
        fig = self.fig("stalls", name=f"event-loop stalls of the refresh itself, {p.tui_feeds} "
                       "feeds (p99)", target="(context)", unit="ms")
        say(f"\n== the refresh's own event-loop stalls: heartbeat beside {p.tui_feeds} feeds ==")
        with farm_mod.Farm(p.tui_feeds, latency=p.latency) as farm:
            for i in range(p.runs):
                done = subprocess.run(
                    [PY, str(Path(__file__).resolve()), "--heartbeat", str(farm.port),
                     str(p.tui_feeds), str(self.box.root / f"hb-{i}.db")],
                    env=self.box.env, capture_output=True, text=True, timeout=3600, check=False)
                try:
                    got = json.loads(done.stdout.strip().splitlines()[-1])
                except (ValueError, IndexError):
                    fig.status = "pending"
                    fig.note = f"heartbeat failed: {done.stderr[-300:]}"
                    return
                fig.toaster.append(got["p99_ms"])
                say(f"  run {i + 1}: refresh {got['refresh_s']:.2f} s, a 5 ms sleep came back "
                    f"late by median {got['median_ms']:.1f} ms, p99 {got['p99_ms']:.1f} ms, max "
                    f"{got['max_ms']:.1f} ms")
        fig.note = ("toaster_tui.refresh.refresher.Refresher alone on an event loop, its default "
                    "settings; a coroutine sleeping 5 ms measures how late the loop wakes it "
                    "(what a key press would wait for on top of the app's own work)")

    def keys(self) -> None:
        p = self.p
        fig = self.fig("keys", name=f"key -> screen update while {p.tui_feeds} feeds refresh "
                       "(p99)", target="p99 < 50 ms", unit="ms", max_value=50)
        script = HERE / "tui_bench.py"
        if not script.exists():
            fig.status = "pending"
            fig.note = "benchmarks/tui_bench.py is not there yet"
            return
        say(f"\n== keys while refreshing: benchmarks/tui_bench.py --feeds {p.tui_feeds} "
            f"--articles {p.tui_articles} ({p.runs} runs) ==")
        helptext = subprocess.run([PY, str(script), "--help"], capture_output=True, text=True,
                                  env=self.box.env, check=False).stdout
        for i in range(p.runs):
            cmd = [PY, str(script), "--json", "--feeds", str(p.tui_feeds), "--articles",
                   str(p.tui_articles)]
            if "--hosts" in helptext:
                cmd += ["--hosts", "50"]  # spread like the farm: the busiest refresh
            done = subprocess.run(cmd, env=self.box.env, capture_output=True, text=True,
                                  timeout=3600, check=False)
            try:
                result = json.loads(done.stdout[done.stdout.index("{"):])
            except ValueError:
                fig.status = "pending"
                fig.note = f"tui_bench.py failed: {(done.stderr or done.stdout)[-300:]}"
                return
            busy, idle = _latencies(result)
            if not busy:
                fig.status = "pending"
                fig.note = "tui_bench.py gave no key latencies"
                return
            fig.toaster.append(max(busy.values()))
            if idle:
                self.idle_p99.append(max(idle.values()))
            say(f"  run {i + 1}: p99 while refreshing: "
                + ", ".join(f"{k} {v:.1f} ms" for k, v in busy.items())
                + ("; idle: " + ", ".join(f"{k} {v:.1f} ms" for k, v in idle.items())
                   if idle else "")
                + f"; in-process launch {result.get('launch_to_rows_ms')} ms")
            fig.note = ("worst p99 of j, k and Enter while the refresh runs (tui_bench.py, "
                        f"headless, {p.tui_feeds} feeds refreshed during the presses)"
                        + (f"; the same keys idle: p99 up to {max(idle.values()):.1f} ms"
                           if idle else ""))


def _latencies(result: dict[str, Any]) -> tuple[dict[str, float], dict[str, float]]:
    """p99 per key (j, k, Enter) while refreshing, and idle when reported."""
    busy: dict[str, float] = {}
    idle: dict[str, float] = {}
    for key, value in result.items():
        if not key.startswith("latency_") or not isinstance(value, dict):
            continue
        name = key[len("latency_"):]
        if name.startswith(("body", "enter_body", "idle")):
            continue
        name = "Enter" if name.startswith("enter") else name
        if "p99_ms" in value:
            busy[name] = float(value["p99_ms"])
        elif isinstance(value.get("refreshing"), dict):
            busy[name] = float(value["refreshing"]["p99_ms"])
            if isinstance(value.get("idle"), dict):
                idle[name] = float(value["idle"]["p99_ms"])
    return busy, idle


# --- output -------------------------------------------------------------------------------------

def ascii_plot(points: list[dict[str, float]], key: str, label: str, width: int = 48) -> str:
    top = max(p[key] for p in points) or 1
    lines = [label]
    for p in points:
        bar = "#" * max(1, round(p[key] / top * width))
        lines.append(f"{p['feeds']:>6.0f} | {bar} {p[key]:.2f}")
    return "\n".join(lines)


def svg_plot(points: list[dict[str, float]], path: Path) -> None:
    w, h, m = 520, 300, 50
    xs = [p["feeds"] for p in points]
    ys = [p["wall"] for p in points]
    ms = [p["peak_mb"] for p in points]
    xmax, ymax, mmax = max(xs), max(ys) * 1.1, max(ms) * 1.1

    def px(x: float) -> float:
        return m + x / xmax * (w - 2 * m)

    def py(y: float, top: float) -> float:
        return h - m - y / top * (h - 2 * m)

    ideal = f"{px(0):.1f},{py(0, ymax):.1f} {px(xmax):.1f},{py(ys[-1] / xs[-1] * xmax, ymax):.1f}"
    wall = " ".join(f"{px(x):.1f},{py(y, ymax):.1f}" for x, y in zip(xs, ys, strict=True))
    mem = " ".join(f"{px(x):.1f},{py(y, mmax):.1f}" for x, y in zip(xs, ms, strict=True))
    dots = "".join(f'<circle cx="{px(x):.1f}" cy="{py(y, ymax):.1f}" r="3" fill="#c0392b"/>'
                   f'<text x="{px(x) + 4:.1f}" y="{py(y, ymax) - 6:.1f}" font-size="10">'
                   f"{y:.1f} s</text>" for x, y in zip(xs, ys, strict=True))
    ticks = "".join(f'<text x="{px(x):.1f}" y="{h - m + 16}" font-size="10" '
                    f'text-anchor="middle">{x:.0f}</text>' for x in xs)
    title = "toaster refresh: time and peak memory by feed count"
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}"
 font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="{w / 2}" y="20" text-anchor="middle" font-size="13">{title}</text>
<line x1="{m}" y1="{h - m}" x2="{w - m}" y2="{h - m}" stroke="black"/>
<line x1="{m}" y1="{m}" x2="{m}" y2="{h - m}" stroke="black"/>
<polyline points="{ideal}" fill="none" stroke="#999" stroke-dasharray="4 3"/>
<polyline points="{wall}" fill="none" stroke="#c0392b" stroke-width="2"/>
<polyline points="{mem}" fill="none" stroke="#2471a3" stroke-width="2"/>
{dots}{ticks}
<text x="{w / 2}" y="{h - 12}" text-anchor="middle" font-size="11">feeds</text>
<text x="{m + 8}" y="{m + 4}" font-size="11" fill="#c0392b">wall time (s)</text>
<text x="{m + 8}" y="{m + 18}" font-size="11" fill="#2471a3">peak RSS, scaled to its max \
({max(ms):.0f} MB)</text>
<text x="{m + 8}" y="{m + 32}" font-size="11" fill="#777">dashed: linear from the last point</text>
</svg>
"""
    path.write_text(svg, encoding="utf-8")


def closing_note(b: Bench) -> list[str]:
    out = ["Quick mode: nothing is judged here; the list below is what a full run would "
           "have to show."] if b.p.quick else []
    for key, f in b.figures.items():
        if f.holds is False or f.status == "NO":
            why = WHY.get(key, "")
            if key == "keys":
                idle = max(b.idle_p99) if b.idle_p99 else None
                why = ("Why: " + (f"the same keys with no refresh at all already reach p99 "
                                  f"{idle:.0f} ms on this machine; " if idle else "")
                       + "the refresh pipeline's own event-loop stalls are small (its row "
                       "above), so what remains is the app's work per key (rendering, the "
                       "list reloads while new articles arrive) competing with the refresh's "
                       "workers for 2 busy cores. What it would take: less work in the app "
                       "per key during a refresh, or a less loaded machine.")
            if key in ("cold", "zero"):
                why += (" Compare toaster's CPU seconds with its wall time: on a busy machine "
                        "a pipeline of processes that hand work to each other (and take turns "
                        "writing) loses more to other programs than one process does; the "
                        "spread of its runs (min–max) shows how much.")
            out.append(f"- {f.name}: does not hold ({f.target}). " + why)
        elif f.status in ("pending", "skipped"):
            out.append(f"- {f.name}: {f.status}. {f.note}")
    if not b.newsboat:
        out.append("- newsboat is not installed (and apt-get could not install it): the "
                   "ratio figures are toaster-only and marked —.")
    return out


WHY = {
    "cold": ("Why: a cold refresh is CPU-bound, and toaster already uses less CPU than newsboat "
             "(see the CPU seconds); but 2 cores are shared by the fetching process, two "
             "workers, the farm and the machine's other load. Per 20-entry feed the workers "
             "spend ~3.9 ms parsing (guard ~0.15, one expat pass for the tree, its limits and "
             "the fields ~1.3, HTML to text ~1.4, the other entry fields ~0.8) and ~1.7 ms "
             "writing (SQLite + FTS5 in one statement per feed, one writer at a time; FTS5 is "
             "~1.2 of it), the fetching process ~1.4 ms (httpx, gzip). What it would take: "
             "a C HTML-to-text (the largest part left), a cheaper full-text index, or more "
             "cores (the pipeline scales to 4 workers); indexing several feeds per FTS5 "
             "statement saves another ~0.3 ms per feed but leaves the newest articles "
             "unsearchable for a while. benchmarks/cold_refresh.py times this row alone."),
    "warm": ("Why: an all-304 refresh is bound by latency x feeds / concurrency plus Python's "
             "start-up (~0.25 s); raise `concurrency`."),
    "zero": ("Why: as for the cold refresh, CPU-bound on 2 shared cores; the 0 ms figure is "
             "the same work without the wait."),
    "launch": "Why: Textual's start-up plus the first page of the list.",
    "rss": "Why: Textual plus the rows of the visible page.",
    "search": "Why: FTS5 over the whole cache; the listing walks the time index.",
    "keys": ("Why: on this shared 2-core machine the same keys already miss the target with "
             "no refresh at all (idle p99 in the note), and the refresh pipeline's own "
             "event-loop stalls are small (its row above); the rest is the app's rendering "
             "and reloads competing with the refresh's workers for 2 busy cores. What it "
             "would take: a quieter machine, or the app doing less per key while a refresh "
             "runs (the app's side)."),
    "scaling": "Why: time or memory grew faster than the number of feeds.",
}


def write_results(b: Bench, args: argparse.Namespace, began: float, load: str) -> str:
    figures = list(b.figures.values())
    lines = [
        "# toaster vs newsboat: results",
        "",
        "Generated by `python benchmarks/run.py" + (" --quick" if args.quick else "") +
        f"` on {time.strftime('%Y-%m-%d %H:%M %Z')}; do not edit by hand.",
        "",
        f"- machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"{platform.platform(terse=True)}; load average at the start {load}",
        f"- python {platform.python_version()}, toaster-tui {toaster_version()}, "
        f"{b.newsboat or 'newsboat: not installed'}",
        f"- {b.p.runs} runs per figure, medians with (min–max); toaster and newsboat "
        "alternate run by run, on the same farm and data",
        f"- farm: {b.p.feeds} feeds x 20 entries (RSS 2.0 and Atom, 1–3 KB HTML bodies), "
        "50 hosts 127.0.1.1–50, gzip, keep-alive, ETag/Last-Modified",
        "- toaster: its defaults (a config with only [[feeds]]); newsboat: `-x reload` with "
        f"reload-threads {b.best_threads}" + (
            " (the best of " + ", ".join(f"{t}: {s:.1f} s" for t, s in
                                         sorted(b.calibration.items())) + " cold)"
            if b.calibration else "") if b.newsboat else "- newsboat: not run",
        "- toaster's TUI and newsboat's feed list are timed in tmux the same way: from "
        "starting the program to its first screen showing the data (captured every 10 ms)",
        "",
    ]
    if b.p.quick:
        lines += ["**Quick mode**: small N for a fast check. The targets are defined at the "
                  "full N (newsboat's refresh cost grows faster than linearly with feeds), so "
                  "the \"holds\" column is not a verdict here; run without --quick.", ""]
    lines += [
        table(figures),
        "",
    ]
    notes = [f"- {f.name}: {f.note}" for f in figures if f.note]
    if b.cpu_log:
        for fig, who in b.cpu_log.items():
            parts = [f"{name} {statistics.median(xs):.1f} s" for name, xs in who.items()]
            notes.append(f"- CPU seconds (all processes), {b.figures[fig].name}: "
                         + ", ".join(parts))
    if b.loads:
        notes.append("- load average (1 min, median while each part ran; it counts the "
                     "benchmark's own processes too, ~3 during a refresh, on 2 cores): "
                     + ", ".join(f"{k} {v:.1f}" for k, v in b.loads.items()))
    notes += [f"- {n}" for n in b.notes]
    if notes:
        lines += ["Notes:", "", *notes, ""]
    if b.scaling:
        lines += ["## Scaling", "", "| feeds | wall median (min–max) | CPU s | peak RSS |",
                  "|---|---|---|---|"]
        for pt in b.scaling:
            lines.append(f"| {pt['feeds']:.0f} | {pt['wall']:.2f} s ({pt['wall_min']:.2f}–"
                         f"{pt['wall_max']:.2f}) | {pt['cpu']:.1f} | {pt['peak_mb']:.0f} MB |")
        lines += ["", "```", ascii_plot(b.scaling, "wall", "wall time (s)"), "",
                  ascii_plot(b.scaling, "peak_mb", "peak RSS (MB)"), "```", "",
                  "![scaling](scaling.svg)", ""]
    closing = closing_note(b)
    lines += ["## Closing note", ""]
    lines += closing if closing else ["Every target above holds in this run."]
    lines += ["", f"Total benchmark time: {(time.perf_counter() - began) / 60:.1f} min.", ""]
    return "\n".join(lines)


def toaster_version() -> str:
    try:
        from toaster_tui import __version__
    except ImportError:
        return "?"
    return __version__


def heartbeat(port: int, feeds: int, db: Path) -> int:
    """Run a refresh in this process beside a 5 ms heartbeat; print JSON."""
    import asyncio

    from toaster_tui.core.models import FeedSpec, Settings
    from toaster_tui.refresh.refresher import Refresher
    from toaster_tui.store.database import Store

    urls = [f"http://{farm_mod.HOST_PREFIX}{k % 50 + 1}:{port}/feed/{k}.xml"
            for k in range(feeds)]
    store = Store(db)
    ids = list(store.sync_feeds([FeedSpec(u) for u in urls]).values())
    store.close()

    async def go() -> dict[str, float]:
        late: list[float] = []
        stop = False

        async def beat() -> None:
            while not stop:
                began = time.perf_counter()
                await asyncio.sleep(0.005)
                late.append((time.perf_counter() - began - 0.005) * 1000)

        ticker = asyncio.create_task(beat())
        began = time.perf_counter()
        report = await Refresher(db, Settings()).run(ids)
        took = time.perf_counter() - began
        stop = True
        await ticker
        late.sort()
        assert not report.failures, report.failures[:3]
        return {"refresh_s": took, "median_ms": statistics.median(late),
                "p99_ms": late[min(len(late) - 1, round(0.99 * (len(late) - 1)))],
                "max_ms": late[-1], "n": len(late)}

    print(json.dumps(asyncio.run(go())))
    return 0


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--heartbeat":
        return heartbeat(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
    # A kill ends the run like ^C: farms stopped, the temporary directory removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller N: a fast check")
    ap.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    ap.add_argument("--no-newsboat", action="store_true", help="toaster only")
    ap.add_argument("--no-install", action="store_true", help="never apt-get install newsboat")
    ap.add_argument("--only", nargs="*", choices=("refresh", "scaling", "cache", "keys"),
                    help="run only these parts")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = ap.parse_args()
    try:
        import toaster_tui  # noqa: F401
    except ImportError:
        say("toaster_tui is not importable: install it first (pip install -e '.[test]').")
        return 2
    began = time.perf_counter()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    newsboat = None if args.no_newsboat else ensure_newsboat(not args.no_install)
    say(f"newsboat: {newsboat}" if newsboat else
        "newsboat: not installed and could not be installed; running toaster only "
        "(ratios will be blank)")
    if shutil.which("tmux") is None:
        say("tmux: not installed; the launch and TUI memory figures will be skipped")
    tmp = Path(tempfile.mkdtemp(prefix="toaster-vs-newsboat-"))
    box = Sandbox(tmp)
    bench = Bench(plan(args), box, newsboat)
    parts = set(args.only or ("refresh", "scaling", "cache", "keys"))
    steps: list[tuple[str, Callable[[], None]]] = []
    if "refresh" in parts:
        steps.append(("refresh", bench.refreshes))
    if "scaling" in parts:
        steps.append(("scaling", bench.scaling_curve))
    if "cache" in parts:
        if shutil.which("tmux"):
            steps.append(("cache", bench.big_cache))
        else:
            for key in ("launch", "rss"):
                bench.fig(key, name=key, target="", status="skipped",
                          note="tmux is not installed")
    if "keys" in parts:
        steps += [("stalls", bench.stalls), ("keys", bench.keys)]
    try:
        for label, step in steps:
            try:
                sampler = LoadSampler()
                sampler.start()
                try:
                    step()
                finally:
                    sampler.stop.set()
                    sampler.join()
                if sampler.samples:
                    bench.loads[label] = statistics.median(sampler.samples)
            except Exception as exc:  # one part failing must not lose the others
                say(f"!! {label}: {type(exc).__name__}: {exc}")
                bench.notes.append(f"the {label} part failed: {type(exc).__name__}: "
                                   f"{str(exc)[:300]}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            say(f"kept {tmp}")
    report = write_results(bench, args, began, load)
    args.out.write_text(report, encoding="utf-8")
    if bench.scaling:
        svg_plot(bench.scaling, HERE / "scaling.svg")
    say("\n" + report)
    say(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
