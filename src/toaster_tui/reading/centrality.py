"""Sentence centrality (LexRank): which sentences say what the others say.

Sentences are TF-IDF word vectors; two sentences are as close as the cosine of
their vectors; a sentence is central when sentences close to it are central
too (PageRank on that weighted graph). Pure Python, no dependency: callers cap
the number of sentences (cost grows with pairs sharing a word).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

__all__ = ["centrality", "similarity"]

_WORD_RE = re.compile(r"[^\W\d_]{3,}")
# Words that link any two sentences. Terms in more than half the sentences are
# dropped too, which covers other languages' function words.
_STOP_WORDS = """
about after again also among and any are because been before being both but can
could did does doing down each even every few for from had has have her here hers
him his how into its just like more most much must not now off once one only other
our out over own same she should some such than that the their them then there these
they this those through too under until very was way were what when where which while
who whom why will with would yet you your les des une est pas que qui dans pour par sur
avec mais ont sont der die das und ist nicht mit den dem ein eine
"""
_STOP = frozenset(_STOP_WORDS.split())
_DAMPING = 0.85
_ROUNDS = 40


def _terms(sentence: str) -> Counter[str]:
    words = (w.casefold() for w in _WORD_RE.findall(sentence))
    # A light plural fold: "starters" and "starter" are one term.
    return Counter(w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w
                   for w in words if w not in _STOP)


def _vectors(sentences: list[str]) -> list[dict[str, float]]:
    """Unit-length TF-IDF vectors (log tf, smoothed idf)."""
    counts = [_terms(s) for s in sentences]
    df = Counter(t for c in counts for t in c)
    n = len(sentences)
    vectors: list[dict[str, float]] = []
    for c in counts:
        v = {t: (1 + math.log(k)) * math.log((1 + n) / df[t])
             for t, k in c.items() if df[t] * 2 <= n or n < 4}
        norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
        vectors.append({t: w / norm for t, w in v.items()})
    return vectors


def similarity(vectors: list[dict[str, float]]) -> list[dict[int, float]]:
    """Cosine similarity of every pair sharing a term, via an inverted index."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, v in enumerate(vectors):
        for t, w in v.items():
            postings[t].append((i, w))
    sims: list[dict[int, float]] = [defaultdict(float) for _ in vectors]
    for plist in postings.values():
        for a, (i, wi) in enumerate(plist):
            row = sims[i]
            for j, wj in plist[a + 1:]:
                row[j] += wi * wj
                sims[j][i] += wi * wj
    return sims


def centrality(sentences: list[str]) -> tuple[list[float], list[dict[int, float]]]:
    """LexRank score of each sentence (they sum to 1), and the similarities."""
    n = len(sentences)
    if n == 0:
        return [], []
    sims = similarity(_vectors(sentences))
    totals = [sum(row.values()) for row in sims]
    score = [1.0 / n] * n
    for _ in range(_ROUNDS):
        # Sentences linked to nothing spread their score evenly (PageRank's rule).
        dangling = sum(score[i] for i in range(n) if not totals[i])
        base = (1 - _DAMPING) / n + _DAMPING * dangling / n
        nxt = [base] * n
        for i, row in enumerate(sims):
            if totals[i]:
                share = _DAMPING * score[i] / totals[i]
                for j, w in row.items():
                    nxt[j] += share * w
        delta = sum(abs(a - b) for a, b in zip(nxt, score, strict=True))
        score = nxt
        if delta < 1e-6:
            break
    return score, sims
