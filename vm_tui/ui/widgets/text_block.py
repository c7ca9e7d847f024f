"""TextBlock: lines of styled text drawn straight as strips (Textual's Line API).

The detail pane's text changes on every cursor move. As two Statics it cost about 1.7 ms a move
on this machine, most of it in Textual's Content pipeline (wrap, format, a Visual per update).
Here a line that fits the width is its spans as segments, with the styles resolved once per
theme; a longer line is wrapped at words (a word wider than the width folded, in cells) by
``text_wrap``, which never raises on a stranger's text as Rich's and Textual's wraps can. Only
rows on screen are drawn: a transcription's height costs its text, not its strips. Text is never
parsed for markup: a span's text is shown as it is, so callers pass text already made safe
(``vm_tui.text.safe``).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from vm_tui.ui.widgets.plain_lines import plain_lines
from vm_tui.ui.widgets.text_wrap import breaks, crop, expand_tabs

# A span's role names how it looks: "" is the block's own style, the others are component
# classes ("text-block--strong"), so a theme or the app's CSS can restyle them.
ROLES = ("strong", "heading", "dim", "note", "placeholder")
Span = tuple[str, str]  # (text, role)
Line = tuple[Span, ...]
log = logging.getLogger(__name__)


class TextBlock(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {f"text-block--{role}" for role in ROLES}
    DEFAULT_CSS = """
    TextBlock { height: auto; }
    TextBlock > .text-block--strong { text-style: bold; }
    TextBlock > .text-block--heading { text-style: bold; color: $foreground; }
    TextBlock > .text-block--dim { text-style: dim; }
    TextBlock > .text-block--note { text-style: italic; color: $foreground-muted; }
    TextBlock > .text-block--placeholder { text-style: italic dim; }
    """

    def __init__(self, *, min_lines: int = 0, id: str | None = None) -> None:
        super().__init__(id=id)
        self.min_lines = min_lines
        self._lines: tuple[Line, ...] = ()
        self._rows: list[Line] = []  # each fits the width
        self._rows_width = -1  # the width _rows were laid out for; -1: lay them out again
        self._strips: dict[int, Strip] = {}  # rows drawn so far, by row
        self._styles: dict[str, Style] = {}
        self._width_now: int | None = None  # content width, while render_lines runs

    @property
    def plain(self) -> str:
        """The text shown, without styles."""
        return "\n".join("".join(text for text, _ in line) for line in self._lines)

    def show(self, lines: Sequence[Line]) -> None:
        """Show ``lines``: a repaint of the rows that changed, and a layout of the screen only
        when the height changes (a layout costs a few ms; most cursor moves keep each part's
        height). A row the same as before keeps its strip and is not sent again: between two
        voicemails the line, status and recording rows and the blank ones often are."""
        width = self.content_size.width
        old_rows = self._rows_at(width) if width else None
        old_strips = self._strips
        self._lines = tuple(lines)
        self._rows_width = -1
        if old_rows is None:
            self.refresh(layout=True)
            return
        rows = self._rows_at(width)  # a new list, and a new _strips
        if len(rows) != len(old_rows):
            self.refresh(layout=True)
            return
        changed = [y for y, (new, old) in enumerate(zip(rows, old_rows, strict=True)) if new != old]
        self._strips.update((y, strip) for y, strip in old_strips.items() if rows[y] == old_rows[y])
        for first, last in _runs(changed):
            self.refresh(Region(0, first, width, last - first + 1))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._rows_at(width))

    def notify_style_update(self) -> None:
        # A new theme or CSS: the styles resolved before, and the rows drawn with them, are stale.
        super().notify_style_update()
        self._styles.clear()
        self._rows_width = -1

    def render_lines(self, crop: Region) -> list[Strip]:
        self._width_now = self.content_size.width  # looked up once a frame, not once a line
        try:
            plain = plain_lines(self, crop)  # the rows drawn below, not re-styled per frame
            return super().render_lines(crop) if plain is None else plain
        finally:
            self._width_now = None

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width if self._width_now is None else self._width_now
        rows = self._rows_at(width)
        if not 0 <= y < len(rows):
            return Strip.blank(width, self._style(""))
        strip = self._strips.get(y)
        if strip is None:
            strip = self._strips[y] = self._draw(rows[y], width)
        return strip

    def _draw(self, row: Line, width: int) -> Strip:
        """The row's segments, cut to ``width`` here (Rich's cut can raise on some text) and
        padded by the strip."""
        segments, left = [], width
        for text, role in row:
            cells = cell_len(text)
            if cells > left:
                text = crop(text, left)
                cells = cell_len(text)
            if text:
                segments.append(Segment(text, self._style(role)))
            left -= cells
        return Strip(segments).adjust_cell_length(width, self._style(""))

    def _rows_at(self, width: int) -> list[Line]:
        if width != self._rows_width:
            self._rows = self._lay_out(max(width, 1))
            self._rows_width = width
            self._strips = {}  # a new dict: show() keeps the old one to reuse its rows
        return self._rows

    def _lay_out(self, width: int) -> list[Line]:
        """The rows at ``width``, as spans (each drawn as a strip when first shown)."""
        rows: list[Line] = []
        for line in self._lines:
            line = _tabs_expanded(line)
            plain = "".join(text for text, _ in line)
            if cell_len(plain) <= width:
                rows.append(line)
                continue
            try:
                cuts = breaks(plain, width)
            except Exception:  # a library's bug on a stranger's text: cut it, do not crash
                log.warning("could not wrap a line of %d characters", len(plain))
                cuts = [*range(0, len(plain), width), len(plain)]
            for start, end in itertools.pairwise(cuts):
                end = start + len(plain[start:end].rstrip())
                if start == end:
                    rows.append(())
                while start < end:  # a row wider than it was measured (joiners): cut again
                    fits = start + max(len(crop(plain[start:end], width)), 1)
                    rows.append(_spans_between(line, start, fits))
                    start = fits
        rows.extend(() for _ in range(self.min_lines - len(rows)))
        return rows

    def _style(self, role: str) -> Style:
        style = self._styles.get(role)
        if style is None:
            style = self.rich_style
            if role:
                style += self.get_component_rich_style(f"text-block--{role}", partial=True)
            self._styles[role] = style
        return style


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _tabs_expanded(line: Line) -> Line:
    if not any("\t" in text for text, _ in line):
        return line
    column, spans = 0, []
    for text, role in line:
        text = expand_tabs(text, column)
        column += cell_len(text)
        spans.append((text, role))
    return tuple(spans)


def _spans_between(line: Line, start: int, end: int) -> Line:
    """The part of ``line``'s spans from character ``start`` to ``end``."""
    spans, at = [], 0
    for text, role in line:
        a, b = max(start - at, 0), min(end - at, len(text))
        if a < b:
            spans.append((text[a:b], role))
        at += len(text)
    return tuple(spans)
