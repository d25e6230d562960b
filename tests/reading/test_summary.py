"""Summaries: the feed's own when distinct, else the lead sentences."""

from __future__ import annotations

from toaster_tui.reading.sentences import split_sentences
from toaster_tui.reading.summary import summarize


def test_summarize_rules() -> None:
    text = "Intro\n\nOk.\n\nThis is the first real sentence here. And a second one follows it. " \
           "Then a third comes along. A fourth is never shown."
    assert summarize(text) == [
        "This is the first real sentence here.",
        "And a second one follows it.",
        "Then a third comes along.",
    ]
    assert summarize("Tiny. Bits.") == ["Tiny.", "Bits."]  # nothing better to offer
    assert summarize("") == []
    assert summarize("", "Only the feed has words to say here.") == [
        "Only the feed has words to say here."
    ]
    (long_,) = summarize("word " * 300 + ".")
    assert len(long_) <= 400 and long_.endswith("…")
    # A feed summary equal to the body (modulo case/punctuation) is not "distinct".
    body = "The body says this first. Then it says more things."
    assert summarize(body, "the body says this first") == split_sentences(body)
