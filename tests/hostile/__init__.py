"""Hostile-input tests: a malicious feed server and what it must not achieve."""
