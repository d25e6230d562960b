"""A real Miniflux on a private PostgreSQL, both on loopback, for the sync tests.

Miniflux is built from the Go module proxy by tests/miniflux/build.sh (pinned in
tests/miniflux/go.mod); PostgreSQL comes from the distribution's packages. Each
run gets a fresh cluster in a temporary directory, reachable only through a Unix
socket in that directory, and Miniflux listens on 127.0.0.1 only.

Run this file directly (tests/miniflux/start.sh does) to keep a server up by hand.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
MINIFLUX_DIR = HERE / "miniflux"
MINIFLUX_BIN = MINIFLUX_DIR / ".build" / "miniflux"
ADMIN = ("admin", "admin-password-1")


def postgres_bindir() -> Path | None:
    """Debian keeps the server programs out of PATH, under /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                      else 0)
    return versions[-1].parent if versions else None


def missing() -> str | None:
    """Why the server cannot start here, or None when it can."""
    if not MINIFLUX_BIN.exists():
        return f"Miniflux is not built: run tests/miniflux/build.sh (needs Go) [{MINIFLUX_BIN}]"
    if postgres_bindir() is None:
        return "PostgreSQL's initdb is not installed (apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run PostgreSQL as"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Account:
    """One Miniflux user with its Google Reader API credentials enabled."""

    url: str
    """The server's base URL, which is also its Google Reader API endpoint."""
    login: tuple[str, str]
    greader: tuple[str, str]
    """The Google Reader API credentials are separate from the account's in Miniflux."""

    def api(self) -> httpx.Client:
        """Miniflux's own REST API as this user: the independent witness in tests."""
        return httpx.Client(base_url=f"{self.url}/v1", auth=self.login, timeout=30)


class MinifluxServer:
    """Start with `with MinifluxServer() as server:`; `server.url` is where it listens.

    `settings` are extra Miniflux environment variables (its configuration),
    applied over the defaults below: e.g. {"WORKER_POOL_SIZE": "8"}.
    """

    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self._settings = dict(settings or {})
        self._procs: list[subprocess.Popen[bytes]] = []
        self._tmp = Path(tempfile.mkdtemp(prefix="mfx-"))  # short: it holds a Unix socket
        self.log = self._tmp / "miniflux.log"
        self.url = ""
        self._accounts = 0

    def __enter__(self) -> MinifluxServer:
        try:
            self._start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in reversed(self._procs):
            if proc.poll() is None:
                proc.terminate()  # postgres: smart shutdown; miniflux: graceful
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def _start(self) -> None:
        reason = missing()
        if reason:
            raise RuntimeError(reason)
        bindir = postgres_bindir()
        assert bindir is not None
        # initdb refuses to run as root: the cluster then belongs to 'postgres'.
        user = "postgres" if os.geteuid() == 0 else None
        pgdata, sockets = self._tmp / "pg", self._tmp / "s"
        pgdata.mkdir()
        sockets.mkdir()
        if user:
            entry = pwd.getpwnam(user)
            for path in (self._tmp, pgdata, sockets):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
        subprocess.run([str(bindir / "initdb"), "-D", str(pgdata), "-U", "miniflux",
                        "--auth=trust", "--encoding=UTF8", "--no-sync"],
                       user=user, check=True, timeout=120, **quiet)  # type: ignore[arg-type]
        # No TCP at all: the socket lives in a directory only this run knows.
        pg = subprocess.Popen([str(bindir / "postgres"), "-D", str(pgdata), "-k", str(sockets),
                               "-c", "listen_addresses=", "-c", "fsync=off"],
                              user=user, stdout=subprocess.DEVNULL,
                              stderr=open(self._tmp / "postgres.log", "wb"))  # noqa: SIM115
        self._procs.append(pg)
        self._wait(lambda: (sockets / ".s.PGSQL.5432").exists(), pg, "PostgreSQL")
        subprocess.run([str(bindir / "createdb"), "-h", str(sockets), "-U", "miniflux",
                        "miniflux"], check=True, timeout=60, user=user, **quiet)  # type: ignore[arg-type]
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DATABASE_URL": f"host={sockets} user=miniflux dbname=miniflux sslmode=disable",
            "LISTEN_ADDR": f"127.0.0.1:{port}",
            "BASE_URL": url,
            "RUN_MIGRATIONS": "1",
            "CREATE_ADMIN": "1",
            "ADMIN_USERNAME": ADMIN[0],
            "ADMIN_PASSWORD": ADMIN[1],
            # The tests serve their feeds on 127.0.0.1, which Miniflux refuses by default.
            "FETCHER_ALLOW_PRIVATE_NETWORKS": "1",
            # Feeds are refreshed when a test asks, never behind its back.
            "POLLING_FREQUENCY": "1440",
            "WORKER_POOL_SIZE": "2",
            "LOG_LEVEL": "info",
            **self._settings,
        }
        mfx = subprocess.Popen([str(MINIFLUX_BIN)], env=env, stdout=subprocess.DEVNULL,
                               stderr=open(self.log, "wb"))  # noqa: SIM115
        self._procs.append(mfx)
        self._wait(lambda: _answers(f"{url}/healthcheck"), mfx, "Miniflux")
        self.url = url

    def new_account(self) -> Account:
        """A fresh user (so tests never see each other's feeds), Google Reader API on."""
        self._accounts += 1
        n = self._accounts
        account = Account(self.url, (f"user{n}", f"password-{n}-x"),
                          (f"reader{n}", f"greader-password-{n}"))
        with httpx.Client(base_url=f"{self.url}/v1", auth=ADMIN, timeout=30) as admin:
            made = admin.post("/users", json={"username": account.login[0],
                                              "password": account.login[1]})
            if made.status_code != 201:
                raise RuntimeError(f"cannot create a Miniflux user: {made.text}")
        enable_google_reader(account)
        return account

    def _wait(self, ready: Any, proc: subprocess.Popen[bytes], name: str) -> None:
        deadline = time.monotonic() + 60
        while not ready():
            if proc.poll() is not None or time.monotonic() > deadline:
                logs = "".join(p.read_text("utf-8", "replace")[-2000:]
                               for p in self._tmp.glob("*.log"))
                raise RuntimeError(f"{name} did not start:\n{logs}")
            time.sleep(0.05)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


