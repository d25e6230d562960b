"""What the sync tests share: feeds served for Miniflux to fetch, and Miniflux's
REST API as the witness of what reached the server."""

from __future__ import annotations

from typing import Any

import httpx

from feedsamples import make_items, rss2
from feedserver import FeedServer
from miniflux_server import Account


def serve(feeds: FeedServer, path: str, count: int, title: str) -> str:
    """A feed of `count` items at `path` on the tests' loopback server; its URL."""
    feeds.route(path, body=rss2(make_items(path.strip("/"), count), title=title))
    return feeds.url(path)


def subscribe(api: httpx.Client, url: str, category: str) -> int:
    """Subscribe the account to `url` in `category` (made if missing), as its web
    interface would; Miniflux fetches the feed at once. The feed's id."""
    cats = {c["title"]: c["id"] for c in api.get("/categories").json()}
    if category not in cats:
        cats[category] = api.post("/categories", json={"title": category}).json()["id"]
    made = api.post("/feeds", json={"feed_url": url, "category_id": cats[category]})
    assert made.status_code == 201, made.text
    return int(made.json()["feed_id"])


def server_entries(api: httpx.Client, **params: Any) -> dict[str, dict[str, Any]]:
    """The account's entries by title, as Miniflux has them."""
    found = api.get("/entries", params={"limit": 0, **params}).json()["entries"]
    return {e["title"]: e for e in found}


def on_server(account: Account) -> dict[str, str]:
    """The account's feeds: URL -> category, as Miniflux has them."""
    with account.api() as api:
        return {f["feed_url"]: f["category"]["title"] for f in api.get("/feeds").json()}
