"""Web pages for full-article tests: an article as news sites serve it, with
navigation, a share bar, comments and a footer around the body."""

from __future__ import annotations

from datetime import timedelta

from feedsamples import BASE_TIME, Item, rss2

BODY_PARAGRAPHS = [
    "The river that runs through the old mill town rose four metres in a single night, "
    "and by morning the lower streets were canals that the bakers crossed in borrowed "
    "boats, carrying bread to the neighbours who could not leave their upper floors.",
    "Engineers who studied the flood afterwards found that the weir built a century ago "
    "had silted up so badly that it no longer slowed the water at all, and that the "
    "meadows upstream, drained for farming in the sixties, now shed rain like a roof.",
    "The council had been warned twice, in reports that sat in a drawer of the planning "
    "office, about the cost of leaving the weir alone and the meadows dry through every "
    "wet winter that the forecasts said would come more often than before.",
    "Residents met in the school hall on Thursday evening to hear what would be done, "
    "and the mood was patient rather than angry, which surprised the officials who had "
    "prepared for a long night of shouting and accusations about the delays.",
    "A retired hydrologist who lives on the hill explained with a bucket and a towel how "
    "wet ground holds water back, and the hall went quiet as the towel filled and the "
    "bucket below it stayed nearly dry for a minute that felt much longer.",
    "The plan that came out of the meeting is modest: rewet the meadows, clear the weir, "
    "and pay farmers to let a few fields flood on purpose when the river is high, so "
    "that the town itself stays dry when the next storm arrives from the west.",
    "It will take years, and nobody pretends it will stop every flood, but the bakers "
    "say they would rather row less often than not at all, and the boats are already "
    "tied up in the square as a reminder of the night the water came.",
]
QUOTE = ("We built the town for a river that no longer exists, and now we have to "
         "learn to live with the one we have.")
SPEECH = "Wet ground is the cheapest dam anyone ever built."

NAV_WORDS = "Subscribe today for unlimited access to every story"
COMMENT_WORDS = "First! This comment section is the best part of the site"
FOOTER_WORDS = "Copyright Riverside Gazette Media Group all rights reserved"
SHARE_WORDS = "Share this story on every social network you know"


def article_page(title: str = "The night the river came to town", *,
                 charset_meta: str | None = "utf-8", lang: str = "en",
                 extra_body: str = "") -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in BODY_PARAGRAPHS)
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head>{meta}<title>{title} | Riverside Gazette</title>
<meta name="viewport" content="width=device-width"></head>
<body>
<header class="site-header"><nav class="main-nav"><ul>
<li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/subscribe">{NAV_WORDS}</a></li>
</ul></nav></header>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<main><article class="post">
<h1>{title}</h1>
<p class="byline">By Ada Writer, 2 November 2026</p>
<div class="share-bar"><a href="/share/fb">{SHARE_WORDS}</a></div>
<div class="entry-content">
{paragraphs}
<blockquote><p>{QUOTE}</p></blockquote>
<p>The hydrologist put it plainly: “{SPEECH}”</p>
{extra_body}
</div>
</article>
<aside class="related"><h3>Related stories</h3><ul>
<li><a href="/a">Bridge closed after storm damage report</a></li>
<li><a href="/b">Council budget meeting postponed again</a></li></ul></aside>
<section id="comments" class="comments"><h3>42 comments</h3>
<div class="comment"><p>{COMMENT_WORDS} and I read it every day.</p></div>
<div class="comment"><p>Great reporting, thanks for covering our street.</p></div>
</section></main>
<footer class="site-footer"><p>{FOOTER_WORDS}.</p>
<p><a href="/privacy">Privacy</a> · <a href="/terms">Terms</a></p></footer>
</body></html>"""


def excerpt_feed(links: list[str], title: str = "Excerpts") -> bytes:
    """A feed that carries only a line of each article, then "read more"."""
    items = [
        Item(id=f"x-{n}", title=f"The night the river came to town, part {n}", link=link,
             when=BASE_TIME - timedelta(hours=n),
             html="<p>The river rose four metres in a night. Read more…</p>")
        for n, link in enumerate(links)
    ]
    return rss2(items, title=title)

