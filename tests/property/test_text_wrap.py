"""text_wrap.wrap breaks a line where Rich's Text.wrap (fold) does, in cells, for any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from vm_tui.ui.widgets.text_wrap import wrap

# Words of ASCII, accented, wide (CJK, emoji) and zero-width-free characters, with runs of
# spaces between them: where wrapping goes wrong (cells vs characters, long words, gaps).
WORD_CHARACTERS = st.sampled_from(list("abcdefghij") + list("éüñ") + list("東京大阪") + ["😀"])
WORDS = st.lists(st.text(WORD_CHARACTERS, min_size=1, max_size=30), max_size=40)
GAPS = st.lists(st.sampled_from([" ", "  ", "   "]), min_size=40, max_size=40)


def rich_rows(text: str, width: int) -> list[str]:
    console = Console(width=max(width, 1) + 10)
    return [row.plain.rstrip() for row in Text(text).wrap(console, width, overflow="fold")]


@settings(max_examples=400, deadline=None)
@given(words=WORDS, gaps=GAPS, lead=st.sampled_from(["", " ", "  "]), width=st.integers(2, 50))
def test_rows_match_richs(words: list[str], gaps: list[str], lead: str, width: int) -> None:
    text = lead + "".join(word + gap for word, gap in zip(words, gaps, strict=False)).rstrip()
    rows = wrap(text, width)
    assert rows == rich_rows(text, width)
    assert all(cell_len(row) <= width for row in rows)


def test_examples() -> None:
    assert wrap("alpha beta gamma", 10) == ["alpha beta", "gamma"]
    assert wrap("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert wrap("東京大阪東京", 5) == ["東京", "大阪", "東京"]  # 2 cells each: 4 of 5 used
    assert wrap("", 10) == [""]
