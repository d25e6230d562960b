"""Full-article extraction: quality and cost, ours beside the alternatives.

    python benchmarks/fulltext_bench.py              # the table
    python benchmarks/fulltext_bench.py --pages      # and one row per page
    python benchmarks/fulltext_bench.py --repeat 10  # more timing runs
    python benchmarks/fulltext_bench.py --refresh-only --refresh-runs 5

Quality: each page in benchmarks/pages/ (NAME.html) has its hand-checked body
(NAME.txt). An extractor's output, turned into the text a reader sees, is
compared with it by 4-word shingles (word 4-grams, counted with multiplicity):
precision is the share of the output's shingles that are in the body, recall
the share of the body's shingles that are in the output. A page with no
article: an extractor scores 1 there if it returns
nothing and 0 if it returns text. Figures are means over a category's pages.
The category is the name's first word: news, blog, docs, forum; none_* pages
have no article (a home page of teasers, a sign-in page) and no NAME.txt.

Cost: CPU milliseconds per page (the median of --repeat runs over the corpus;
wall time is printed beside it, but on a shared machine it counts other
processes' turns too), pages per second of one core, and memory: each
extractor runs in a fresh process that reports its peak RSS growth (the
process's peak RSS, VmHWM, at the end less its RSS before the library's import;
lxml's C heap included, which tracemalloc cannot see), and, in another fresh
process, tracemalloc's Python peak over one pass (tracemalloc slows allocation
several times and takes memory of its own: it never runs where the time and
RSS are measured).

REFRESH (benchmarks/fulltext_refresh.py): a real `toaster refresh` of
--refresh-feeds excerpt-only feeds of --refresh-items items each, with
full_text = true, served from loopback (one host per feed), fetching every
article's page: the corpus's 17 pages as written (2-8 KB; the 2 with no
article end as failures, as some links of real feeds do), then the same padded
to --pad-kb KB with the scripts, styles, menus and teasers around an article
on a real news page. Per row, medians of --refresh-runs runs, each on a
fresh database: the feeds phase (start to the feeds' line), the pages phase
(the feeds' line to "N full articles: ..."), pages per second and wall ms per
page in it, CPU ms per page (the process tree's CPU in the pages phase / pages),
the main process's RSS at the feeds' line and its peak in the pages phase, and
the peak RSS of the whole run (the parse processes included).

Extractors: (a) trafilatura with its defaults (text output), (b)
readability-lxml when it is installed (a comparison only, not a dependency),
(c) toaster's extract_article: trafilatura with toaster's settings and clean-up.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from fulltext_refresh import RefreshRun, refresh_runs  # the file beside this one
from toaster_tui.reading.html_convert import html_to_text

PAGES = Path(__file__).parent / "pages"
N = 4  # shingle length in words
_WORD_RE = re.compile(r"\w+")

Extractor = Callable[[str, str], str | None]


def trafilatura_defaults(html: str, url: str) -> str | None:
    import trafilatura

    out = trafilatura.extract(html, url=url)
    return out if isinstance(out, str) else None


def readability(html: str, url: str) -> str | None:
    from readability import Document  # type: ignore[import-not-found,unused-ignore]

    out = Document(html, url=url).summary(html_partial=True)
    return html_to_text(out) if isinstance(out, str) else None


def ours(html: str, url: str) -> str | None:
    from toaster_tui.reading.page_extract import extract_article

    out = extract_article(html, url)
    return html_to_text(out) if out is not None else None


ALL: dict[str, Extractor] = {"trafilatura defaults": trafilatura_defaults,
                             "readability-lxml": readability,
                             "toaster extract_article": ours}


def extractors() -> dict[str, Extractor]:
    """Those installed (the check imports readability: never in a cost process)."""
    found = dict(ALL)
    try:
        import readability as _  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        print("readability-lxml is not installed: its column is skipped", file=sys.stderr)
        del found["readability-lxml"]
    return found


def shingles(text: str) -> Counter[tuple[str, ...]]:
    words = _WORD_RE.findall(text.lower())
    if len(words) < N:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + N]) for i in range(len(words) - N + 1))


def score(output: str | None, expected: str | None) -> tuple[float, float, float]:
    """(precision, recall, F1); `expected` None means a page with no article."""
    if expected is None:
        right = 1.0 if output is None or not output.strip() else 0.0
        return right, right, right
    got, want = shingles(output or ""), shingles(expected)
    common = sum((got & want).values())
    p = common / sum(got.values()) if got else 0.0
    r = common / sum(want.values()) if want else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def corpus() -> list[tuple[str, str, str, str | None]]:
    """(name, category, html, expected body or None) for every page."""
    pages = []
    for path in sorted(PAGES.glob("*.html")):
        name, cat = path.stem, path.stem.split("_")[0]
        body = None if cat == "none" else path.with_suffix(".txt").read_text(encoding="utf-8")
        pages.append((name, cat, path.read_text(encoding="utf-8"), body))
    return pages


def url_of(name: str) -> str:
    return f"https://{name.split('_')[0]}.example/{name}"


def _status_kb(field: str) -> int:
    """A field of /proc/self/status in bytes: VmRSS (now), VmHWM (this process's peak;
    unlike ru_maxrss it does not start at the parent's peak from before the exec)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


Cost = tuple[float, float, float]  # CPU ms/page, wall ms/page, RSS growth MB


def _cost(name: str, repeat: int, queue: multiprocessing.Queue[Cost]) -> None:
    """In a fresh process: median CPU and wall ms per page over `repeat` runs of
    the corpus, and the peak RSS growth from before the extractor's import (MB)."""
    pages = corpus()
    base = _status_kb("VmRSS")  # before the library's import
    extract = ALL[name]
    extract(pages[0][2], url_of(pages[0][0]))  # imports and caches load outside the timings
    cpu, wall = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        for page, _cat, html, _body in pages:
            extract(html, url_of(page))
        cpu.append((time.process_time() - c0) * 1000 / len(pages))
        wall.append((time.perf_counter() - w0) * 1000 / len(pages))
    queue.put((statistics.median(cpu), statistics.median(wall),
               (_status_kb("VmHWM") - base) / 2**20))


def _python_peak(name: str, queue: multiprocessing.Queue[float]) -> None:
    """In a fresh process: tracemalloc's peak (KB) over one pass of the corpus
    after the first page (tracemalloc slows allocation and costs memory of its
    own, so it never runs in the process that is timed and weighed)."""
    pages = corpus()
    extract = ALL[name]
    extract(pages[0][2], url_of(pages[0][0]))
    tracemalloc.start()
    for page, _cat, html, _body in pages:
        extract(html, url_of(page))
    queue.put(tracemalloc.get_traced_memory()[1] / 2**10)


def cost(name: str, repeat: int) -> tuple[float, float, float, float]:
    """CPU ms/page, wall ms/page, RSS growth MB, Python peak KB: two fresh processes."""
    ctx = multiprocessing.get_context("spawn")
    timed: multiprocessing.Queue[Cost] = ctx.Queue()
    proc = ctx.Process(target=_cost, args=(name, repeat, timed))
    proc.start()
    ms, wall, rss = timed.get()
    proc.join()
    traced: multiprocessing.Queue[float] = ctx.Queue()
    proc = ctx.Process(target=_python_peak, args=(name, traced))
    proc.start()
    py = traced.get()
    proc.join()
    return ms, wall, rss, py


def print_refresh(args: argparse.Namespace) -> None:
    n = args.refresh_feeds * args.refresh_items
    print(f"\nREFRESH: toaster refresh, {args.refresh_feeds} excerpt feeds x "
          f"{args.refresh_items} items, full_text = true, {n} pages from loopback "
          f"(median of {args.refresh_runs} runs, fresh database each)\n")
    cols = ("feeds s", "pages s", "pages/s", "ms/page", "CPU ms/pg", "RSS@feeds",
            "pages pk", "run peak", "fetched")
    print(f"{'pages':22}| " + " | ".join(f"{c:>9}" for c in cols))
    for label, pad in (("as written (2-8 KB)", 0), (f"padded to {args.pad_kb} KB", args.pad_kb)):
        runs = refresh_runs(args.refresh_runs, args.refresh_feeds, args.refresh_items,
                            args.refresh_hosts, pad)

        def med(get: Callable[[RefreshRun], float], runs: list[RefreshRun] = runs) -> float:
            return statistics.median(get(r) for r in runs)

        pages_s = med(lambda r: r.pages_s)
        fetched = f"{min(r.fetched for r in runs)}/{max(r.pages for r in runs)}"
        vals = (f"{med(lambda r: r.feeds_s):9.2f}", f"{pages_s:9.2f}",
                f"{med(lambda r: r.pages / r.pages_s):9.1f}",
                f"{med(lambda r: r.pages_s * 1000 / max(r.pages, 1)):9.1f}",
                f"{med(lambda r: r.pages_cpu_s * 1000 / max(r.pages, 1)):9.1f}",
                f"{med(lambda r: r.main_at_feeds) / 2**20:7.0f}MB",
                f"{med(lambda r: r.main_pages_peak) / 2**20:7.0f}MB",
                f"{med(lambda r: r.tree_peak) / 2**20:7.0f}MB", f"{fetched:>9}")
        print(f"{label:22}| " + " | ".join(vals))
    print("\n(feeds s: start to the feeds' line; pages s: from it to the full-articles line;"
          "\n pages/s and ms/page: pages (stored or failed) per second of it, and the inverse;"
          "\n CPU ms/pg: the process tree's CPU in it per page; RSS@feeds / pages pk: the main"
          "\n process's RSS at the feeds' line / its peak in the pages phase; run peak: the"
          "\n process tree's peak over the run, parse processes included; fetched: stored/all)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing runs over the corpus")
    parser.add_argument("--pages", action="store_true", help="also print one row per page")
    parser.add_argument("--refresh-only", action="store_true", help="only the REFRESH section")
    parser.add_argument("--skip-refresh", action="store_true", help="no REFRESH section")
    parser.add_argument("--refresh-runs", type=int, default=3, help="refreshes per row")
    parser.add_argument("--refresh-feeds", type=int, default=10, help="excerpt feeds")
    parser.add_argument("--refresh-items", type=int, default=20,
                        help="items per feed (each one page; a refresh fetches 50 at most)")
    parser.add_argument("--refresh-hosts", type=int, default=10, help="127.0.1.x addresses")
    parser.add_argument("--pad-kb", type=int, default=100, help="the padded pages' size")
    args = parser.parse_args()
    if not args.refresh_only:
        print_quality_and_cost(args)
    if not args.skip_refresh:
        print_refresh(args)


def print_quality_and_cost(args: argparse.Namespace) -> None:

    pages = corpus()
    found = extractors()
    scores: dict[str, dict[str, list[tuple[float, float, float]]]] = {}
    for name, extract in found.items():
        per: dict[str, list[tuple[float, float, float]]] = {}
        for page, cat, html, body in pages:
            s = score(extract(html, url_of(page)), body)
            per.setdefault(cat, []).append(s)
            if body is not None:
                per.setdefault("ALL articles", []).append(s)
            if args.pages:
                print(f"{page:28} {name:24} P {s[0]:.3f} R {s[1]:.3f} F1 {s[2]:.3f}")
        scores[name] = per

    cats = sorted({c for per in scores.values() for c in per if c != "ALL articles"})
    counts = Counter(cat for _p, cat, _h, _b in pages)
    print(f"\n{len(pages)} pages; 4-word shingle precision / recall / F1 (means per category)\n")
    head = f"{'category':16}" + "".join(f"| {n[:24]:^24} " for n in found)
    print(head)
    print("-" * len(head))
    for cat in [*cats, "ALL articles"]:
        n = counts[cat] if cat in counts else sum(v for c, v in counts.items() if c != "none")
        row = f"{cat + f' ({n})':16}"
        for name in found:
            vals = scores[name][cat]
            p, r, f = (statistics.fmean(v[i] for v in vals) for i in range(3))
            if cat == "none":  # the share of pages where the extractor returned nothing
                row += f"| {f:.3f} of pages: None "
            else:
                row += f"| {p:.3f} {r:.3f} {f:.3f}    "
        print(row)

    print(f"\ncost over the corpus (median of {args.repeat} runs, one core, fresh process each)\n")
    cols = ("CPU ms/page", "pages/s", "wall ms/page", "peak RSS +MB", "py peak KB")
    print(f"{'extractor':26}| " + " | ".join(f"{c:>12}" for c in cols))
    for name in found:
        ms, wall, rss, py = cost(name, args.repeat)
        print(f"{name:26}| {ms:12.2f} | {1000 / ms:12.1f} | {wall:12.2f} | {rss:12.1f} | "
              f"{py:12.0f}")


if __name__ == "__main__":
    main()
