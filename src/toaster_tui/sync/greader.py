"""A client for the Google Reader API that feed servers speak (Miniflux, FreshRSS...).

Blocking httpx: a sync is a chain of dependent requests, run in a thread (the
CLI, a Textual thread worker), never on the UI loop. Every failure is a
SyncError with one line for the user; a 401 logs in again once, then gives up
with SyncAuthError.

Items are pulled as ids (stream/items/ids, paged with `c`) and then contents in
batches (POST stream/items/contents): the pair every such server serves.
Miniflux 2.3.5 does not serve stream/contents/<stream> (it answers `[]`), and
its continuation is an offset: item_ids() makes up for what that repeats or
skips between pages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from toaster_tui.core.errors import SyncAuthError, SyncError
from toaster_tui.core.sanitize import clean_line
from toaster_tui.feeds.fetch import USER_AGENT, describe_error
from toaster_tui.sync.items import Item, item_key, parse_item

__all__ = ["READ", "READING_LIST", "STARRED", "GReaderClient", "Item", "Subscription", "item_key"]

READING_LIST = "user/-/state/com.google/reading-list"
READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
LABEL = "user/-/label/"
ID_PAGE = 10_000
"""Item ids asked for per page: Miniflux serves up to 10,000 (a server that caps
lower sends fewer, with a continuation). Big pages mean few requests, and few
page boundaries for the order to shift across."""
CONTENTS_BATCH = 100
"""Items per stream/items/contents request; ids travel in the POST body."""
EDIT_BATCH = 250
"""Item ids per edit-tag request."""
MAX_RESPONSE = 64 * 1024 * 1024
"""A larger answer is not a feed server's: stop reading rather than fill memory."""


@dataclass(frozen=True)
class Subscription:
    stream_id: str
    """"feed/<server's id>": what unsubscribe and edit want back."""
    title: str
    url: str
    html_url: str
    folders: tuple[str, ...]
    """Label names (Miniflux: exactly one, its category)."""


