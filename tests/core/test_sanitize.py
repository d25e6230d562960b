"""Terminal safety: escape sequences and controls from feeds never survive."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toaster_tui.core.sanitize import clean_line, clean_text, is_terminal_safe, safe_url

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def assert_safe(s: str) -> None:
    """Checked char by char, independently of is_terminal_safe."""
    assert is_terminal_safe(s)
    for ch in s:
        code = ord(ch)
        assert code >= 0x20 or ch in "\n\t", repr(s)
        assert not 0x7F <= code <= 0x9F, repr(s)
        assert ch not in BIDI, repr(s)
        assert ch not in "\ufeff\u2028\u2029\r", repr(s)


# Text that mixes ordinary characters with everything hostile.
HOSTILE_CHARS = st.sampled_from(
    ["\x1b", "\x9b", "\x9d", "\x90", "\x9c", "\x07", "\x00", "\r", "\n", "\t", "\x7f",
     "\u202e", "\u2066", "\u200f", "\ufeff", "\u2028", "[", "]", ";", "\\", "P", "^", "_"]
)
hostile_text = st.lists(st.one_of(st.text(max_size=8), HOSTILE_CHARS), max_size=40).map("".join)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("before\x1b[2Jafter", "beforeafter"),                      # clear screen
        ("red \x1b[1;31mALERT\x1b[0m done", "red ALERT done"),      # SGR colours
        ("copy\x1b]52;c;SGVsbG8=\x07paste", "copypaste"),           # OSC 52 clipboard
        ("see \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ here", "see link here"),  # OSC 8
        ("\x1b]0;pwned\x07My title", "My title"),                   # window title, BEL
        ("\x1b]2;pwned\x1b\\My title", "My title"),                 # window title, ST
        ("a\x1bP+q544e\x1b\\b", "ab"),                              # DCS request
        ("a\x1bXsos\x1b\\b\x1b^pm\x1b\\c\x1b_apc\x1b\\d", "abcd"),  # SOS, PM, APC
        ("x\x9b2Jy", "xy"),                                         # 8-bit CSI
        ("x\x9d0;title\x07y", "xy"),                                # 8-bit OSC
        ("x\x90payload\x9cy", "xy"),                                # 8-bit DCS / ST
        ("reset\x1bc!", "reset!"),                                  # RIS
        ("fill\x1b#8ed", "filled"),                                 # DECALN
        ("save\x1b7d", "saved"),                                    # lone ESC + one char
        ("trailing\x1b", "trailing"),
        ("evil\u202etxt.exe", "eviltxt.exe"),                       # RTL override
        ("\u2067isolate\u2069 \u200fmark\u200e \u061cx", "isolate mark x"),
        ("\ufeffBOM", "BOM"),
        ("bell\x07 nul\x00 del\x7f bs\x08", "bell nul del bs"),
        ("nel\x85c1\x80\x9f", "nel\nc1"),
        ("one\r\ntwo\rthree\u2028four\u2029five", "one\ntwo\nthree\nfour\nfive"),
        ("keep\ttabs\nand newlines", "keep\ttabs\nand newlines"),
        ("Ünïcödé 日本語 emoji 👩‍💻 and ZWJ", "Ünïcödé 日本語 emoji 👩‍💻 and ZWJ"),
    ],
)
def test_clean_text_removes_sequences_keeps_visible_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected
    assert_safe(clean_text(raw))


def test_clean_text_unterminated_osc_only_loses_its_introducer() -> None:
    # With no terminator the payload is inert text once ESC is gone.
    assert clean_text("a\x1b]0;title") == "atitle"
    assert clean_text("a\x1b[31") == "a"


def test_clean_text_none_and_empty() -> None:
    assert clean_text(None) == ""
    assert clean_text("") == ""
    assert clean_line(None) == ""


def test_clean_text_returns_clean_input_unchanged() -> None:
    s = "Plain text, nothing to see.\n\tIndented."
    assert clean_text(s) is s


def test_clean_line_collapses_whitespace() -> None:
    assert clean_line("  Hello,\n\n\tworld\x1b[2J !  ") == "Hello, world !"
    assert clean_line("a\u2028b\r\nc") == "a b c"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://example.org/feed.xml", "https://example.org/feed.xml"),
        ("  HTTP://Example.org/a?b=c#d \n", "HTTP://Example.org/a?b=c#d"),
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("https://exa\x1b[2Jmple.org/", "https://example.org/"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html;base64,PHNjcmlwdD4=", None),
        ("file:///etc/passwd", None),
        ("mailto:me@example.org", None),
        ("ftp://example.org/", None),
        ("http:///nohost", None),
        ("https://", None),
        ("/relative/path", None),
        ("http://[::1", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(raw: str | None, expected: str | None) -> None:
    assert safe_url(raw) == expected


def test_is_terminal_safe() -> None:
    assert is_terminal_safe("fine\ttext\n")
    assert not is_terminal_safe("\x1b[2J")
    assert not is_terminal_safe("\u202e")
    assert not is_terminal_safe("a\r\n")
    assert not is_terminal_safe("\x9b")


def test_clean_text_is_fast_on_large_and_adversarial_input() -> None:
    start = time.perf_counter()
    clean_text("ordinary words " * 100_000)
    clean_text("abc\x1b[31mdef\u202e" * 50_000)
    # Thousands of unterminated introducers must not make scanning quadratic.
    clean_text("\x1b]" * 50_000 + "\x9d" * 50_000 + "\x1bP" * 50_000)
    assert time.perf_counter() - start < 2.0


@settings(max_examples=500)
@given(st.text())
def test_clean_text_any_unicode(s: str) -> None:
    out = clean_text(s)
    assert_safe(out)
    assert clean_text(out) == out


@settings(max_examples=500)
@given(hostile_text)
def test_clean_functions_on_hostile_text(s: str) -> None:
    out = clean_text(s)
    assert_safe(out)
    assert "\x1b" not in out
    assert clean_text(out) == out  # idempotent
    line = clean_line(s)
    assert_safe(line)
    assert "\n" not in line and "\t" not in line
    assert line == line.strip()
    url = safe_url(s)
    assert url is None or (url.lower().startswith(("http://", "https://")) and " " not in url)
    if url is not None:
        assert_safe(url)


visible = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20)
sequence = st.one_of(
    st.builds(lambda p: f"\x1b[{p}m", st.from_regex(r"[0-9;]{0,6}", fullmatch=True)),
    st.builds(lambda p: f"\x1b]{p}\x07", visible.filter(lambda v: "\x1b" not in v)),
    st.builds(lambda p: f"\x1b]{p}\x1b\\", visible),
    st.builds(lambda p: f"\x1bP{p}\x1b\\", visible),
    st.builds(lambda p: f"\x9b{p}J", st.from_regex(r"[0-9;]{0,4}", fullmatch=True)),
    st.just("\u202e"),
)


@given(visible, sequence, visible)
def test_visible_text_around_a_sequence_survives(a: str, seq: str, b: str) -> None:
    assert clean_text(a + seq + b) == a + b


@pytest.mark.parametrize("code", [*range(0x00, 0x20), 0x7F])
def test_clean_text_ascii_fast_path_still_removes_each_control(code: int) -> None:
    """ASCII text takes a line-by-line printable check: a control after a
    newline (or alone) must still be cleaned like any other."""
    c = chr(code)
    for raw in (f"first line\nx{c}y", f"x{c}y", f"a\n\nb{c}"):
        out = clean_text(raw)
        if c in "\t\n":
            assert out == raw
        elif c == "\r":
            assert "\r" not in out and out.count("\n") == raw.count("\n") + 1
        else:
            assert c not in out and out.replace("\n", "").isprintable()


def test_clean_line_collapses_every_unicode_space_as_a_regex_would() -> None:
    spaces = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
    raw = f"{spaces}a{spaces}b\u00a0c\u3000d {spaces}"
    assert clean_line(raw) == re.sub(r"\s+", " ", clean_text(raw)).strip() == "a b c d"
