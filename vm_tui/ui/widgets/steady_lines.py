"""SteadyLines: a widget that keeps the lines Textual drew for it until Textual marks it dirty.

Textual's compositor asks every widget whose container overlaps a frame's changes for all its
lines, every frame: on a cursor move, the status bar, the key bar, the search field, the player
bar and the containers too, though none of them changed. Each answer walks Textual's line cache
line by line and costs 30-80 us, about a tenth of a cursor move all told. A widget with this
mixin answers from the list it returned last time while nothing that goes into it changed.

What goes into them: the lines Textual caches for the widget, which change only after
``_set_dirty`` (every refresh, a resize, a style or theme change, above or on the widget, ends
there; Textual 8.2, pinned in pyproject), and two things applied after that cache: the region
asked for and the app's line filters (``App.ansi_color`` switches one without a refresh). Those
two are the key; ``_set_dirty`` drops the kept lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.containers import Horizontal, Vertical
from textual.filter import LineFilter
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input

_Key = tuple[Region, Sequence[LineFilter]]


if TYPE_CHECKING:
    _Mixin = Widget
else:
    _Mixin = object  # not a Widget: Textual inherits CSS through a class's first Widget base


class SteadyLines(_Mixin):
    """Mix in before the Textual class: ``class Panes(SteadyLines, Horizontal)``."""

    _steady_key: _Key | None = None
    _steady_lines: list[Strip] | None = None

    def _set_dirty(self, *regions: Region) -> None:
        self._steady_lines = None
        super()._set_dirty(*regions)

    def render_lines(self, crop: Region) -> list[Strip]:
        key = (crop, self.get_line_filters())
        if self._steady_lines is None or key != self._steady_key:
            self._steady_lines = super().render_lines(crop)
            self._steady_key = key
        return self._steady_lines


class SteadyHorizontal(SteadyLines, Horizontal):
    pass


class SteadyVertical(SteadyLines, Vertical):
    pass


class SteadyInput(SteadyLines, Input):
    pass
