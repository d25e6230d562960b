"""Boilerplate sentences: what feeds and pages add around an article's words.

"Read more", "Continue reading “X” at Y", "The post X appeared first on Y",
"Click here to…", "Share this story", "Subscribe to our newsletter": a feed
plugin or a site's template wrote them, not the author. They are never a
summary sentence nor a key quote (reading/summary.py, reading/quotes.py),
and do not count as the article's sentences.
"""

from __future__ import annotations

import re

__all__ = ["is_boilerplate"]

# Longer than this, a sentence says something of its own (a post's title in
# "The post X appeared first on Y" stays well under it).
_MAX_CHARS = 500
_EDGES = " \t→←»«›‹>|•·*–—-[]()…."

_SHARE_SITES = (r"(?:facebook|twitter|x|linkedin|email|e-mail|whatsapp|reddit|mastodon"
                r"|bluesky|threads)")
# Each alternative is matched at the sentence's start; bounded repeats only.
_STARTS_RE = re.compile(
    r"(?:read|continue|keep)\s+(?:reading|more)(?:\W{0,3}$|\s*[:»→›…\"“‘«]"
    r"|\s+(?:at|on|about|here|of|from|in|to|below)\b)"
    r"|read\s+(?:the\s+)?(?:full|rest|whole|complete|original|entire)\b"
    r"|read\s+(?:it|this|more)\s+(?:on|at)\b"
    r"|read\s+on\W{0,3}$"
    r"|(?:view|see|visit)\s+(?:the\s+)?(?:full|original|complete|whole)\s+"
    r"(?:story|article|post|piece|entry)\b"
    r"|the\s+post\b.{0,300}?\bappeared\s+first\s+(?:on|in)\b"
    r"|this\s+(?:post|article|story|entry|piece)\s+(?:was\s+)?originally\s+"
    r"(?:published|posted|appeared)\b"
    r"|this\s+entry\s+was\s+posted\b"
    r"|(?:click|tap)\s+(?:here|this\s+link|the\s+link|below)\b"
    r"|share\s+(?:this|the)\s+(?:article|post|story|page|link|entry)\b"
    rf"|share\s+(?:this\s+)?(?:on|via)\s+{_SHARE_SITES}\b"
    r"|share\s+this\W{0,3}$"
    r"|(?:subscribe|sign\s+up)\s+(?:now|today|for\s+free|here)\b"
    r"|follow\s+(?:us|me)\s+(?:on|at)\b"
    r"|(?:leave|post|add)\s+a\s+(?:comment|reply)\b"
    r"|thanks?\s+(?:you\s+)?for\s+reading\b"
    r"|(?:copyright|©|\(c\))\s*(?:©\s*)?\d{4}\b"
    r"|(?:advertisement|sponsored(?:\s+content)?|related\s+(?:posts|articles|stories))\W{0,3}$"
    r"|\d{1,6}\s+comments?\W{0,3}$",
    re.I,
)
# Matched anywhere in the sentence.
_ANYWHERE_RE = re.compile(
    r"\b(?:subscribe|sign\s+up|signup)\s+(?:now\s+)?(?:to|for)\s+(?:our|my)\s+"
    r"(?:\w{1,20}\s+){0,2}?newsletters?\b"
    r"|\bappeared\s+first\s+(?:on|in)\b[^.!?]{0,160}[.!?…]?\W{0,3}$"
    r"|\ball\s+rights\s+reserved\b",
    re.I,
)


def is_boilerplate(sentence: str) -> bool:
    """Whether `sentence` (plain text) is a feed's or a site's stock line."""
    s = sentence.strip().strip(_EDGES).lstrip("\"'“‘«„")
    if not s or len(s) > _MAX_CHARS:
        return False
    return _STARTS_RE.match(s) is not None or _ANYWHERE_RE.search(s) is not None
