"""Plain data shared by every layer: the dataclasses, the exception tree and terminal-safe text."""
