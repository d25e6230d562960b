"""What every command starts with: the config (created when missing) and the cache."""

from __future__ import annotations

import argparse

from toaster_tui.cli.output import err
from toaster_tui.config import paths
from toaster_tui.config.load import ensure_config
from toaster_tui.core.errors import ToasterError
from toaster_tui.core.models import Config
from toaster_tui.store.database import Store


class UsageError(ToasterError):
    """Bad usage: exit 2."""


def load_config(args: argparse.Namespace) -> Config:
    path = paths.config_path(getattr(args, "config", None))
    config, created = ensure_config(path)
    if created:
        err(f"created {path} with sample subscriptions; edit it or use 'toaster add'")
    return config


def open_store(args: argparse.Namespace, config: Config) -> Store:
    store = Store(paths.db_path(getattr(args, "db", None)))
    store.sync_feeds(config.feeds, hidden_default=config.settings.hidden_from_all)
    return store
