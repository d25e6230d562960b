"""The Textual TUI: `ToasterApp` (app.py), its screens and widgets; run.py starts it."""
