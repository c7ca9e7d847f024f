"""TextBlock lays out any text, however hostile its Unicode, without raising: rows fit the width
and keep every character but the spaces where a line was broken."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from vm_tui.ui.widgets.text_block import TextBlock
from vm_tui.ui.widgets.text_wrap import expand_tabs

# Joiners, combining marks, variation selectors, wide and zero-width characters, tabs, the
# kinds of space: what broke Rich's and Textual's wraps, and what a count by characters gets
# wrong.
CHARACTERS = st.sampled_from(
    [*"ab-", " ", "\t", "\u200d", "\u0301", "\ufe0f", "\u3000", "\xa0", "東", "😀", "👩"]
)
SPANS = st.lists(
    st.tuples(st.text(CHARACTERS, max_size=40), st.sampled_from(["", "strong", "dim"])),
    min_size=1,
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(SPANS, max_size=4), width=st.integers(1, 60))
def test_any_text_is_laid_out(lines: list[list[tuple[str, str]]], width: int) -> None:
    block = TextBlock(min_lines=2)
    block._lines = tuple(tuple(line) for line in lines)
    rows = block._lay_out(width)
    assert len(rows) >= max(2, len(lines))
    if width >= 2:  # a row holds a wide character (the drawing cuts span by span again)
        assert all(cell_len("".join(text for text, _ in row)) <= width for row in rows)
    shown = "".join(text for row in rows for text, _ in row)
    for line in lines:
        plain = expand_tabs("".join(text for text, _ in line))
        assert "".join(plain.split()) in "".join(shown.split())
