"""Word wrap in terminal cells, as Rich wraps (``Text.wrap`` with ``overflow="fold"``).

Rich's wrap builds a ``Text`` per row and renders each; a transcription of a few thousand
characters took ~5 ms that way, twice on a first paint (once per width the pane tries). Only
the rows' text is needed to know the height, and only the visible rows get drawn.
"""

from __future__ import annotations

import itertools
import re

from rich.cells import cell_len, chop_cells

_WORD = re.compile(r"\s*\S+\s*")  # a word with the spaces around it, as Rich's divide_line


def wrap(text: str, width: int) -> list[str]:
    """``text`` (one line, no tabs) in rows of at most ``width`` cells: broken before a word
    that does not fit, a word wider than ``width`` folded; trailing spaces dropped."""
    width = max(width, 1)
    breaks = [0]
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
                    breaks.append(start)
                start += len(piece)
            if start:
                breaks.append(start)
            offset = cell_len(pieces[-1])
        elif offset and start:
            breaks.append(start)
            offset = cell_len(word)
    breaks.append(len(text))
    return [text[a:b].rstrip() for a, b in itertools.pairwise(breaks)]