class GReaderClient:
    """One account on one server. Use as a context manager, or call close()."""

    def __init__(self, url: str, username: str, password: str, *, timeout: float = 30.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._base = url.rstrip("/")
        self._username = username
        self._password = password
        self._auth: str | None = None
        self._token: str | None = None
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            headers={"User-Agent": USER_AGENT}, follow_redirects=True,
            trust_env=False, transport=transport)

    def __enter__(self) -> GReaderClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- authentication ------------------------------------------------------

    def login(self) -> None:
        """ClientLogin: trade the username and password for an auth token."""
        resp = self._send("POST", "/accounts/ClientLogin",
                          data={"Email": self._username, "Passwd": self._password})
        if resp.status_code in (401, 403):
            raise SyncAuthError(f"{self._host()} refused the username {self._username!r} "
                                "and its password (Google Reader API credentials)")
        self._check(resp)
        for line in resp.text.splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "Auth" and value.strip():
                self._auth, self._token = value.strip(), None
                return
        raise SyncError(f"{self._host()} did not answer the login with a token")

    def edit_token(self) -> str:
        """The token write requests carry as T (Miniflux: the auth token itself)."""
        if self._token is None:
            token = self._get("/reader/api/0/token").text.strip()
            if not token:
                raise SyncError(f"{self._host()} gave an empty edit token")
            self._token = token
        return self._token

    # --- reading ---------------------------------------------------------------

    def subscriptions(self) -> list[Subscription]:
        data = self._json(self._get("/reader/api/0/subscription/list", {"output": "json"}))
        subs = []
        for sub in _list(data, "subscriptions"):
            if not isinstance(sub, dict) or not isinstance(sub.get("id"), str):
                continue
            folders = tuple(clean_line(str(cat.get("label") or "")) for cat in
                            sub.get("categories") or () if isinstance(cat, dict))
            subs.append(Subscription(
                stream_id=sub["id"], title=clean_line(str(sub.get("title") or "")),
                url=str(sub.get("url") or ""), html_url=str(sub.get("htmlUrl") or ""),
                folders=tuple(name for name in folders if name)))
        return subs

    def item_ids(self, stream: str = READING_LIST, *, exclude: str | None = None,
                 since: int | None = None, page: int = ID_PAGE,
                 limit: int | None = None) -> list[str]:
        """Ids (item_key form) in `stream`, newest first, each once, following continuations.

        `exclude` is a state to leave out (READ: unread only); `since` is a Unix
        time, for items published after it; `limit` stops early.
        """
        return self._ids(stream, exclude, since, None, page, limit, reread=True)

    def _ids(self, stream: str, exclude: str | None, since: int | None, until: int | None,
             page: int, limit: int | None, *, reread: bool) -> list[str]:
        ids: list[str] = []
        seen: set[str] = set()
        continuations: set[str] = set()
        continuation: str | None = None
        while True:
            params: list[tuple[str, str | int]] = [("output", "json"), ("s", stream),
                                                   ("n", page)]
            params += [("xt", exclude)] if exclude else []
            params += [("ot", since)] if since is not None else []
            params += [("nt", until)] if until is not None else []
            params += [("c", continuation)] if continuation else []
            data = self._json(self._get("/reader/api/0/stream/items/ids", params))
            refs = _list(data, "itemRefs")
            keys = [item_key(str(ref["id"])) for ref in refs
                    if isinstance(ref, dict) and "id" in ref]
            repeated = next((key for key in keys if key in seen), None)
            if repeated is not None and reread:
                # Miniflux pages by offset over items sorted by publication time only:
                # items of the same second can come in another order on the next
                # page, which then repeats some of them and skips as many. Read that
                # second again as a window of its own, before the rest of this page.
                keys = self._same_second(repeated, stream, exclude, since) + keys
            fresh = 0
            for key in keys:
                if key not in seen:
                    seen.add(key)
                    ids.append(key)
                    fresh += 1
            if limit is not None and len(ids) >= limit:
                return ids[:limit]
            following = data.get("continuation") if isinstance(data, dict) else None
            # A page with nothing new (a server ignoring `c`), or a continuation
            # seen before, would go round for ever: stop there.
            if not fresh or not following or str(following) in continuations:
                return ids
            continuation = str(following)
            continuations.add(continuation)

    def _same_second(self, key: str, stream: str, exclude: str | None,
                     since: int | None) -> list[str]:
        """The ids in `stream` published in the same second as item `key`."""
        item = next(self.items([key]), None)
        if item is None or item.published is None:
            return []
        second = int(item.published.timestamp())
        after = second - 1 if since is None else max(since, second - 1)
        return self._ids(stream, exclude, after, second + 1, ID_PAGE, None, reread=False)

    def unread_ids(self) -> set[str]:
        return set(self.item_ids(READING_LIST, exclude=READ))

    def starred_ids(self) -> set[str]:
        return set(self.item_ids(STARRED))

    def items(self, ids: Sequence[str], *, batch: int = CONTENTS_BATCH) -> Iterator[Item]:
        """The items with these ids, `batch` per request; unknown ids are left out."""
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            data = self._json(self._post("/reader/api/0/stream/items/contents",
                                         [("output", "json"), *(("i", i) for i in chunk)]))
            for raw in _list(data, "items"):
                item = parse_item(raw)
                if item is not None:
                    yield item

    # --- writing ---------------------------------------------------------------

    def edit_tag(self, ids: Iterable[str], *, add: str | None = None,
                 remove: str | None = None, batch: int = EDIT_BATCH) -> None:
        """Add and/or remove a state (READ, STARRED) on items, `batch` ids a request."""
        pending = list(ids)
        for start in range(0, len(pending), batch):
            form: list[tuple[str, str]] = [("i", i) for i in pending[start:start + batch]]
            if add:
                form.append(("a", add))
            if remove:
                form.append(("r", remove))
            self._ok(self._post("/reader/api/0/edit-tag", form))

    def mark_read(self, ids: Iterable[str], read: bool = True) -> None:
        if read:
            self.edit_tag(ids, add=READ)
        else:
            self.edit_tag(ids, remove=READ)

    def star(self, ids: Iterable[str], starred: bool = True) -> None:
        if starred:
            self.edit_tag(ids, add=STARRED)
        else:
            self.edit_tag(ids, remove=STARRED)

    def subscribe(self, url: str, *, title: str | None = None,
                  folder: str | None = None) -> None:
        form = [("ac", "subscribe"), ("s", f"feed/{url}")]
        form += [("t", title)] if title else []
        form += [("a", LABEL + folder)] if folder else []
        self._ok(self._post("/reader/api/0/subscription/edit", form))

    def unsubscribe(self, stream_id: str) -> None:
        self._ok(self._post("/reader/api/0/subscription/edit",
                            [("ac", "unsubscribe"), ("s", stream_id)]))

    def edit_subscription(self, stream_id: str, *, title: str | None = None,
                          folder: str | None = None) -> None:
        """Rename a subscription and/or move it into the folder (label) named."""
        form = [("ac", "edit"), ("s", stream_id)]
        form += [("t", title)] if title else []
        form += [("a", LABEL + folder)] if folder else []
        self._ok(self._post("/reader/api/0/subscription/edit", form))

    def quickadd(self, url: str) -> str | None:
        """Subscribe to the feed found at `url`; its stream id, or None when none was found."""
        data = self._json(self._post("/reader/api/0/subscription/quickadd",
                                     [("quickadd", url)]))
        if isinstance(data, dict) and data.get("numResults") and data.get("streamId"):
            return str(data["streamId"])
        return None

    # --- HTTP ------------------------------------------------------------------

    def _get(self, path: str, params: Any = None) -> _Answer:
        return self._authed("GET", path, params=params)

    def _post(self, path: str, form: list[tuple[str, str]]) -> _Answer:
        return self._authed("POST", path, form=form)

    def _authed(self, method: str, path: str, *, params: Any = None,
                form: list[tuple[str, str]] | None = None) -> _Answer:
        """One API call, logging in first if needed and once more on a 401."""
        for attempt in (1, 2):
            if self._auth is None:
                self.login()
            headers = {"Authorization": f"GoogleLogin auth={self._auth}"}
            data: dict[str, list[str]] | None = None
            if form is not None:
                # The edit token goes in the body: Miniflux reads no header on a POST.
                data = {}
                for key, value in [*form, ("T", self.edit_token())]:
                    data.setdefault(key, []).append(value)
            resp = self._send(method, path, params=params, data=data, headers=headers)
            if resp.status_code != 401:
                self._check(resp)
                return resp
            self._auth = self._token = None
            if attempt == 2:
                raise SyncAuthError(f"{self._host()} refused this client's login "
                                    "even after logging in again")
        raise AssertionError("unreachable")

    def _send(self, method: str, path: str, **kwargs: Any) -> _Answer:
        try:
            with self._http.stream(method, self._base + path, **kwargs) as resp:
                body = bytearray()
                for chunk in resp.iter_bytes():
                    body += chunk
                    if len(body) > MAX_RESPONSE:
                        raise SyncError(f"sync server {self._host()} sent more than "
                                        f"{MAX_RESPONSE >> 20} MiB for {path}")
                return _Answer(resp.status_code, bytes(body), path)
        except httpx.HTTPError as exc:
            raise SyncError(f"sync server {self._host()}: {describe_error(exc)}") from None

    def _check(self, resp: _Answer) -> None:
        if resp.status_code < 400:
            return
        what = "server error" if resp.status_code >= 500 else "request refused"
        detail = clean_line(_said(resp.text))[:160]
        raise SyncError(f"sync server {self._host()}: {what} {resp.status_code} for "
                        f"{resp.path}" + (f" ({detail})" if detail else ""))

    def _ok(self, resp: _Answer) -> None:
        if resp.text.strip() != "OK":
            raise SyncError(f"sync server {self._host()} did not accept the change to "
                            f"{resp.path} ({clean_line(resp.text)[:120]})")

    def _json(self, resp: _Answer) -> Any:
        try:
            return json.loads(resp.content)
        except ValueError:
            raise SyncError(f"sync server {self._host()} answered {resp.path} "
                            "with something other than JSON") from None

    def _host(self) -> str:
        return httpx.URL(self._base).host or self._base


@dataclass(frozen=True)
class _Answer:
    """A whole response, read with a cap on its size."""

    status_code: int
    content: bytes
    path: str

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


def _said(text: str) -> str:
    """The message in an error body: Miniflux's {"error_message": ...}, else the text."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    message = data.get("error_message") if isinstance(data, dict) else None
    return str(message) if message else text


def _list(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []
