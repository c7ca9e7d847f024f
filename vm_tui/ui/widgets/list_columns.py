"""The inbox list's columns: which ones a row of a given width shows, and how a cell is cut.

Columns, left to right, one blank cell between them:

- the unread dot;
- the caller: the contact's name, else the number (17 cells);
- the line: as wide as the longest line name among the voicemails in the list (after search and
  filters), 16 cells at most; counted as rows come and go, never by scanning the list;
- when it arrived (10 cells), and the recording's duration once known (5, right-aligned);
- the transcription's start, in every cell the others leave.

A cell that does not fit ends with ``…`` (the preview at a word when one ends nearby). When the
preview would get fewer than 16 cells, columns drop in this order: the duration, the line, the
preview itself, then the time; the dot and the caller always stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

from vm_tui.ui.widgets.text_wrap import crop

MARKER = 3  # " ● "
CALLER = 17
LINE_CAP = 16
RECEIVED = 10
DURATION = 5
PREVIEW_MIN = 16
GAP = 1
# Which optional column goes first when the row is too narrow (see the module's docstring).
DROP_ORDER = ("duration", "line", "preview", "received")
# The preview ends at a word when one ends at most this many cells earlier (a third of the
# preview's width at most).
WORD_SLACK = 12
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Layout:
    """The cells each column gets at one width (0: the column is not shown); gaps excluded."""

    caller: int
    line: int
    received: int
    duration: int
    preview: int


def layout_for(width: int, line: int) -> Layout:
    """Columns for a row ``width`` cells wide whose line names take up to ``line`` cells."""
    shown = {"line": line > 0, "received": True, "duration": True, "preview": True}
    sizes = {"line": line, "received": RECEIVED, "duration": DURATION}
    drops = list(DROP_ORDER)
    while True:
        fixed = MARKER + CALLER + sum(GAP + sizes[k] for k in sizes if shown[k])
        rest = width - fixed - GAP
        fits = rest >= PREVIEW_MIN if shown["preview"] else fixed <= width
        if fits or not drops:
            break
        shown[drops.pop(0)] = False
    return Layout(
        caller=max(0, min(CALLER, width - MARKER)),
        line=line if shown["line"] else 0,
        received=RECEIVED if shown["received"] else 0,
        duration=DURATION if shown["duration"] else 0,
        preview=max(0, rest) if shown["preview"] else 0,
    )


def fit(text: str, cells: int) -> str:
    """``text`` in exactly ``cells`` cells: padded, or cut with ``…`` as its last cell."""
    if cells <= 0:
        return ""
    length = cell_len(text)
    if length <= cells:
        return text + " " * (cells - length)
    return _padded(crop(text, cells - 1).rstrip() + ELLIPSIS, cells)


def fit_words(text: str, cells: int) -> str:
    """As ``fit``, but a cut inside a word backs up to the end of the word before when that
    loses little (see ``WORD_SLACK``), and a comma or full stop before the ``…`` goes:
    "Hi, this is Dana from…", not "Hi, this is Dana fr…"."""
    if cells <= 0:
        return ""
    length = cell_len(text)
    if length <= cells:
        return text + " " * (cells - length)
    head = crop(text, cells - 1)
    if text.startswith(head) and not text[len(head)].isspace():
        space = head.rfind(" ")
        if space > 0 and len(head) - space <= min(WORD_SLACK, cells // 3):
            head = head[:space]
    return _padded((head.rstrip().rstrip(",.;:") or head) + ELLIPSIS, cells)


def _padded(text: str, cells: int) -> str:
    return text + " " * (cells - cell_len(text))
