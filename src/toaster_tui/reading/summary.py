"""Extractive summaries: the feed's own summary when it says something, else
the article's most central sentences (the lead sentences of a short one).

The rule, in order:
1. A feed summary that says something the article does not (not its opening
   again, not a truncation of it) wins: the author wrote it as the summary.
2. A short article (fewer than `MIN_PARAGRAPHS` prose paragraphs): its leading
   sentences, which are its point.
3. A longer one: its most central sentences (LexRank over the first
   `MAX_SENTENCES` prose sentences), in article order, at most one of them from
   the lead paragraph and none repeating another: so the Summary never just
   copies the opening printed below it.
Headings, list items, quotes, code, tables, image labels, sentences that are
mostly links, and very short or very long sentences are never central; a
feed's or a site's stock lines ("Read more", "The post X appeared first on Y",
see reading/boilerplate.py) are never in a summary at all.

No summary for an article of at most `MIN_SENTENCES` sentences (stock lines not
counted): it would only repeat them, right above them. The feed's own summary,
when distinct (rule 1), is still shown: it does not repeat the article.
"""

from __future__ import annotations

import re

from toaster_tui.core.sanitize import clean_line, clean_text
from toaster_tui.reading.boilerplate import is_boilerplate
from toaster_tui.reading.centrality import centrality
from toaster_tui.reading.prose import Prose, read_prose, without_markup
from toaster_tui.reading.sentences import match_key, split_sentences, truncate

__all__ = ["summarize"]

MIN_PARAGRAPHS = 4
MIN_SENTENCES = 2  # an article of this many sentences or fewer gets no summary
MAX_SENTENCES = 200  # LexRank cost grows with pairs: the first 200 are plenty
_REDUNDANT = 0.5  # cosine above which a sentence repeats one already chosen
_FALLBACK_LINES = 50

_TRAILERS_RE = re.compile(
    r"(?:\[?(?:…|\.\.\.)\]?|read more|continue reading|the post .*? appeared first on .*?)\W*$",
    re.I,
)


def _is_distinct(summary: str, body: str) -> bool:
    """The feed's summary says something the body's opening does not."""
    # Only the first 200 characters count: the trailer regex never sees more
    # than a bounded head (it is quadratic on "... ... ..." otherwise).
    s = match_key(_TRAILERS_RE.sub("", summary[:2000]))[:200]
    if not s:
        return False
    b = match_key(body)
    return not b or (s not in b and not s.startswith(b))


def _own_words(sentences: list[str]) -> list[str]:
    return [s for s in sentences if not is_boilerplate(s)]


def _pick(sentences: list[str], n: int) -> list[str]:
    # Prefer real sentences: 4+ words, ending like one (headings do not).
    long_ = [s for s in sentences if len(s.split()) >= 4]
    full = [s for s in long_ if s.rstrip("\"'”’»)]").endswith((".", "!", "?", "…"))]
    return [truncate(clean_line(s), 400) for s in (full or long_ or sentences)[:n]]


def _central(prose: Prose, n: int) -> list[str]:
    """The `n` most central candidates in article order; [] for a short article."""
    cands = prose.candidates
    if prose.paragraphs < MIN_PARAGRAPHS or len(cands) <= n:
        return []
    scores, sims = centrality([c.text for c in cands])
    lead = cands[0].paragraph
    chosen: list[int] = []
    for i in sorted(range(len(cands)), key=lambda i: (-scores[i], i)):
        if len(chosen) == n:
            break
        if cands[i].paragraph == lead and any(cands[j].paragraph == lead for j in chosen):
            continue
        if any(sims[i].get(j, 0.0) > _REDUNDANT for j in chosen):
            continue
        chosen.append(i)
    return [truncate(clean_line(cands[i].text), 400) for i in sorted(chosen)]


def summarize(text: str, feed_summary: str = "", max_sentences: int = 3) -> list[str]:
    """Up to `max_sentences` sentences summing up `text` (light Markdown or plain
    text), or the feed's own summary when distinct; see the module's rule."""
    try:
        text, feed_summary = clean_text(text), clean_text(feed_summary)
        n = max(max_sentences, 0)
        if n == 0:
            return []
        own = _own_words(split_sentences(feed_summary))
        if (own and _is_distinct(" ".join(own), without_markup(text))
                and (any(len(s.split()) >= 4 for s in own) or not text.strip())):
            return _pick(own, n)
        prose = read_prose(text, MAX_SENTENCES, _FALLBACK_LINES)
        sentences = _own_words(split_sentences("\n".join(prose.lines or prose.other)))
        if len(sentences) <= MIN_SENTENCES:
            return []
        return _central(prose, n) or _pick(sentences, n)
    except Exception:
        return []
