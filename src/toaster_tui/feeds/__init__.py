"""Feeds on the wire: HTTP fetching and its guards, parsing, discovery and OPML."""
