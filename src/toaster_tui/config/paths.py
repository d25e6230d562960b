"""Where files live: one place for every default path."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "toaster-tui"


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--config, else $TOASTER_CONFIG, else the platform config dir."""
    chosen = explicit or os.environ.get("TOASTER_CONFIG")
    if chosen:
        return Path(chosen).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--db, else $TOASTER_DB, else the platform data dir."""
    chosen = explicit or os.environ.get("TOASTER_DB")
    if chosen:
        return Path(chosen).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME)) / "toaster.db"


def crash_log_dir() -> Path:
    """Where a crash report goes: the platform's log dir (~/.local/state/toaster-tui/log)."""
    return Path(platformdirs.user_log_dir(APP_NAME))


def example_config_text() -> str:
    """The bundled example-config.toml (package data, else the source tree's copy)."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "data" / "example-config.toml",
                      package.parent.parent / "example-config.toml"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise FileNotFoundError("example-config.toml is missing from this installation")
