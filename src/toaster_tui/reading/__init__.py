"""What a reader sees: HTML to light Markdown, summary, quotes, language, plain-text rendering."""
