"""The small per-entry fields: a one-line title, a snippet, reading time, categories."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from toaster_tui.core.sanitize import clean_line
from toaster_tui.reading.html_convert import html_to_text
from toaster_tui.reading.sentences import truncate

__all__ = ["clean_categories", "make_snippet", "plain_text_title", "plain_title",
           "read_minutes", "read_minutes_of"]

# Inline formatting elements publishers put in titles. Block and other elements
# ("Use <div> wisely", "<script> tips") are what a title is about, not markup.
_FORMATTING_TAGS = (
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "del", "dfn",
    "em", "font", "i", "ins", "kbd", "mark", "nobr", "q", "s", "samp", "small", "span",
    "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
)
_VOID_FORMATTING = frozenset({"br", "wbr"})
# Possessive quantifiers keep both linear on hostile titles.
_FORMATTING_TAG_RE = re.compile(
    r"<(/?)(" + "|".join(sorted(_FORMATTING_TAGS, key=len, reverse=True)) + r")"
    r"(?=[\s/>])[^<>]*+>",
    re.IGNORECASE,
)
# Complete references only: "AT&T", "Q&A" and "&copy" without ";" stay as written.
_REFERENCE_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def plain_title(s: str | None) -> str:
    """An HTML title on one line: rendered to text, then plain_text_title."""
    if not s:
        return ""
    if "<" not in s and "&" not in s:
        return clean_line(s)
    return plain_text_title(html_to_text(s))


def plain_text_title(text: str | None) -> str:
    """A title's text as the reader shows it: one clean, terminal-safe line.

    `text` is the title after its format's own decoding: an HTML title already
    rendered to text, a plain-text one (Atom type="text", JSON Feed) as it is.
    Publishers escape titles once too often and put HTML in plain-text fields,
    so one more level is read, once:

    - formatting tags left in the text (b, i, em, strong, a, code, span, ...)
      are removed when they come in pairs (br and wbr alone); so
      "<b>Bold</b> move" -> "Bold move" but "The <em> element" stays;
    - any other "<" is text: "a < b", "Use <div> wisely", "<script> tips";
    - complete character references are decoded: "AT&amp;T" -> "AT&T",
      "Don&#8217;t" -> "Don’t"; "AT&T" and "&copy" (no ";") stay.

    Tags are removed before references are decoded, so "&lt;b&gt;" left in
    the text shows as "<b>": markup escaped on purpose stays visible.
    """
    if not text:
        return ""
    if "<" in text:
        text = _strip_formatting_tags(text)
    if "&" in text:
        text = _REFERENCE_RE.sub(_decode_reference, text)
    return clean_line(text)


def _decode_reference(match: re.Match[str]) -> str:
    return html.unescape(match.group())


def _strip_formatting_tags(text: str) -> str:
    """Remove paired formatting tags (and br/wbr); leave every other "<" alone."""
    matches = list(_FORMATTING_TAG_RE.finditer(text))
    if not matches:
        return text
    replace: dict[int, str] = {}
    open_at: dict[str, list[int]] = {}
    for i, m in enumerate(matches):
        name = m.group(2).lower()
        if name in _VOID_FORMATTING:
            replace[i] = " " if name == "br" else ""
        elif not m.group(1):
            open_at.setdefault(name, []).append(i)
        elif open_at.get(name):
            replace[open_at[name].pop()] = ""
            replace[i] = ""
    if not replace:
        return text
    out: list[str] = []
    end = 0
    for i, m in enumerate(matches):
        if i in replace:
            out.append(text[end:m.start()])
            out.append(replace[i])
            end = m.end()
    out.append(text[end:])
    return "".join(out)


def read_minutes(text: str) -> int:
    """Reading time at 230 words a minute, at least 1."""
    return read_minutes_of(len(text.split())) if text else 1


def read_minutes_of(words: int) -> int:
    """read_minutes for a text of this many words (counted already)."""
    return max(1, round(words / 230))


def make_snippet(html: str, limit: int = 280) -> str:
    """The feed's description as one plain line, cut at a word with "…"."""
    return truncate(clean_line(html_to_text(html)), max(limit, 1))


def clean_categories(terms: Iterable[str | None]) -> tuple[str, ...]:
    """Cleaned, case-insensitively unique categories: at most 10, 60 chars each."""
    out: list[str] = []
    seen: set[str] = set()
    try:
        for term in terms:
            c = clean_line(term)[:60].rstrip()
            if c and c.casefold() not in seen:
                seen.add(c.casefold())
                out.append(c)
                if len(out) == 10:
                    break
    except Exception:  # a broken iterable keeps what was read
        pass
    return tuple(out)
