"""Language tags reduced to a primary subtag, and languages told from the text."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from toaster_tui.feeds.parse import parse_feed
from toaster_tui.reading.language import entry_language, known_language, normalize_language
from toaster_tui.reading.language_detect import SAMPLE_CHARS, detect_language

SAMPLES = Path(__file__).parent / "data" / "languages"
DEMO = Path(__file__).parents[2] / "src" / "toaster_tui" / "demo" / "data"
APP_DATA = Path(__file__).parents[1] / "app" / "data"


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        (("en-US",), "en"), (("pt-BR",), "pt"), (("DE",), "de"), (("zh_Hant_TW",), "zh"),
        ((None, "fr-CA"), "fr"), (("", "  "), ""), (("x-klingon", "es"), "es"),
        (("und",), ""), (("English",), "en"), (("eng",), "en"), (("en-US, de",), "en"),
        (("12",), ""), (("\x1b[2Jen",), "en"), ((), ""), (("iw",), "he"),
    ],
)
def test_normalize_language(candidates: tuple[str | None, ...], expected: str) -> None:
    assert normalize_language(*candidates) == expected


def labelled(name: str) -> list[str]:
    """The paragraphs of one sample file (written for these tests, one topic per language)."""
    text = (SAMPLES / name).read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


LANGUAGES = sorted(p.stem for p in SAMPLES.glob("*.txt") if p.stem != "short")


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_labelled_paragraph_is_told_right(code: str) -> None:
    for paragraph in labelled(f"{code}.txt"):
        assert detect_language(paragraph) == code, paragraph[:60]


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c not in ("ja", "zh", "ko", "el")])
def test_one_sentence_is_told_right_or_left_out(code: str) -> None:
    # A single sentence may be too little to tell, but must never be told wrong.
    for paragraph in labelled(f"{code}.txt"):
        sentence = paragraph.split(". ")[0]
        assert detect_language(sentence) in (code, ""), sentence


@pytest.mark.parametrize("text", [*labelled("short.txt"), "", "   ", "12 345 67",
                                  "def f(x): return x + 1", "Zürich · Genève · Basel"])
def test_too_little_text_gives_no_language(text: str) -> None:
    assert detect_language(text) == ""


def test_names_and_numbers_give_no_language() -> None:
    listing = ("Ada Lovelace, Grace Hopper, Alan Turing, Edsger Dijkstra, Barbara Liskov, "
               "Donald Knuth, Niklaus Wirth, John McCarthy, Margaret Hamilton, Ken Thompson")
    assert detect_language(listing) == ""


def test_only_the_opening_is_read() -> None:
    english = " ".join(labelled("en.txt"))
    german = " ".join(labelled("de.txt")) * 10
    assert len(english * 3) > SAMPLE_CHARS
    assert detect_language(english * 3 + " " + german) == "en"
    assert detect_language("x" * SAMPLE_CHARS + " " + english) == ""


def test_a_quoted_phrase_does_not_change_the_language() -> None:
    text = labelled("en.txt")[1] + ' As the French say, "c\'est la vie, et voilà".'
    assert detect_language(text) == "en"


def test_declared_language_wins_over_the_text() -> None:
    english = labelled("en.txt")[0]
    assert entry_language("de-AT", None, english) == "de"
    assert entry_language(None, "fr", english) == "fr"
    assert entry_language(None, None, english) == "en"
    assert entry_language("und", "", "Release 1.2") == ""


@pytest.mark.parametrize(("stored", "shown"), [("en", "en"), ("", None), ("unknown", None),
                                                (None, None)])
def test_known_language(stored: str | None, shown: str | None) -> None:
    # "unknown" is what caches written before detection hold.
    assert known_language(stored) == shown


def feed_entries() -> list[tuple[str, str | None, str, str]]:
    """(file, the feed's declared language, the entry's language, title + text) of every
    entry of our sample feeds."""
    out = []
    for path in sorted([*DEMO.glob("*.xml"), *DEMO.glob("*.json"), *APP_DATA.glob("*.xml")]):
        feed = parse_feed(path.read_bytes(), f"https://example.test/{path.name}")
        for entry in feed.entries:
            out.append((path.name, feed.language, entry.language,
                        f"{entry.title}\n{entry.text}"))
    return out


def test_our_sample_feeds_are_told_as_they_declare() -> None:
    entries = feed_entries()
    declared = [(lang, text) for _, lang, _, text in entries if lang]
    assert {lang for lang, _ in declared} == {"en", "fr"}
    results = [(lang, detect_language(text)) for lang, text in declared]
    assert all(told in (lang, "") for lang, told in results)
    assert sum(lang == told for lang, told in results) >= 0.9 * len(results)


def undeclared(data: bytes) -> bytes:
    """A feed document with every language declaration taken out."""
    if data.lstrip().startswith(b"{"):
        doc = json.loads(data)
        for item in [doc, *doc.get("items", [])]:
            item.pop("language", None)
        return json.dumps(doc).encode()
    data = re.sub(rb"<(dc:)?language>[^<]*</(dc:)?language>", b"", data)
    return re.sub(rb"""xml:lang=("[^"]*"|'[^']*')""", b"", data)


def test_our_feeds_without_their_declarations_get_the_language_of_their_text() -> None:
    told: Counter[tuple[str | None, str]] = Counter()
    for path in sorted([*DEMO.glob("*.xml"), *DEMO.glob("*.json"), *APP_DATA.glob("*.xml")]):
        url = f"https://example.test/{path.name}"
        declared = parse_feed(path.read_bytes(), url)
        bare = parse_feed(undeclared(path.read_bytes()), url)
        assert bare.language is None
        for before, after in zip(declared.entries, bare.entries, strict=True):
            told[(before.language, after.language)] += 1
    # Never a wrong language; a one-line entry (20 words) may be left without one.
    assert {pair for pair in told if pair[1]} == {("en", "en"), ("fr", "fr")}
    assert told[("fr", "fr")] == 6 and told[("en", "en")] >= 0.95 * 60


def test_detection_is_fast() -> None:
    # It runs for every entry of a feed that declares no language, at parse time.
    texts = [text for *_, text in feed_entries()] + ["".join(labelled("fr.txt")) * 20]
    start = time.perf_counter()
    for _ in range(20):
        for text in texts:
            detect_language(text)
    per_entry = (time.perf_counter() - start) / (20 * len(texts))
    assert per_entry < 0.002  # about 0.1 ms on a quiet machine
