"""One exception tree for everything a user can cause."""

from __future__ import annotations


class ToasterError(Exception):
    """Base class: its message is one clear line meant for the user."""


class ConfigError(ToasterError):
    """config.toml does not parse or validate. Carries the position."""

    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        self.path = path
        self.line = line
        self.col = col
        self.message = message
        super().__init__(f"{path}:{line}:{col}: {message}")


class SubscriptionError(ToasterError):
    """An edit of the subscriptions cannot be done (duplicate, unknown feed)."""


class FeedError(ToasterError):
    """A feed could not be fetched or parsed."""


class FeedUnreachable(FeedError):
    """The feed's site gave no answer (no network, no such host, a timeout):
    nothing is known about the feed itself."""


class StorageError(ToasterError):
    """The database cannot be opened or written."""


class OpmlError(ToasterError):
    """An OPML file cannot be read."""


class Crashed(Exception):
    """The app stopped on an unexpected error (a bug, not the user's doing).

    Not a ToasterError: nothing the user did caused it. `summary` is one line,
    `details` the traceback the app rendered, for the crash log.
    """

    def __init__(self, summary: str, details: str) -> None:
        super().__init__(summary)
        self.summary = summary
        self.details = details


class SyncError(ToasterError):
    """A sync with the feed server failed (network, server error, bad answer).

    Nothing local is lost: changes wait in the outbox for the next sync.
    """


class SyncAuthError(SyncError):
    """The feed server refused the credentials, even after logging in again."""
