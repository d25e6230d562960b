"""The cold refresh alone: toaster vs newsboat, alternating, in one run.

    python benchmarks/cold_refresh.py                        # 1000 feeds, 50 ms, 3 rounds
    python benchmarks/cold_refresh.py --base /tmp/perf-base  # also an older tree, alternating

A quick loop for work on the refresh pipeline: the same farm and figure as
run.py's "refresh 1000 feeds, 50 ms, cold" row, without the rest. Each round
runs every toaster tree (this one, and --base trees: `git worktree add
/tmp/perf-base <commit>`; each runs with PYTHONPATH=<tree>/src) and then
newsboat, each on an empty cache; it prints medians (min-max) of the wall
time, the CPU seconds of the whole process tree, and each tree's ratio to
newsboat. Compare trees only within one run: the machine may be shared.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import farm as farm_mod  # noqa: E402  (next to this file)
import run as run_mod  # noqa: E402

NEWSBOAT_THREADS = 16
"""run.py's usual pick among 8, 16 and 32 on this farm."""


def _refresh(toaster: run_mod.Toaster, env: dict[str, str],
             farm: farm_mod.Farm) -> run_mod.Run:
    toaster.wipe()
    run = run_mod.run_measured([run_mod.PY, "-m", "toaster_tui", "refresh", "--config",
                                str(toaster.config), "--db", str(toaster.db)], env, farm)
    last = run.output.strip().splitlines()[-1] if run.output.strip() else ""
    if not last.endswith(" 0 failed") or run.stats.get("200", 0) != farm.feeds:
        raise RuntimeError(f"toaster refresh did not fetch every feed: {last} {run.stats}")
    return run


def _cell(xs: list[float], unit: str = "s") -> str:
    return (f"{statistics.median(xs):.2f} {unit} ({min(xs):.2f}–{max(xs):.2f})"
            if xs else "—")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--latency-ms", type=float, default=50.0)
    ap.add_argument("--runs", type=int, default=3, help="rounds (default 3)")
    ap.add_argument("--base", type=Path, action="append", default=[],
                    help="another source tree to time alternately (repeatable)")
    ap.add_argument("--no-newsboat", action="store_true")
    args = ap.parse_args()
    trees = [("this", ROOT_SRC)] + [(str(b), b.resolve() / "src") for b in args.base]
    for _name, src in trees:
        if not (src / "toaster_tui").is_dir():
            ap.error(f"no toaster_tui under {src}")
    newsboat = None if args.no_newsboat else shutil.which("newsboat")
    if not args.no_newsboat and newsboat is None:
        print("newsboat is not installed: toaster only (run.py can install it)")
    tmp = Path(tempfile.mkdtemp(prefix="toaster-cold-"))
    walls: dict[str, list[float]] = {name: [] for name, _ in trees}
    cpus: dict[str, list[float]] = {name: [] for name, _ in trees}
    walls["newsboat"], cpus["newsboat"] = [], []
    try:
        box = run_mod.Sandbox(tmp)
        with farm_mod.Farm(args.feeds, latency=args.latency_ms / 1000) as farm:
            urls = farm.urls()
            toasters = {name: (run_mod.Toaster(box, f"t{i}", urls),
                               {**box.env, "PYTHONPATH": str(src)})
                        for i, (name, src) in enumerate(trees)}
            nb = run_mod.Newsboat(box, "nb", urls, NEWSBOAT_THREADS) if newsboat else None
            for i in range(args.runs):
                line = [f"round {i + 1}:"]
                for name, (toaster, env) in toasters.items():
                    r = _refresh(toaster, env, farm)
                    walls[name].append(r.wall)
                    cpus[name].append(r.cpu)
                    line.append(f"{name} {r.wall:.2f} s (cpu {r.cpu:.1f} s)")
                if nb is not None:
                    nb.wipe()
                    r = nb.reload(farm)
                    walls["newsboat"].append(r.wall)
                    cpus["newsboat"].append(r.cpu)
                    line.append(f"newsboat {r.wall:.2f} s (cpu {r.cpu:.1f} s)")
                print("  ".join(line), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    nb_med = statistics.median(walls["newsboat"]) if walls["newsboat"] else None
    print(f"\ncold refresh, {args.feeds} feeds, {args.latency_ms:g} ms, {args.runs} rounds")
    for name in walls:
        if not walls[name]:
            continue
        ratio = (f"  ratio {statistics.median(walls[name]) / nb_med:.3f}"
                 if nb_med and name != "newsboat" else "")
        print(f"  {name:24s} wall {_cell(walls[name])}  cpu {_cell(cpus[name])}{ratio}")
    return 0


ROOT_SRC = HERE.parent / "src"

if __name__ == "__main__":
    sys.exit(main())
