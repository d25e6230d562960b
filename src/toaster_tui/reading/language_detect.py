"""Guess an article's language from its text, for feeds that declare none.

Scripts with one main language (Greek, Hangul, kana, Han, Hebrew, Thai, ...)
decide by themselves; Latin, Cyrillic, Arabic and Devanagari text is scored
against stop-word profiles (language_profiles). An answer is given only when
it is clear: enough words, enough of them function words of the winner, and
a clear lead over the runner-up. Otherwise "" — a wrong label is worse than
none. Runs per entry at parse time, so it looks at a bounded sample only.
"""

from __future__ import annotations

import re
from collections import Counter

from toaster_tui.reading.language_profiles import ARABIC, CYRILLIC, DEVANAGARI, LATIN

__all__ = ["SAMPLE_CHARS", "detect_language"]

SAMPLE_CHARS = 2000
"""Characters of the text looked at, at most (the opening says enough)."""
FIRST_LOOK = 700
"""Characters looked at first: most articles are clear by then, and it is cheaper."""
MIN_WORDS = 8
"""Fewer words than this cannot be told apart (a title, a version number)."""
MIN_SCORE = 3.0
"""The winner's weighted stop-word count must reach this."""
MIN_SHARE = 0.12
"""... and its stop words must be this share of the words (not a list of names)."""
LEAD = 1.4
"""... and it must beat the runner-up by this factor."""
MIN_SCRIPT_LETTERS = 20
"""Letters of a one-language script needed to name it."""

_Weights = dict[str, tuple[tuple[int, float], ...]]
_Table = tuple[tuple[str, ...], _Weights, frozenset[str]]


def _table(profiles: dict[str, str]) -> _Table:
    # A word in k profiles gives 1/k to each: shared words barely move the
    # ranking, words of one language decide it.
    codes = tuple(profiles)
    owners: dict[str, list[int]] = {}
    for index, code in enumerate(codes):
        for word in set(profiles[code].split()):
            owners.setdefault(word, []).append(index)
    weights = {w: tuple((i, 1 / len(ix)) for i in ix) for w, ix in owners.items()}
    return codes, weights, frozenset(weights)


_LATIN = _table(LATIN)
_CYRILLIC = _table(CYRILLIC)
_ARABIC = _table(ARABIC)
_DEVANAGARI = _table(DEVANAGARI)

# Letter runs of lower-cased text (a narrow class: much faster than [^\W\d_]).
_LATIN_WORD = re.compile(r"[a-z\u00df-\u024f]+")
_CYRILLIC_WORD = re.compile(r"[\u0430-\u045f\u0491\u0454\u0456\u0457\u0463\u046b]+")
_ARABIC_WORD = re.compile(r"[\u0620-\u065f\u066e-\u06d3\u06fa-\u06ff]+")
_DEVANAGARI_WORD = re.compile(r"[\u0900-\u0963\u0971-\u097f]+")  # with its vowel signs
# Anything but Latin letters, digits, spaces and punctuation: most text has little.
_NOT_LATIN = re.compile(r"[^\x00-\u024f\u2000-\u206f\u00a0]+")
# Letters of each script, as runs (summing run lengths is cheaper than one match each).
_SCRIPTS: dict[str, re.Pattern[str]] = {
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f]+"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]+"),
    "greek": re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]+"),
    "arabic": re.compile(r"[\u0620-\u06ff]+"),
    "hebrew": re.compile(r"[\u05d0-\u05ea]+"),
    "devanagari": re.compile(r"[\u0900-\u097f]+"),
    "thai": re.compile(r"[\u0e00-\u0e7f]+"),
    "hangul": re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+"),
    "kana": re.compile(r"[\u3040-\u30ff]+"),
    "han": re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]+"),
    "georgian": re.compile(r"[\u10a0-\u10ff]+"),
    "armenian": re.compile(r"[\u0531-\u058f]+"),
}
_ONE_LANGUAGE = {"greek": "el", "hebrew": "he", "thai": "th", "hangul": "ko",
                 "georgian": "ka", "armenian": "hy"}


def detect_language(text: str) -> str:
    """A primary language subtag ("en", "fr", ...) when the text makes it clear, else ""."""
    found = _detect(text[:FIRST_LOOK])
    if found or len(text) <= FIRST_LOOK:
        return found
    return _detect(text[:SAMPLE_CHARS])


def _detect(sample: str) -> str:
    if sample.isascii() or 4 * sum(map(len, _NOT_LATIN.findall(sample))) < len(sample):
        return _by_stop_words(_LATIN_WORD.findall(sample.lower()), _LATIN)
    letters = {name: sum(map(len, rx.findall(sample))) for name, rx in _SCRIPTS.items()}
    letters["cjk"] = letters["kana"] + letters["han"]
    script = max(("latin", "cyrillic", "greek", "arabic", "hebrew", "devanagari", "thai",
                  "hangul", "cjk", "georgian", "armenian"), key=letters.__getitem__)
    if script == "latin":
        return _by_stop_words(_LATIN_WORD.findall(sample.lower()), _LATIN)
    if script == "cyrillic":
        return _by_stop_words(_CYRILLIC_WORD.findall(sample.lower()), _CYRILLIC)
    if script == "arabic":
        return _by_stop_words(_ARABIC_WORD.findall(sample), _ARABIC)
    if script == "devanagari":
        return _by_stop_words(_DEVANAGARI_WORD.findall(sample), _DEVANAGARI)
    if letters[script] < MIN_SCRIPT_LETTERS:
        return ""
    if script == "cjk":
        # Japanese writes kana between its kanji; Chinese has none.
        return "ja" if letters["kana"] >= 0.1 * letters["cjk"] else "zh"
    return _ONE_LANGUAGE[script]


def _by_stop_words(words: list[str], table: _Table) -> str:
    codes, weights, vocabulary = table
    if len(words) < MIN_WORDS:
        return ""
    scores = [0.0] * len(codes)
    hits = [0] * len(codes)
    counts = Counter(words)
    for word in counts.keys() & vocabulary:
        times = counts[word]
        for index, weight in weights[word]:
            scores[index] += weight * times
            hits[index] += times
    order = sorted(range(len(codes)), key=scores.__getitem__, reverse=True)
    best = order[0]
    runner_up = scores[order[1]] if len(order) > 1 else 0.0
    if (scores[best] < MIN_SCORE or hits[best] < MIN_SHARE * len(words)
            or scores[best] < LEAD * runner_up):
        return ""
    return codes[best]
