"""TextBlock: lines of styled text drawn straight as strips (Textual's Line API).

The detail pane's text changes on every cursor move. As two Statics it cost about 1.7 ms a move
on this machine, most of it in Textual's Content pipeline (wrap, format, a Visual per update).
Here a line that fits the width is its spans as segments, with the styles resolved once per
theme; a longer line is wrapped at words (a word wider than the width folded, in cells): a
one-style line by ``text_wrap``, others (and tabs) by Rich. Only rows on screen are drawn:
a transcription's height costs its text, not its strips. Text is never parsed for markup: a
span's text is shown as it is, so callers pass text already made safe (``vm_tui.text.safe``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from vm_tui.ui.widgets.text_wrap import wrap

# A span's role names how it looks: "" is the block's own style, the others are component
# classes ("text-block--strong"), so a theme or the app's CSS can restyle them.
ROLES = ("strong", "heading", "dim", "note", "placeholder")
Span = tuple[str, str]  # (text, role)
Line = tuple[Span, ...]
Row = Line | Strip  # spans that fit the width (drawn when first shown), or a drawn strip
TAB_SIZE = 8  # as Textual's Content expands tabs


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
        self._rows: list[Row] = []
        self._rows_width = -1  # the width _rows were laid out for; -1: lay them out again
        self._strips: dict[int, Strip] = {}  # rows drawn so far, by row
        self._styles: dict[str, Style] = {}

    @property
    def plain(self) -> str:
        """The text shown, without styles."""
        return "\n".join("".join(text for text, _ in line) for line in self._lines)

    def show(self, lines: Sequence[Line]) -> None:
        """Show ``lines``: a repaint, and a layout of the screen only when the height changes
        (a layout costs a few ms; most cursor moves keep each part's height)."""
        width = self.content_size.width
        old_height = len(self._rows_at(width)) if width else None
        self._lines = tuple(lines)
        self._rows_width = -1
        if old_height is None or len(self._rows_at(width)) != old_height:
            self.refresh(layout=True)
        else:
            self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._rows_at(width))

    def notify_style_update(self) -> None:
        # A new theme or CSS: the styles resolved before, and the rows drawn with them, are stale.
        super().notify_style_update()
        self._styles.clear()
        self._rows_width = -1

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        rows = self._rows_at(width)
        if not 0 <= y < len(rows):
            return Strip.blank(width, self._style(""))
        row = rows[y]
        if isinstance(row, Strip):
            return row
        strip = self._strips.get(y)
        if strip is None:
            segments = [Segment(text, self._style(role)) for text, role in row if text]
            strip = self._strips[y] = Strip(segments).adjust_cell_length(width, self._style(""))
        return strip

    def _rows_at(self, width: int) -> list[Row]:
        if width != self._rows_width:
            self._rows = self._lay_out(max(width, 1))
            self._rows_width = width
            self._strips.clear()
        return self._rows

    def _lay_out(self, width: int) -> list[Row]:
        """The rows at ``width``: spans for what fits (drawn when shown), or drawn strips."""
        rows: list[Row] = []
        for line in self._lines:
            plain = "".join(text for text, _ in line)
            if "\t" in plain:
                rows.extend(self._wrapped(line, width))  # Rich expands tabs
            elif cell_len(plain) <= width:
                rows.append(line)
            elif len(line) == 1:  # one style, as a transcription: its rows are its text's
                text, role = line[0]
                rows.extend(((piece, role),) for piece in wrap(text, width))
            else:
                rows.extend(self._wrapped(line, width))
        rows.extend(() for _ in range(self.min_lines - len(rows)))
        return rows

    def _wrapped(self, line: Line, width: int) -> list[Strip]:
        text = Text(tab_size=TAB_SIZE, end="")
        for part, role in line:
            text.append(part, self._style(role))
        console, base = self.app.console, self._style("")
        return [
            Strip(row.render(console)).adjust_cell_length(width, base)
            for row in text.wrap(console, width, overflow="fold")
        ]

    def _style(self, role: str) -> Style:
        style = self._styles.get(role)
        if style is None:
            style = self.rich_style
            if role:
                style += self.get_component_rich_style(f"text-block--{role}", partial=True)
            self._styles[role] = style
        return style
