"""Language tags as feeds write them, reduced to one primary subtag."""

from __future__ import annotations

import re

from toaster_tui.core.sanitize import clean_line

__all__ = ["normalize_language"]

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
    """First usable language tag as a lower-case primary subtag, else "unknown"."""
    for cand in candidates:
        s = clean_line(cand).lower()
        s = re.split(r"[,;\s]", s, maxsplit=1)[0] if s else ""
        s = _LANG_ALIASES.get(s, s)
        m = _LANG_RE.fullmatch(s)
        if m and m.group(1) not in _NOT_A_LANGUAGE:
            return _LANG_ALIASES.get(m.group(1), m.group(1))
    return "unknown"
