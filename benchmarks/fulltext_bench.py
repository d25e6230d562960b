"""Full-article extraction: quality and cost, ours beside the alternatives.

    python benchmarks/fulltext_bench.py              # the table
    python benchmarks/fulltext_bench.py --pages      # and one row per page
    python benchmarks/fulltext_bench.py --repeat 10  # more timing runs

Quality: each page in benchmarks/pages/ (NAME.html) has its hand-checked body
(NAME.txt). An extractor's output, turned into the text a reader sees, is
compared with it by 4-word shingles (word 4-grams, counted with multiplicity):
precision is the share of the output's shingles that are in the body, recall
the share of the body's shingles that are in the output. A page with no
article: an extractor scores 1 there if it returns
nothing and 0 if it returns text. Figures are means over a category's pages.
The category is the name's first word: news, blog, docs, forum; none_* pages
have no article (a home page of teasers, a sign-in page) and no NAME.txt.

Cost: milliseconds per page (median of --repeat runs over the corpus), pages
per second on one core, and peak memory: each extractor runs in a fresh
process that reports its peak RSS growth from before the library's import to
the end of the corpus (lxml's C heap included, which tracemalloc cannot see)
and tracemalloc's Python peak while extracting.

Extractors: (a) trafilatura with its defaults (text output), (b)
readability-lxml when it is installed (a comparison only, not a dependency),
(c) toaster's extract_article: trafilatura with toaster's settings and clean-up.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

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


def extractors() -> dict[str, Extractor]:
    found: dict[str, Extractor] = {"trafilatura defaults": trafilatura_defaults}
    try:
        import readability as _  # type: ignore[import-not-found,unused-ignore]  # noqa: F401

        found["readability-lxml"] = readability
    except ImportError:
        print("readability-lxml is not installed: its column is skipped", file=sys.stderr)
    found["toaster extract_article"] = ours
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


def _cost(name: str, repeat: int, queue: multiprocessing.Queue[tuple[float, float, float]]) -> None:
    """In a fresh process: median ms per page, peak RSS growth from before the
    extractor's import (MB) and the Python heap's peak while extracting (KB)."""
    pages = corpus()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # before the library's import
    extract = extractors()[name]
    extract(pages[0][2], url_of(pages[0][0]))  # imports and caches load outside the timings
    tracemalloc.start()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for page, _cat, html, _body in pages:
            extract(html, url_of(page))
        runs.append((time.perf_counter() - t0) * 1000 / len(pages))
    py_peak = tracemalloc.get_traced_memory()[1] / 2**10
    tracemalloc.stop()
    rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
    queue.put((statistics.median(runs), rss, py_peak))


def cost(name: str, repeat: int) -> tuple[float, float, float]:
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[tuple[float, float, float]] = ctx.Queue()
    proc = ctx.Process(target=_cost, args=(name, repeat, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timing runs over the corpus")
    parser.add_argument("--pages", action="store_true", help="also print one row per page")
    args = parser.parse_args()

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
    cols = ("ms/page", "pages/s", "peak RSS +MB", "py peak KB")
    print(f"{'extractor':26}| " + " | ".join(f"{c:>8}" for c in cols))
    for name in found:
        ms, rss, py = cost(name, args.repeat)
        print(f"{name:26}| {ms:8.2f} | {1000 / ms:8.1f} | {rss:12.1f} | {py:10.0f}")


if __name__ == "__main__":
    main()
