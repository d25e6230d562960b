"""Summaries: the feed's own when distinct, else the article's central sentences."""

from __future__ import annotations

from toaster_tui.reading.sentences import split_sentences
from toaster_tui.reading.summary import summarize

# Five prose paragraphs: the lead sets the scene, the article is about sourdough.
LEAD = ("I spent last weekend at my aunt's farm, far from any screen. "
        "The weather was grey and the roads were muddy all the time.")
ARTICLE = f"""\
# A weekend of baking

{LEAD}

## Why starters matter

Sourdough bread needs a lively starter, a patient fermentation and a hot oven. \
Most failures come from a starter that is simply too young.

- Flour, water and salt are all the sourdough bread needs.
- A starter, a bowl and a hot oven.

A young starter makes sourdough bread that is dense and far too sour. \
Feed the starter twice a day for a whole week before you bake.

[Sourdough bread](https://example.org/a) and [starter](https://example.org/b) and \
[fermentation](https://example.org/c) and [oven](https://example.org/d) links.

```
starter = flour + water  # the sourdough bread starter, fed daily.
```

The fermentation of the dough should be slow and cool. \
A slow fermentation gives the bread its open crumb and its deep flavour.

\\[image: A loaf of sourdough bread with a dark crust from a hot oven.\\]

Our sourdough bread: a lively starter, a slow fermentation and a hot oven.

Finally, the hot oven turns the fermented dough into bread with a dark crust. \
Sourdough bread rewards patience with the starter, the fermentation and the oven.
"""
CENTRAL = "Sourdough bread needs a lively starter, a patient fermentation and a hot oven."
LAST = "Sourdough bread rewards patience with the starter, the fermentation and the oven."


def test_long_article_gets_central_sentences_in_article_order() -> None:
    summary = summarize(ARTICLE)
    assert len(summary) == 3
    # Not the opening: the lead paragraph is scene-setting, not the point.
    assert summary[:2] != split_sentences(LEAD)
    assert not set(split_sentences(LEAD)) <= set(summary)
    assert CENTRAL in summary and LAST in summary
    order = [ARTICLE.index(s) for s in summary]
    assert order == sorted(order)


def test_non_prose_never_makes_the_summary() -> None:
    summary = " ".join(summarize(ARTICLE, max_sentences=8))
    for gone in ("A weekend of baking", "Why starters matter", "Flour, water and salt",
                 "A starter, a bowl", "links.", "https://", "flour + water", "image",
                 "Our sourdough bread:",
                 "A loaf of sourdough"):
        assert gone not in summary


def test_same_article_as_plain_text_is_summarized_alike() -> None:
    # The `text` column is plain (no Markdown): paragraphs still count.
    plain = "\n\n".join(p for p in ARTICLE.split("\n\n")
                        if not p.startswith(("#", "-", "```", "[", "\\[", "Our")))
    summary = summarize(plain)
    assert CENTRAL in summary and summary[:2] != split_sentences(LEAD)


def test_short_article_keeps_its_leading_sentences() -> None:
    text = ("The river rose overnight and closed the bridge to all traffic. "
            "Crews expect to reopen it by Friday morning.\n\n"
            "Buses will run a detour through the old town until then. "
            "Cyclists can still use the footbridge near the mill.")
    assert summarize(text) == split_sentences(text)[:3]


def test_summarize_rules() -> None:
    text = "Intro\n\nOk.\n\nThis is the first real sentence here. And a second one follows it. " \
           "Then a third comes along. A fourth is never shown."
    assert summarize(text) == [
        "This is the first real sentence here.",
        "And a second one follows it.",
        "Then a third comes along.",
    ]
    assert summarize("Tiny. Bits. Here.") == ["Tiny.", "Bits.", "Here."]  # nothing better
    assert summarize("Tiny. Bits.") == []  # it would only repeat the body, right above it
    assert summarize("") == []
    assert summarize("", "Only the feed has words to say here.") == [
        "Only the feed has words to say here."
    ]
    long_ = summarize(("word " * 300 + ".\n") * 3)
    assert len(long_) == 3 and all(len(s) <= 400 and s.endswith("…") for s in long_)
    # A feed summary equal to the body (modulo case/punctuation) is not "distinct".
    body = "The body says this first. Then it says more things. And then it ends."
    assert summarize(body, "the body says this first") == split_sentences(body)


def test_a_distinct_feed_summary_wins_over_centrality() -> None:
    feed = "A baker's notes on starters. Three rules for better loaves at home."
    assert summarize(ARTICLE, feed) == [
        "A baker's notes on starters.", "Three rules for better loaves at home."]
    # A feed summary that only repeats the opening (links and all) is not distinct.
    opening = "I spent last weekend at my aunt's farm, far from any screen. The weather…"
    assert summarize(ARTICLE, opening) == summarize(ARTICLE)
    linked = ARTICLE.replace("my aunt's farm", "[my aunt's farm](https://example.org/farm)")
    assert summarize(linked, opening) == summarize(linked)
