"""Full-text search queries (FTS5): from what a user typed, and from an
article's most telling words (for its related articles)."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter

_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "also",
        "among",
        "an",
        "and",
        "another",
        "any",
        "are",
        "around",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "even",
        "every",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "into",
        "its",
        "itself",
        "just",
        "like",
        "made",
        "make",
        "many",
        "more",
        "most",
        "much",
        "must",
        "myself",
        "never",
        "now",
        "off",
        "once",
        "only",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "says",
        "should",
        "since",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "too",
        "under",
        "until",
        "upon",
        "very",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "within",
        "without",
        "would",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "also",
        "just",
        "still",
        "well",
        "back",
        "even",
        "new",
        "one",
        "two",
    ]
)


def fts_query(text: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query: every word must match,
    the last one as a prefix (search as you type). None when nothing to search."""
    words = _WORD.findall(text.lower())[:12]
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def short_prefix(text: str) -> bool:
    """The word being typed (matched as a prefix) has one or two letters: in a
    big cache it matches nearly every article, and just counting them is slow."""
    words = _WORD.findall(text.lower())[:12]
    return bool(words) and len(words[-1]) < 3


def telling_title_words(title: str) -> list[str]:
    """A title's words that say what it is about: no stopwords, no short words."""
    return [w for w in dict.fromkeys(_WORD.findall(title.lower()))
            if len(w) > 3 and w not in _STOPWORDS]


def shared_title_query(title: str) -> str | None:
    """Articles whose titles share two or more of this title's telling words.

    Two titles naming the same subject are related however common its words
    are: in a small cache bm25 gives a word found in half the articles no weight.
    """
    words = telling_title_words(title)[:6]
    pairs = [f'("{a}" AND "{b}")' for i, a in enumerate(words) for b in words[i + 1:]]
    return f"title : ({' OR '.join(pairs)})" if pairs else None


def related_query(db: sqlite3.Connection, title: str, text: str) -> str | None:
    """An OR query of the article's most telling words: title words first,
    then frequent body words, keeping those rare enough in the cache to mean
    something (document frequency from the fts5vocab table)."""
    title_words = telling_title_words(title)
    body = Counter(
        w
        for w in _WORD.findall(text.lower()[:20_000])
        if len(w) > 3 and w not in _STOPWORDS and not w.isdigit()
    )
    candidates = list(dict.fromkeys([*title_words, *(w for w, _ in body.most_common(30))]))
    if not candidates:
        return None
    # max(id) approximates the article count without a scan.
    total = int(db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])
    # Words in more than a twentieth of all articles say little about this
    # one, and each costs a long posting list to rank. Counting is capped, so
    # a common word costs no more than a rare one (fts5vocab reads it whole).
    # In a small cache, a word in half the articles is filler all the same.
    cap = min(max(50, total // 20), max(2, total // 2))
    docs: dict[str, int] = {}
    for word in candidates:
        docs[word] = int(db.execute(
            "SELECT count(*) FROM (SELECT rowid FROM articles_fts"
            " WHERE articles_fts MATCH ? LIMIT ?)",
            (f'"{word}"', cap + 1),
        ).fetchone()[0])
    useful = [w for w in candidates if 1 < docs[w] <= cap]
    useful.sort(key=lambda w: (w not in title_words, docs[w]))
    chosen = useful[:6]
    return " OR ".join(f'"{w}"' for w in chosen) if chosen else None


def own_words_query(db: sqlite3.Connection, title: str, text: str) -> str | None:
    """The article's most telling words, those no other article has included:
    what it scores against them is the scale for how related another one is
    (an article whose subject words are all its own has nothing related)."""
    title_words = telling_title_words(title)
    body = Counter(
        w
        for w in _WORD.findall(text.lower()[:20_000])
        if len(w) > 3 and w not in _STOPWORDS and not w.isdigit()
    )
    words = list(dict.fromkeys([*title_words, *(w for w, _ in body.most_common(6))]))[:8]
    return " OR ".join(f'"{w}"' for w in words) if words else None
