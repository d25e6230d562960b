"""The sync password: from TOASTER_SYNC_PASSWORD, else from password_command.

The command runs without a shell, with a time limit; its first line of output
is the password. The password never goes to a file or a message.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping

from toaster_tui.core.errors import SyncError
from toaster_tui.core.models import SyncSpec
from toaster_tui.core.sanitize import clean_line

__all__ = ["COMMAND_TIMEOUT", "PASSWORD_ENV", "sync_password"]

PASSWORD_ENV = "TOASTER_SYNC_PASSWORD"
COMMAND_TIMEOUT = 30.0
"""Seconds a password command may take: a password manager may ask for a passphrase."""


def sync_password(spec: SyncSpec, environ: Mapping[str, str] | None = None) -> str:
    """The password for `spec`'s account, else SyncError saying how to give one."""
    env = os.environ if environ is None else environ
    if env.get(PASSWORD_ENV):
        return env[PASSWORD_ENV]
    if not spec.password_command:
        raise SyncError(f"no sync password: set password_command in [sync] or the {PASSWORD_ENV} "
                        "environment variable")
    name = clean_line(spec.password_command[0])
    try:
        run = subprocess.run(list(spec.password_command), capture_output=True,
                             timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL, check=False)
    except FileNotFoundError:
        raise SyncError(f"password_command: {name!r} not found") from None
    except subprocess.TimeoutExpired:
        raise SyncError(f"password_command {name!r} gave no password within "
                        f"{COMMAND_TIMEOUT:.0f} seconds") from None
    except OSError as exc:
        raise SyncError(f"password_command {name!r} cannot run: "
                        f"{clean_line(exc.strerror or str(exc))}") from None
    if run.returncode != 0:
        said = clean_line(run.stderr.decode("utf-8", "replace"))[:160]
        raise SyncError(f"password_command {name!r} failed (exit {run.returncode})"
                        + (f": {said}" if said else ""))
    lines = run.stdout.decode("utf-8", "replace").splitlines()
    password = lines[0].rstrip("\r") if lines else ""
    if not password:
        raise SyncError(f"password_command {name!r} printed no password")
    return password
