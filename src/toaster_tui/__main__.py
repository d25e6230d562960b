"""`python -m toaster_tui` does what the `toaster` command does."""

from __future__ import annotations

import sys

from toaster_tui.cli import main

sys.exit(main())
