"""Stock lines of feeds and pages: never a summary sentence nor a key quote."""

from __future__ import annotations

import pytest

from toaster_tui.reading.boilerplate import is_boilerplate
from toaster_tui.reading.html_convert import html_to_markdown
from toaster_tui.reading.quotes import key_quotes
from toaster_tui.reading.summary import summarize

STOCK = [
    "Read more",
    "Read more…",
    "Read more »",
    "[Read more...]",
    "→ Continue reading",
    "Continue reading “The night the river came to town” at Riverside Gazette.",
    "Continue reading at The Verge.",
    "Keep reading to find out what happened next.",
    "Read the full story at the Gazette.",
    "Read the rest of this entry »",
    "The post The night the river came to town appeared first on Riverside Gazette.",
    "The post “Why the weir failed” appeared first on Flood Notes.",
    "Why the weir failed appeared first on Flood Notes.",
    "This article was originally published on The Conversation.",
    "This entry was posted in News and tagged flood, weir.",
    "Click here to read the full article.",
    "Click here for more stories like this one.",
    "Share this story with your friends and family.",
    "Share this:",
    "Share on Facebook",
    "Subscribe to our newsletter for the latest news every week.",
    "Don't miss a story: sign up for our free weekly newsletter.",
    "Subscribe now and get the first month free.",
    "Follow us on Mastodon for more updates.",
    "Leave a comment below and tell us what you think.",
    "Thanks for reading Flood Notes! Subscribe for free to receive new posts.",
    "© 2026 Riverside Gazette Media Group.",
    "Copyright 2026 Riverside Gazette. All rights reserved.",
    "42 comments",
    "Advertisement",
]
PROSE = [
    "The river rose four metres in a single night.",
    "Read the report and you will see why the weir failed.",
    "Keep going until the path meets the river.",
    "Readers who subscribe to the Gazette got the warning first.",
    "Copyright law changed in 2019, and publishers gained new rights.",
    "The story was first published in 1887 and became a classic.",
    "She shared this photo of the flooded square on Monday.",
    "Click beetles jump when they are turned on their backs.",
    "The council's newsletter said nothing about the weir.",
    "",
]


@pytest.mark.parametrize("sentence", STOCK)
def test_stock_lines_are_boilerplate(sentence: str) -> None:
    assert is_boilerplate(sentence)


@pytest.mark.parametrize("sentence", PROSE)
def test_prose_is_not_boilerplate(sentence: str) -> None:
    assert not is_boilerplate(sentence)


# An excerpt feed's item: three sentences of the article, then the stock lines.
EXCERPT = (
    "<p>The river rose four metres in a single night. The bakers crossed the streets "
    "in borrowed boats. Engineers blamed a weir that had silted up long ago.</p>"
    '<p>Continue reading “The night the river came to town” at Riverside Gazette.</p>'
    '<p><a href="https://gazette.example/river">Read more »</a></p>'
    '<p>The post <a href="https://gazette.example/river">The night the river came to town</a>'
    ' appeared first on <a href="https://gazette.example/">Riverside Gazette</a>.</p>'
)
ARTICLE_SENTENCES = [
    "The river rose four metres in a single night.",
    "The bakers crossed the streets in borrowed boats.",
    "Engineers blamed a weir that had silted up long ago.",
]


def test_an_excerpt_summary_has_only_the_articles_sentences() -> None:
    summary = summarize(html_to_markdown(EXCERPT, "https://gazette.example/river"),
                        max_sentences=5)
    assert summary == ARTICLE_SENTENCES


def test_a_long_article_never_picks_stock_lines() -> None:
    paragraphs = [
        "The flood of the river closed the bridge and the flood reached the square.",
        "Engineers say the river weir failed because the river silted up the weir.",
        "The flood plan rewets the meadows so the river floods fields, not the town.",
        "Farmers are paid when the river floods their meadows during a winter flood.",
    ]
    stock = [
        "Subscribe to our newsletter about the river flood and the weir every week.",
        "Click here to read more about the river flood and the weir in the town.",
        "The post River flood: the weir and the town appeared first on River News.",
    ]
    html = "".join(f"<p>{p}</p>" for p in [*paragraphs[:2], *stock, *paragraphs[2:]])
    summary = summarize(html_to_markdown(html, "https://x.example/"), max_sentences=5)
    assert summary and set(summary) <= set(paragraphs)


def test_a_feed_summary_of_stock_lines_is_not_the_summary() -> None:
    body = " ".join(ARTICLE_SENTENCES)
    feed = "The post The night the river came appeared first on Riverside Gazette. Read more…"
    assert summarize(body, feed) == ARTICLE_SENTENCES
    # A distinct feed summary keeps its own sentences, less the stock ones.
    own = "A town learns to live with its river. Continue reading at Riverside Gazette."
    assert summarize(body, own) == ["A town learns to live with its river."]


def test_stock_lines_and_titles_in_them_are_never_key_quotes() -> None:
    html = (
        "<p>Continue reading “The weir had silted up so badly that nobody could row.” at "
        "Riverside Gazette.</p>"
        "<p>The post “Why the weir failed us all this winter.” appeared first on Flood "
        "Notes.</p>"
        "<blockquote><p>Click here to subscribe to our newsletter for weekly news.</p>"
        "</blockquote>"
        "<blockquote><p>We built the town for a river that no longer exists.</p></blockquote>"
    )
    assert key_quotes(html) == ["We built the town for a river that no longer exists."]


def test_no_summary_for_an_article_of_two_sentences() -> None:
    two = "The river rose four metres in a single night. The bakers crossed in boats."
    assert summarize(two) == []
    assert summarize(two + "\n\nRead more…\n\nShare this story with your friends.") == []
    assert summarize("The bridge is closed until Friday.") == []
    three = two + " Engineers blamed the old weir."
    assert summarize(three) == ["The river rose four metres in a single night.",
                                "The bakers crossed in boats.", "Engineers blamed the old weir."]
    # Headings, list items and code are not sentences of the article's prose.
    listed = "# Flood news\n\n" + two + "\n\n- Bridge closed.\n- Buses on a detour."
    assert summarize(listed) == []
