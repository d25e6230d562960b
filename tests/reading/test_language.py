"""Language tags reduced to a primary subtag."""

from __future__ import annotations

import pytest

from toaster_tui.reading.language import normalize_language


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        (("en-US",), "en"), (("pt-BR",), "pt"), (("DE",), "de"), (("zh_Hant_TW",), "zh"),
        ((None, "fr-CA"), "fr"), (("", "  "), "unknown"), (("x-klingon", "es"), "es"),
        (("und",), "unknown"), (("English",), "en"), (("eng",), "en"), (("en-US, de",), "en"),
        (("12",), "unknown"), (("\x1b[2Jen",), "en"), ((), "unknown"), (("iw",), "he"),
    ],
)
def test_normalize_language(candidates: tuple[str | None, ...], expected: str) -> None:
    assert normalize_language(*candidates) == expected
