"""text_wrap.breaks cuts a line where Rich's Text.wrap (fold) does, in cells, for any text."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from vm_tui.ui.widgets.list_columns import fit, fit_words
from vm_tui.ui.widgets.text_wrap import breaks, crop

# Words of ASCII, accented, wide (CJK, emoji) and zero-width-free characters, with runs of
# spaces between them: where wrapping goes wrong (cells vs characters, long words, gaps).
WORD_CHARACTERS = st.sampled_from(list("abcdefghij") + list("éüñ") + list("東京大阪") + ["😀"])
WORDS = st.lists(st.text(WORD_CHARACTERS, min_size=1, max_size=30), max_size=40)
GAPS = st.lists(st.sampled_from([" ", "  ", "   "]), min_size=40, max_size=40)


def wrap(text: str, width: int) -> list[str]:
    """The rows ``breaks`` cuts, trailing spaces dropped (as TextBlock draws them)."""
    return [text[a:b].rstrip() for a, b in itertools.pairwise(breaks(text, width))]


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


# What made Rich's own cut (set_cell_size) raise: joiners among wide characters and marks.
HOSTILE = st.sampled_from([*"ab-", " ", "\u200d", "\u0301", "\ufe0f", "\u3000", "\xa0", "東", "😀"])


@settings(max_examples=400, deadline=None)
@given(text=st.text(HOSTILE, max_size=80), cells=st.integers(0, 60))
def test_crop_and_the_lists_cells_take_any_text(text: str, cells: int) -> None:
    head = crop(text, cells)
    assert text.startswith(head) and cell_len(head) <= cells
    if cells >= 2:
        assert cell_len(fit(text, cells)) <= cells
        assert cell_len(fit_words(text, cells)) <= cells


# Strings on which Rich's set_cell_size raised (IndexError) at some widths: a list cell cut
# with it crashed the app on a hostile line name or transcription.
RICH_BREAKERS = [
    "b \u200d\u200d東ca---東--cb---bb東\u200d😀-東abaa\u200d-東cc😀b😀\u200d\u200d aa東😀東- a",
    "\u200d\u200d\u3000\ufe0f-東😀a\u0301\xa0\u200dab \u200db--"
    "\xa0\u3000\u3000\xa0\u0301\u0301東😀\ufe0f -\u3000",
]


def test_the_strings_that_broke_richs_cut_are_cut() -> None:
    for text in RICH_BREAKERS:
        for cells in range(1, 60):
            assert cell_len(crop(text, cells)) <= cells
            assert cell_len(fit(text, cells)) <= max(cells, 1)
            assert cell_len(fit_words(text, cells)) <= max(cells, 1)


def test_the_player_bars_lines_take_them_too() -> None:
    from vm_tui.ui.widgets.player_bar import _cut

    for text in RICH_BREAKERS:
        for columns in range(2, 60):
            assert cell_len(_cut(text, "dim", columns).plain) <= columns
