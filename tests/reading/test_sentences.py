"""Sentence splitting: abbreviations, initials, quotes and line breaks."""

from __future__ import annotations

import pytest

from toaster_tui.reading.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One here. Two there! Three? Yes.", ["One here.", "Two there!", "Three?", "Yes."]),
        ("Mr. Smith went e.g. to the U.S. Army base. Then left.",
         ["Mr. Smith went e.g. to the U.S. Army base.", "Then left."]),
        ("J. R. R. Tolkien wrote it. Dr. Who did not.",
         ["J. R. R. Tolkien wrote it.", "Dr. Who did not."]),
        ('She asked "why?" He said "Because." Then 3 more came.',
         ['She asked "why?"', 'He said "Because."', "Then 3 more came."]),
        ("version 3.11 is out. lower case after. Next", ["version 3.11 is out. lower case after.",
                                                         "Next"]),
        ("Line one\nLine two", ["Line one", "Line two"]),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected
