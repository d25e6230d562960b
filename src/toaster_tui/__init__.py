"""toaster-tui: a calm, fast, keyboard-driven terminal feed reader."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
