"""Key quotes: which quoted text counts, and how it is cleaned.

Only quotations of prose qualify: blockquotes of sentences, and quoted
sentences (or quoted speech introduced as such). Titles in quotation marks,
formulas, captions, table cells and product lists do not, whatever their marks.
"""

from __future__ import annotations

from toaster_tui.reading.quotes import key_quotes


def test_key_quotes_rules() -> None:
    html = (
        "<p>He said: “This one is long enough to be a real quote.” And then "
        "«Ceci est une citation assez longue pour compter.» and „Das ist ein ziemlich langes "
        "Zitat hier.“ Short \"scare quotes\" are ignored.</p>"
        "<blockquote>“Marks around a blockquote are stripped off here.”</blockquote>"
        "<p>Repeated: “This one is long enough to be a real quote.”</p>"
        "<p><q>tiny</q> and <q>A q of a few more words.</q></p>"
    )
    assert key_quotes(html) == [
        "This one is long enough to be a real quote.",
        "Ceci est une citation assez longue pour compter.",
        "Das ist ein ziemlich langes Zitat hier.",
        "Marks around a blockquote are stripped off here.",
    ]
    assert key_quotes(html, limit=2) == key_quotes(html)[:2]
    long_quote = "<blockquote>Then " + "the words " * 100 + "end.</blockquote>"
    (only,) = key_quotes(long_quote)
    assert len(only) <= 400 and only.endswith("…")
    assert key_quotes("<p>No quotes at all.</p>") == []


def test_string_literals_in_code_are_not_quotes() -> None:
    html = (
        '<pre><code>SELECT "title and url from the articles table" FROM x</code></pre>'
        '<p>Run <code>echo "a long string of words in inline code"</code> first. '
        'She wrote: "The one sentence here that is really quoted." in the end.</p>'
        '<blockquote><p>Quoted, with <code>"code"</code> inside it, still prose.</p></blockquote>'
    )
    assert key_quotes(html) == ["The one sentence here that is really quoted.",
                                'Quoted, with "code" inside it, still prose.']


# --- false positives seen in real feeds ------------------------------------------

def test_titles_in_quotation_marks_are_not_quotes() -> None:
    html = (
        "<p>I read “The Name of the Rose” last week and it stayed with me for days.</p>"
        "<p>Her new book, “How to Grow Tomatoes on a Very Small Balcony”, is out now.</p>"
        "<p>We watched \"Do Androids Dream of Electric Sheep and Other Stories?\" again.</p>"
        "<p>The episode titled “Everything Everywhere All at Once Again” aired in May.</p>"
        "<p>Chapter three, “The Long Road Home to the Northern Hills,” explains why.</p>"
        '<p>See our earlier piece, <a href="/x">"Ten Things We Learned From Running '
        'a Tiny Web Server"</a>.</p>'
    )
    assert key_quotes(html) == []


def test_formulas_are_not_quotes() -> None:
    html = (
        "<p>The identity “e^(iπ) + 1 = 0 holds for all x = 2πk.” is the classic one.</p>"
        '<p>Solve "x = (-b ± √(b² - 4ac)) / 2a, where a ≠ 0." for x.</p>'
        "<blockquote><p>f(x) = 3x² + 2x − 7; f′(x) = 6x + 2 = 0 → x = −1/3.</p></blockquote>"
        '<p>Energy: <math display="block"><semantics><mrow><mi>E</mi><mo>=</mo><mi>m</mi>'
        "<msup><mi>c</mi><mn>2</mn></msup></mrow><annotation encoding=\"application/x-tex\">"
        "\\text{“Energy equals mass times the speed of light squared.”}</annotation>"
        "</semantics></math></p>"
    )
    assert key_quotes(html) == []


def test_captions_are_not_quotes() -> None:
    html = (
        '<figure><img src="/harbour.jpg" alt="The harbour">'
        "<figcaption>“Sunset over the harbour, seen from the old lighthouse at dusk.” "
        "Photo: Ana Lee</figcaption></figure>"
        "<table><caption>“Results of the survey we ran among two hundred readers.”</caption>"
        "<tr><td>Yes</td><td>61%</td></tr></table>"
        "<p>The river rose again overnight.</p>"
    )
    assert key_quotes(html) == []


def test_product_lists_are_not_quotes() -> None:
    html = (
        "<p>Our picks this week:</p>"
        "<ul><li>“Anker PowerCore 10000 PD Redux, black, 2023 edition.”</li>"
        "<li>“Apple iPhone 15 Pro Max 256 GB in natural titanium.”</li>"
        "<li>“This is the best charger I have ever owned, full stop.” — a reviewer</li></ul>"
        "<table><tr><td>\"Samsung Galaxy S24 Ultra 512 GB Titanium Gray.\"</td>"
        "<td>$1,299</td></tr></table>"
        "<p>Also on sale: “Kindle Paperwhite 16 GB (2024), Signature Edition, Agave Green”.</p>"
        "<blockquote><p>USB-C 65W GaN · 3 ports · 2× faster · €39.99 · 4.7★ (12,031)</p>"
        "</blockquote>"
    )
    assert key_quotes(html) == []


def test_true_quotes_stay() -> None:
    html = (
        "<p>“We will not stop until every school in town has a safe route,” the mayor said "
        "on Tuesday.</p>"
        "<p>The farmer told us: “The river has never been this low in my lifetime.”</p>"
        "<blockquote><p>A tool you can still use in ten years is worth more than one that "
        "delights you for ten minutes.</p></blockquote>"
        "<p>He said that <q>every redesign spends the user's attention, not ours</q>, "
        "and he was right.</p>"
        "<p>In 2023, she wrote: \"Prices rose 15% in a year, and wages did not follow.\"</p>"
        "<blockquote><p>\"jq is a language. Learn it by copying small programs.\"</p>"
        "</blockquote>"
    )
    assert key_quotes(html, limit=10) == [
        "We will not stop until every school in town has a safe route",
        "The river has never been this low in my lifetime.",
        "A tool you can still use in ten years is worth more than one that delights you "
        "for ten minutes.",
        "every redesign spends the user's attention, not ours",
        "Prices rose 15% in a year, and wages did not follow.",
        "jq is a language. Learn it by copying small programs.",
    ]
