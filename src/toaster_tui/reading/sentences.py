"""Sentences: splitting text into them, cutting one to a length, comparing them."""

from __future__ import annotations

import re

from toaster_tui.core.sanitize import clean_text

__all__ = ["match_key", "split_sentences", "truncate"]

_WS_RE = re.compile(r"\s+")
# Possessive, and only from the start of a run: linear on "!!!!..." too.
_BOUNDARY_RE = re.compile(r"(?<![.!?…])([.!?…]++)([\"'”’»)\]]*+)\s+")
_OPENERS = "\"'“‘«„([¿¡"
_INITIALS_RE = re.compile(r"(?:\w\.)*\w", re.UNICODE)
_ABBREV_WORDS = (
    "mr mrs ms dr prof sr jr st vs cf fig figs no nos inc ltd co corp dept est gen gov lt col "
    "capt sgt rev hon mt ft vol eds ed approx al jan feb mar apr jun jul aug sep sept oct nov "
    "dec mon tue wed thu fri sat sun"
)
_ABBREV = frozenset(_ABBREV_WORDS.split())


def split_sentences(text: str) -> list[str]:
    """Split on . ! ? before a capital, digit or quote; newlines always split."""
    out: list[str] = []
    for para in clean_text(text).split("\n"):
        para = _WS_RE.sub(" ", para).strip()
        start = 0
        for m in _BOUNDARY_RE.finditer(para):
            nxt = para[m.end():m.end() + 1]
            if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
                continue
            if m.group(1) == "." and not m.group(2):
                # rfind, not a slice: many skipped abbreviations must stay linear.
                space = para.rfind(" ", start, m.start())
                word = para[max(space + 1, start):m.start()].lstrip(_OPENERS).lower()
                if word in _ABBREV or (len(word) <= 6 and _INITIALS_RE.fullmatch(word)
                                       and (len(word) == 1 or "." in word)):
                    continue
            sentence = para[start:m.end()].strip()
            if sentence:
                out.append(sentence)
            start = m.end()
        tail = para[start:].strip()
        if tail:
            out.append(tail)
    return out


def truncate(s: str, limit: int) -> str:
    """`s` cut to `limit` characters at a word, with "…" when cut."""
    if len(s) <= limit:
        return s
    cut = s[:max(limit - 1, 1)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" .,;:-–—") + "…"


def match_key(s: str) -> str:
    """Letters and digits, case-folded: equal for texts that say the same."""
    return "".join(ch for ch in s.casefold() if ch.isalnum())