class _Form(HTMLParser):
    """The fields a browser would submit from the page's forms, with their values."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        name = attr.get("name")
        if tag == "input" and name:
            if attr.get("type") in ("checkbox", "radio") and "checked" not in attr:
                return
            self.fields[name] = attr.get("value", "on")
        elif tag == "textarea" and name:
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and (
                "selected" in attr or self._select not in self.fields):
            self.fields[self._select] = attr.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _form(html: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(html)
    return parser.fields


def enable_google_reader(account: Account, password: str | None = None) -> None:
    """Turn on the user's Google Reader API credentials through the settings page.

    Miniflux has no REST endpoint for integrations, so this does what a person
    does: log in and submit the form as the browser would (CSRF token included).
    Saving again makes a new token; a new `password` replaces the account's.
    """
    if password:
        account.greader = (account.greader[0], password)
    with httpx.Client(base_url=account.url, timeout=30, follow_redirects=True) as web:
        login = _form(web.get("/").text)
        page = web.post("/login", data={**login, "username": account.login[0],
                                        "password": account.login[1]})
        page.raise_for_status()
        fields = _form(web.get("/integrations").text)
        done = web.post("/integration", data={
            **fields, "googlereader_enabled": "1",
            "googlereader_username": account.greader[0],
            "googlereader_password": account.greader[1]})
        if done.status_code != 200:
            raise RuntimeError(f"{done.status_code} {done.text[:500]}")
    login_api = httpx.post(f"{account.url}/accounts/ClientLogin",
                           data={"Email": account.greader[0], "Passwd": account.greader[1]})
    if login_api.status_code != 200:
        raise RuntimeError(f"Google Reader API not enabled: {login_api.status_code}")


def main() -> int:
    reason = missing()
    if reason:
        print(reason, file=sys.stderr)
        return 1
    with MinifluxServer() as server:
        account = server.new_account()
        print(f"Miniflux on {server.url}\n  admin: {ADMIN[0]} / {ADMIN[1]}\n"
              f"  user: {account.login[0]} / {account.login[1]}\n"
              f"  its Google Reader API login: {account.greader[0]} / {account.greader[1]}\n"
              f"  log: {server.log}\nCtrl-C stops it and deletes its data.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while all(p.poll() is None for p in server._procs):
                time.sleep(1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
