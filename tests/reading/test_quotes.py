"""Key quotes: which quoted text counts, and how it is cleaned."""

from __future__ import annotations

from toaster_tui.reading.quotes import key_quotes


def test_key_quotes_rules() -> None:
    html = (
        "<p>He said “this one is long enough to be a real quote” and then "
        "«ceci est une citation assez longue pour compter» and „das ist ein ziemlich langes "
        "Zitat hier“. Short \"scare quotes\" are ignored.</p>"
        "<blockquote>“Marks around a blockquote are stripped off here”</blockquote>"
        "<p>Repeated: “this one is long enough to be a real quote”.</p>"
        "<p><q>tiny</q> and <q>a q of a few words</q></p>"
    )
    assert key_quotes(html) == [
        "this one is long enough to be a real quote",
        "ceci est une citation assez longue pour compter",
        "das ist ein ziemlich langes Zitat hier",
        "Marks around a blockquote are stripped off here",
    ]
    assert key_quotes(html, limit=2) == key_quotes(html)[:2]
    long_quote = "<blockquote>" + "word " * 200 + "</blockquote>"
    (only,) = key_quotes(long_quote)
    assert len(only) <= 400 and only.endswith("…")
    assert key_quotes("<p>No quotes at all.</p>") == []


def test_string_literals_in_code_are_not_quotes() -> None:
    html = (
        '<pre><code>SELECT "title and url from the articles table" FROM x</code></pre>'
        '<p>Run <code>echo "a long string of words in inline code"</code> first. '
        'She wrote "the one sentence here that is really quoted" in the end.</p>'
        '<blockquote><p>Quoted, with <code>"code"</code> inside</p></blockquote>'
    )
    assert key_quotes(html) == ["the one sentence here that is really quoted",
                                'Quoted, with "code" inside']
