"""Summaries before and after sentence centrality, on real sample articles,
and their cost (median ms) on the longest sample and a generated 20k-word one.

    python benchmarks/summaries.py              # every sample article
    python benchmarks/summaries.py --limit 10   # the first ten

"Old" is the lead-sentence summarize() as it was, copied below (not in src);
each gets what store/detail.py gave it: the old one the plain `text` column,
the new one the Markdown the reader pane shows.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from toaster_tui.core.sanitize import clean_line, clean_text
from toaster_tui.feeds.parse import parse_feed
from toaster_tui.reading.html_convert import html_to_markdown, html_to_text
from toaster_tui.reading.sentences import match_key, split_sentences, truncate
from toaster_tui.reading.summary import summarize

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "src/toaster_tui/demo/data", ROOT / "tests/app/data"]

# --- the old summarize (lead sentences), kept here only to compare -------------
_TRAILERS_RE = re.compile(
    r"(?:\[?(?:…|\.\.\.)\]?|read more|continue reading|the post .*? appeared first on .*?)\W*$",
    re.I,
)


def _old_is_distinct(summary: str, body: str) -> bool:
    s = match_key(_TRAILERS_RE.sub("", summary[:2000]))[:200]
    if not s:
        return False
    b = match_key(body)
    return not b or (s not in b and not s.startswith(b))


def _old_pick(sentences: list[str], n: int) -> list[str]:
    long_ = [s for s in sentences if len(s.split()) >= 4]
    full = [s for s in long_ if s.rstrip("\"'”’»)]").endswith((".", "!", "?", "…"))]
    return [truncate(clean_line(s), 400) for s in (full or long_ or sentences)[:n]]


def old_summarize(text: str, feed_summary: str = "", max_sentences: int = 3) -> list[str]:
    text, feed_summary = clean_text(text), clean_text(feed_summary)
    n = max(max_sentences, 0)
    body = split_sentences(text)
    if _old_is_distinct(feed_summary, text):
        own = split_sentences(feed_summary)
        if any(len(s.split()) >= 4 for s in own) or not body:
            return _old_pick(own, n)
    return _old_pick(body, n)


# --- articles -------------------------------------------------------------------
Article = tuple[str, str, str, str]  # title, plain text, markdown, feed summary


def sample_articles() -> list[Article]:
    out: list[Article] = []
    for folder in SOURCES:
        for path in sorted(folder.glob("*.xml")) + sorted(folder.glob("*.json")):
            feed = parse_feed(path.read_bytes(), f"https://example.org/{path.name}")
            for e in feed.entries:
                fs = html_to_text(e.summary_html) if e.summary_html != e.content_html else ""
                out.append((f"{path.relative_to(ROOT)}: {e.title}", e.text,
                            html_to_markdown(e.content_html, base_url=e.url), fs))
    return out


def generated_html(words: int, seed: int = 7) -> str:
    """Prose paragraphs with headings, lists and links: about `words` words."""
    rng = random.Random(seed)
    vocab = [rng.choice("bcdfglmnprstv") + rng.choice("aeiou") + rng.choice("lnrst")
             + rng.choice("aeiou") + rng.choice("nrst") for _ in range(1500)]
    glue = ["the", "a", "of", "and", "to", "in", "is", "that", "for", "with", "as", "on"]
    parts: list[str] = []
    count = 0
    while count < words:
        if rng.random() < 0.1:
            parts.append(f"<h2>{' '.join(rng.choices(vocab, k=3)).title()}</h2>")
        if rng.random() < 0.1:
            parts.append("<ul>" + "".join(f"<li>{' '.join(rng.choices(vocab, k=4))}</li>"
                                          for _ in range(3)) + "</ul>")
        sentences = []
        for _ in range(rng.randint(3, 6)):
            n = rng.randint(8, 25)
            ws = [rng.choice(glue) if rng.random() < 0.35 else rng.choice(vocab)
                  for _ in range(n)]
            if rng.random() < 0.2:
                ws[2] = f'<a href="https://example.org/{ws[2]}">{ws[2]}</a>'
            sentences.append(" ".join(ws).capitalize() + ".")
            count += n
        parts.append(f"<p>{' '.join(sentences)}</p>")
    return "\n".join(parts)


def median_ms(fn: Callable[[], object], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--limit", type=int, default=0, help="show only the first N articles")
    args = ap.parse_args()
    articles = sample_articles()
    shown = articles[:args.limit] if args.limit else articles
    changed = 0
    for title, text, md, fs in shown:
        old, new = old_summarize(text, fs), summarize(md, fs)
        changed += old != new
        print(f"## {title}  ({len(text.split())} words{', feed summary' if fs else ''})")
        print("  old: " + "\n       ".join(old))
        print("  new: " + "\n       ".join(new) + ("" if old != new else "   (same)"))
        print()
    print(f"{changed} of {len(shown)} summaries changed\n")

    title, text, md, fs = max(articles, key=lambda a: len(a[1]))
    big = generated_html(20_000)
    big_text, big_md = html_to_text(big), html_to_markdown(big)
    print("median ms                          old (lead)  new (centrality)")
    words = len(text.split())
    rows = [(f"longest sample ({words} words)", text, md, fs),
            (f"same, feed summary ignored ({words})", text, md, ""),
            (f"generated ({len(big_text.split())} words)", big_text, big_md, "")]
    for name, t, m, f in rows:
        before = median_ms(partial(old_summarize, t, f))
        after = median_ms(partial(summarize, m, f))
        print(f"{name:<36} {before:8.2f} {after:10.2f}")


if __name__ == "__main__":
    main()
