"""Move a scrollbar's thumb without repainting the bar when the thumb would be drawn the same.

Textual repaints a scrollbar on every change of its position (ScrollBar.position, a reactive
in eighths of a row). Over a long list the thumb is a cell tall and moves an eighth of a cell
every few dozen rows, so almost every cursor move repainted an unchanged bar: 1.3 ms of the
6.5 ms a key took over 10,000 rows. ScrollBarRender.render_bar draws the bar from where the
thumb starts and ends, in eighths of a cell; while those stay the same the position is
updated without a repaint, so a drag still starts from the true position.
"""

from __future__ import annotations

from math import ceil

from textual.scrollbar import ScrollBar, ScrollBarRender


def thumb_span(
    size: int, virtual_size: int, window_size: int, position: float, steps: int
) -> tuple[int, int] | None:
    """Where render_bar puts the thumb (its own arithmetic): (start, end) in 1/steps of a
    cell, or None when it draws no thumb."""
    if not (window_size and size and virtual_size and size != virtual_size):
        return None
    thumb_size = max(1, window_size / (virtual_size / size))
    offset = (size - thumb_size) * (position / (virtual_size - window_size))
    start = int(offset * steps)
    return start, start + ceil(thumb_size * steps)


def _span_of(bar: ScrollBar, position: float) -> tuple[int, int] | None:
    # ScrollBar._render_bar's arguments to render_bar.
    virtual_size = bar.window_virtual_size
    window_size = bar.window_size if bar.window_size < virtual_size else 0
    glyphs = ScrollBarRender.VERTICAL_BARS if bar.vertical else ScrollBarRender.HORIZONTAL_BARS
    size = bar.size.height if bar.vertical else bar.size.width
    return thumb_span(size, ceil(virtual_size), ceil(window_size), position, len(glyphs))


def move_thumb(bar: ScrollBar, position: float) -> None:
    """``bar.position = position``, repainting the bar only if its thumb moves on screen."""
    position = bar.validate_position(position)
    if position == bar.position:
        return
    before = _span_of(bar, bar.position)
    bar.set_reactive(ScrollBar.position, position)
    if _span_of(bar, position) != before:
        bar.refresh()
