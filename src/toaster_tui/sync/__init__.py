"""Keeping step with a feed server (the Google Reader API: Miniflux, FreshRSS...)."""
