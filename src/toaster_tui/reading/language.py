"""An article's language: the tag its entry or feed declares, else one told from its text.

Tags are reduced to one primary subtag ("en-US" -> "en"). "" means not known:
nothing declared and the text too short or too mixed to tell (see
language_detect). The reader and `toaster show` then show no language, and
JSON gives null.
"""

from __future__ import annotations

import re

from toaster_tui.core.sanitize import clean_line
from toaster_tui.reading.language_detect import detect_language

__all__ = ["entry_language", "known_language", "normalize_language"]

_LANG_RE = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*")
# Names and ISO 639-2 codes some feeds use, and retired ISO 639-1 codes.
_LANG_ALIASES = {
    "english": "en", "german": "de", "deutsch": "de", "french": "fr", "français": "fr",
    "spanish": "es", "español": "es", "italian": "it", "portuguese": "pt", "dutch": "nl",
    "japanese": "ja", "chinese": "zh", "russian": "ru", "eng": "en", "deu": "de", "ger": "de",
    "fra": "fr", "fre": "fr", "spa": "es", "ita": "it", "por": "pt", "nld": "nl", "dut": "nl",
    "jpn": "ja", "zho": "zh", "chi": "zh", "rus": "ru", "iw": "he", "in": "id", "ji": "yi",
}
_NOT_A_LANGUAGE = frozenset({"und", "mul", "zxx", "mis"})


def normalize_language(*candidates: str | None) -> str:
    """First usable language tag as a lower-case primary subtag, else ""."""
    for cand in candidates:
        s = clean_line(cand).lower()
        s = re.split(r"[,;\s]", s, maxsplit=1)[0] if s else ""
        s = _LANG_ALIASES.get(s, s)
        m = _LANG_RE.fullmatch(s)
        if m and m.group(1) not in _NOT_A_LANGUAGE:
            return _LANG_ALIASES.get(m.group(1), m.group(1))
    return ""


def entry_language(language: str | None, feed_language: str | None, text: str) -> str:
    """The entry's declared language, else the feed's, else detected from `text`, else ""."""
    return normalize_language(language, feed_language) or detect_language(text)


def known_language(stored: str | None) -> str | None:
    """A stored language to show, or None (caches written before detection hold "unknown")."""
    return stored if stored and stored != "unknown" else None
