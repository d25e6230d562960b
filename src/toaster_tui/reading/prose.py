"""The prose of an article in light Markdown (or plain text): its sentences by
paragraph, without headings, lists, quotes, code, tables or image labels.

Summaries pick from these. Markdown is what html_convert.html_to_markdown
writes; plain text (html_to_text) works too, with fewer cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from toaster_tui.reading.boilerplate import is_boilerplate
from toaster_tui.reading.sentences import split_sentences

__all__ = ["Prose", "Sentence", "read_prose", "to_plain", "without_markup"]

_WS_RE = re.compile(r"\s+")
_FENCE_RE = re.compile(r"(?:```|~~~)")
_SKIP_LINE_RE = re.compile(
    r"#{1,6}(?:\s|$)"                    # heading
    r"|>"                                # quote (key_quotes shows those)
    r"|(?:[-*+]|\d{1,9}[.)])(?:\s|$)"    # list item
    r"|(?:-{3,}|\*{3,}|_{3,})$"          # rule
)
_TABLE_RE = re.compile(r"(?<!\\)\|")
# Bounded repeats keep every pattern linear on hostile input.
_IMAGE_RE = re.compile(r"\\\[image(?::(?:[^\\\n]|\\[^\]\n]){0,400})?\\\]")
_INLINE_RE = re.compile(
    r"(?<!\\)\[((?:[^\[\]\\\n]|\\.){0,600})\]\([^()\s]{0,4000}\)"  # link: its text
    r"|\\([^\w\s])"                                               # escaped character
)
_DEST_RE = re.compile(r"\]\([^()\s]{0,4000}\)")
_ENDS_RE = re.compile(r"[.!?…][\"'”’»)\]]*$")
MIN_WORDS, MAX_WORDS, MAX_CHARS, CAPTION_WORDS = 5, 60, 400, 15


@dataclass(frozen=True, slots=True)
class Sentence:
    paragraph: int
    text: str


@dataclass(slots=True)
class Prose:
    """`candidates`: well-formed prose sentences; `lines`: the first prose lines
    in plain text; `other`: the first other lines (headings, items…), plain."""

    candidates: list[Sentence] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> int:
        return len({s.paragraph for s in self.candidates})


def to_plain(md: str) -> tuple[str, int]:
    """Inline Markdown as plain text, and how many of its characters are link text."""
    out: list[str] = []
    linked = pos = 0
    for m in _INLINE_RE.finditer(md):
        out.append(md[pos:m.start()])
        if m.group(1) is not None:
            text, _ = to_plain(m.group(1)) if "\\" in m.group(1) else (m.group(1), 0)
            linked += len(text.strip())
            out.append(text)
        else:
            out.append(m.group(2))
        pos = m.end()
    out.append(md[pos:])
    return _WS_RE.sub(" ", "".join(out).replace("`", "")).strip(), linked


def _is_candidate(plain: str, linked: int) -> bool:
    words = len(plain.split())
    if not MIN_WORDS <= words <= MAX_WORDS or len(plain) > MAX_CHARS:
        return False
    if not _ENDS_RE.search(plain) or linked * 2 > len(plain):
        return False
    # Code and numbers read as symbols: prose is mostly letters.
    letters = sum(map(str.isalpha, plain))
    return letters >= 0.7 * (len(plain) - plain.count(" "))


def without_markup(text: str) -> str:
    """`text` less link destinations and image labels: what match_key compares."""
    return _DEST_RE.sub("]", _IMAGE_RE.sub(" ", text))


def read_prose(text: str, cap: int = 200, lines: int = 50) -> Prose:
    """Sentences of `text`'s prose paragraphs: at most `cap` candidates, `lines`
    plain lines of each kind; the rest of a long text is not read."""
    prose = Prose()
    paragraph, fenced, in_paragraph, after_image = 0, False, False, False
    for raw in text.split("\n"):
        if len(prose.candidates) >= cap and len(prose.lines) >= lines:
            break
        line = raw.strip()
        if _FENCE_RE.match(line):
            fenced, in_paragraph = not fenced, False
            continue
        if fenced or not line or _SKIP_LINE_RE.match(line) or _TABLE_RE.search(line):
            if line and not fenced and len(prose.other) < lines:
                prose.other.append(to_plain(line)[0])
            in_paragraph = False
            continue
        new_paragraph = not in_paragraph
        if new_paragraph:
            paragraph, in_paragraph = paragraph + 1, True
        line = _IMAGE_RE.sub(" ", line)
        plain_line = to_plain(line)[0]
        if not plain_line:
            after_image = True  # an image alone: a short paragraph next is its caption
            continue
        # A caption: one short sentence as the paragraph right after an image.
        caption = (after_image and new_paragraph and len(plain_line.split()) <= CAPTION_WORDS
                   and len(split_sentences(plain_line)) == 1)
        after_image = False
        if caption:
            continue
        if len(prose.lines) < lines:
            prose.lines.append(plain_line)
        if len(prose.candidates) >= cap:
            continue
        for s in split_sentences(line):
            plain, linked = to_plain(s)
            if _is_candidate(plain, linked) and not is_boilerplate(plain):
                prose.candidates.append(Sentence(paragraph, plain))
                if len(prose.candidates) >= cap:
                    break
    return prose
