"""Text cut to terminal cells: word wrap (breaking where Rich breaks, ``divide_line`` with
``overflow="fold"``) and cropping, neither of which raises on any text.

Rich 15's ``set_cell_size``, ``Text.wrap`` and Textual's ``Content.wrap`` raise (IndexError,
ZeroDivisionError) on some strings of zero-width joiners and wide characters, which a caller
name, a line name or a transcription from a stranger can hold. Rich's wrap also builds a
``Text`` per row: a transcription of a few thousand characters took ~5 ms, twice on a first
paint (once per width the pane tries). Here only the break offsets are computed.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, chop_cells

_WORD = re.compile(r"\s*\S+\s*")  # a word with the spaces around it, as Rich's divide_line
TAB_SIZE = 8  # as Textual's Content expands tabs


def breaks(text: str, width: int) -> list[int]:
    """Where ``text`` (one line, no tabs) is cut into rows of at most ``width`` cells: before
    a word that does not fit, inside a word wider than ``width``. From 0 to ``len(text)``."""
    width = max(width, 2)  # a row must hold a wide character (chop_cells fails at 1)
    cuts = [0]
    offset = 0  # cells used on the current row
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        needed = cell_len(word.rstrip())
        if needed <= width - offset:
            offset += cell_len(word)
        elif needed > width:  # wider than any row: fold it
            pieces = chop_cells(word, width)
            for piece in pieces[:-1]:
                if start:
                    cuts.append(start)
                start += len(piece)
            if start:
                cuts.append(start)
            offset = cell_len(pieces[-1])
        elif offset and start:
            cuts.append(start)
            offset = cell_len(word)
    cuts.append(len(text))
    return cuts


def expand_tabs(text: str, column: int = 0) -> str:
    """Tabs as spaces to the next stop, counted in cells from ``column`` (where the text starts
    on its line)."""
    if "\t" not in text:
        return text
    out = []
    for n, part in enumerate(text.split("\t")):
        if n:
            pad = TAB_SIZE - column % TAB_SIZE
            out.append(" " * pad)
            column += pad
        out.append(part)
        column += cell_len(part)
    return "".join(out)


def crop(text: str, cells: int) -> str:
    """The longest start of ``text`` that is at most ``cells`` cells wide."""
    if cells <= 0:
        return ""
    if text.isascii():  # a cell a character (control characters are cleaned out before)
        return text[:cells]
    if cell_len(text) <= cells:
        return text
    low, high = 0, len(text)  # the longest start that fits: cell_len grows with the start
    while low < high:
        middle = (low + high + 1) // 2
        if cell_len(text[:middle]) <= cells:
            low = middle
        else:
            high = middle - 1
    return text[:low]
