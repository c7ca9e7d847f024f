"""A widget's own strips, handed to the compositor without Textual's per-line styling.

Textual passes each line a widget renders through its StylesCache (border, padding, tint,
opacity, hatch) into a new Strip, even when the widget's styles add none of them. For the
widgets whose lines change on every cursor move (the list, the detail text) that was about a
third of a frame, and the new Strip objects defeat the caches the compositor relies on in each
strip (its cut into pieces, its escape codes), so a row moved by a scroll was styled, cut and
encoded again although the widget had cached it.

``plain_lines`` returns the widget's ``render_line`` strips themselves, padded to the widget's
width and passed through the app's line filters (NO_COLOR and the ANSI colour conversion) as
Textual does, when the styles add nothing; otherwise None, and the widget uses Textual's path.
A style change refreshes the whole widget, which empties Textual's line cache, so switching
from one path to the other never shows stale lines.
"""

from __future__ import annotations

from rich.style import Style
from textual.color import Color
from textual.geometry import NULL_SPACING, Region
from textual.strip import Strip
from textual.widget import Widget

_pad_styles: dict[Color, Style] = {}


def plain_lines(widget: Widget, crop: Region) -> list[Strip] | None:
    """The lines of ``widget`` within ``crop``, or None when its styles add to them."""
    if not adds_nothing(widget):
        return None
    width = widget.size.width
    base_background, background = widget.background_colors
    pad = _pad_style(base_background + background)
    filters = widget.get_line_filters()
    render_line = widget.render_line
    strips = []
    for y in crop.line_range:
        strip = render_line(y).adjust_cell_length(width, pad)  # cached in the strip
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, background)  # cached in the strip
        strips.append(strip)
    x1, x2 = crop.column_span
    if (x1, x2) != (0, width):
        strips = [strip.crop(x1, x2) for strip in strips]
    return strips


def adds_nothing(widget: Widget) -> bool:
    """True when Textual's styling would leave the widget's lines as they are (bar padding)."""
    styles = widget.styles
    return (
        styles.gutter == NULL_SPACING  # no padding, no border (nor its title)
        and not any(kind for kind, _ in styles.outline)
        and not styles.tint.a
        and styles.text_opacity == 1.0
        and not (styles.has_rule("hatch") and styles.hatch != "none")
        and widget.opacity == 1.0  # its own and its ancestors'
    )


def _pad_style(background: Color) -> Style:
    style = _pad_styles.get(background)
    if style is None:
        if len(_pad_styles) > 64:  # themes come and go
            _pad_styles.clear()
        style = _pad_styles[background] = Style.from_color(bgcolor=background.rich_color)
    return style
