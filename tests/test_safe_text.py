from __future__ import annotations

import pytest

from vm_tui.text.safe import clean, is_printable, one_line

HOSTILE = [
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;aGVsbG8=\x07",  # OSC 52 clipboard write
    "\x1b]2;pwned\x07",  # window title
    "bell\x07",
    "nul\x00byte",
    "c1\x9b31m",
    "bidi\u202etxt.exe",
    "\u2066isolate\u2069",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_controls_never_survive(text: str) -> None:
    for cleaned in (clean(text), one_line(text)):
        assert is_printable(cleaned)
        assert "\x1b" not in cleaned and "\x07" not in cleaned and "\x9b" not in cleaned


def test_markup_is_left_as_text() -> None:
    # Markup is neutralised by rendering with Content/Text, so the characters stay.
    assert clean("[@click=app.quit]x[/]") == "[@click=app.quit]x[/]"


def test_one_line_folds_and_truncates() -> None:
    assert one_line("a\nb\r\nc\u2028d") == "a b c d"
    assert one_line("abcdef", limit=4) == "abc…"


def test_clean_keeps_newlines_and_tabs() -> None:
    assert clean("a\r\nb\tc") == "a\nb\tc"


def test_whole_sequences_are_removed() -> None:
    assert clean("+1\x1b[31m555\x1b[0m") == "+1555"
    assert clean("a\x1b]2;title\x07b") == "ab"
    assert clean("a\x1b]52;c;aGk=\x1b\\b") == "ab"
    assert clean("a\x9b31mb") == "ab"
