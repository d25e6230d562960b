"""The filter matcher never raises on any title and any pattern the validator
accepts, and a pattern that backtracks for ever in Python's `re` runs in
linear time (RE2)."""

from __future__ import annotations

import time
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from toaster_tui.config.load import parse_config
from toaster_tui.core.errors import ConfigError
from toaster_tui.core.rules import compile_pattern
from toaster_tui.store.filters import FilterSet, matches

# Regex pieces, glued: far more of these compile than of random text.
PIECES = [*"()[]{}*+?|^$.\\-,:=<>!#aAbz09 é\u202e\U0001f600", "\\d", "\\w", "\\b", "(?i)",
          "(?P<n>", "\\1", "{2,}", "[^", "\\p{L}", "(?s)", "\\x{41}", "a+", "(a|b)*"]
REGEXISH = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
TITLES = st.text(st.characters(blacklist_categories=()), max_size=200)


def accepted(pattern: str) -> bool:
    """Whether config.toml with this `title` pattern validates."""
    try:
        text = tomli_w.dumps({"filters": [{"title": pattern, "action": "hide"}]})
    except Exception:
        return False  # not even TOML (a lone surrogate)
    try:
        parse_config(text, Path("config.toml"))
    except ConfigError:
        return False
    return True


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=st.one_of(REGEXISH, st.text(max_size=30)), title=TITLES)
def test_matcher_never_raises_on_what_the_validator_accepts(pattern: str, title: str) -> None:
    assume(accepted(pattern))
    compiled = compile_pattern(pattern)
    assert matches(compiled, title) in (True, False)
    assert matches(compiled, None) is False


@given(title=TITLES)
def test_a_lone_surrogate_in_a_title_is_no_match_not_a_crash(title: str) -> None:
    assert matches(compile_pattern("a"), title + "\ud800") in (True, False)


def test_validator_refuses_what_re2_cannot_run() -> None:
    for pattern in ("(?<=a)b", "(a)\\1", "(?!x)", "[", "a{2000}"):
        assert not accepted(pattern), pattern
    assert accepted("(?i)^sponsored\\b")


def test_catastrophic_pattern_is_linear() -> None:
    compiled = compile_pattern("(a+)+$")
    title = "a" * 100_000 + "b"
    began = time.perf_counter()
    assert not matches(compiled, title)
    assert time.perf_counter() - began < 1.0
    assert not FilterSet([])  # no filters: the store skips the step
