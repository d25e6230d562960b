"""Widgets of the TUI's panes."""
