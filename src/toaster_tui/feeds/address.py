"""What the user typed as a feed's address, checked before anything is fetched.

Apart from feeds/subscribe.py so that checking an address (as the add dialog
does on Enter) does not import the fetcher and the parser.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from toaster_tui.core.errors import SubscriptionError
from toaster_tui.core.sanitize import clean_line

__all__ = ["check_url"]


def check_url(text: str) -> str:
    """A usable http(s) URL from what the user typed, or SubscriptionError."""
    url = clean_line(text)
    if url and "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise SubscriptionError(f"not a web address: {clean_line(text)[:200]!r}")
    return url
