"""The small per-entry fields: reading time, snippet, categories, title."""

from __future__ import annotations

import pytest

from toaster_tui.reading.entry_fields import (
    clean_categories,
    make_snippet,
    plain_title,
    read_minutes,
)


def test_read_minutes() -> None:
    assert read_minutes("") == 1
    assert read_minutes("word " * 100) == 1
    assert read_minutes("word " * 460) == 2
    assert read_minutes("word " * 2300) == 10


def test_make_snippet() -> None:
    assert make_snippet("<p>Short <b>and</b> sweet.</p>") == "Short and sweet."
    assert make_snippet("<p>one two three four five six</p>", 14) == "one two three…"
    assert make_snippet("<p>Para one.</p><p>Para two.</p>") == "Para one. Para two."
    assert make_snippet("") == ""
    assert len(make_snippet("x" * 1000, 50)) == 50


def test_clean_categories() -> None:
    assert clean_categories(["Tech", "tech", " Python\n", None, "", "\x1b[2J", "TECH"]) == (
        "Tech", "Python",
    )
    assert len(clean_categories(f"c{i}" for i in range(50))) == 10
    assert clean_categories(["x" * 100]) == ("x" * 60,)
    assert clean_categories(["a\u202eb"]) == ("ab",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Plain title", "Plain title"),
        ("<b>Bold</b> &amp; <i>brave</i>", "Bold & brave"),
        ("Q&amp;A:\n  <em>Part 2</em>", "Q&A: Part 2"),
        ("Tom & Jerry <3", "Tom & Jerry <3"),
        ("Title<script>alert(1)</script>", "Title"),
        ("Title\x1b]0;pwned\x07 \u202eend", "Title end"),
        ("", ""),
        (None, ""),
    ],
)
def test_plain_title(raw: str | None, expected: str) -> None:
    assert plain_title(raw) == expected
