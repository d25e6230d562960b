"""Bundled sample feeds for `toaster demo`: the real app, offline.

data/feeds.toml is an ordinary config.toml whose urls live under the
reserved `.invalid` domain, so nothing can ever fetch them by mistake; each
url's last path component names the file that stands in for its response.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["DEMO_CONFIG", "DEMO_DIR", "demo_config_text", "demo_feed_files"]

DEMO_DIR: Path = Path(__file__).resolve().parent / "data"
DEMO_CONFIG: Path = DEMO_DIR / "feeds.toml"


def demo_config_text() -> str:
    """The demo subscriptions, as config.toml text."""
    return DEMO_CONFIG.read_text(encoding="utf-8")


def demo_feed_files() -> dict[str, Path]:
    """Each demo feed url mapped to the bundled file that is its body, in config order."""
    doc = tomllib.loads(demo_config_text())
    files: dict[str, Path] = {}
    for feed in doc.get("feeds", []):
        url = str(feed["url"])
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        path = DEMO_DIR / name
        if not name or not path.is_file():
            # A broken installation, not a user error: say which file is missing.
            raise FileNotFoundError(f"demo feed file for {url} is missing: {path}")
        files[url] = path
    return files
