"""SteadyLines: the lines a widget keeps between frames are those Textual would draw afresh,
through everything that changes them in the real app: typing a search, focus, a cursor move,
playing, a mark, a theme, a resize into the narrow layout.

"Afresh" is Textual's own path with its line cache emptied, so a change that reached neither
this mixin nor Textual's cache would still be caught.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region
from textual.widget import Widget

from tests.ui.conftest import LoadedApp, wait_until
from vm_tui.ui.widgets.player_bar import PlayerBar
from vm_tui.ui.widgets.steady_lines import SteadyLines


def steady_widgets(app: Any) -> list[Widget]:
    screen = app.screen
    found: list[Widget] = [w for w in screen.walk_children() if isinstance(w, SteadyLines)]
    return [screen, *found] if isinstance(screen, SteadyLines) else found


def assert_kept_lines_are_fresh(app: Any, step: str) -> None:
    widgets = steady_widgets(app)
    assert len(widgets) >= 8, step  # screen, panes, list column, search, detail, bars
    for widget in widgets:
        region = widget.size.region
        kept = widget.render_lines(region)
        widget._styles_cache.clear()  # Textual's path, from nothing
        fresh = Widget.render_lines(widget, region)
        assert [list(strip) for strip in kept] == [list(strip) for strip in fresh], (step, widget)


async def test_kept_lines_match_what_textual_draws_afresh(loaded_app: LoadedApp) -> None:
    app, pilot = loaded_app
    bar = app.query_one(PlayerBar)
    assert_kept_lines_are_fresh(app, "loaded")
    steps: list[tuple[str, Any]] = [
        ("search field focused", lambda: pilot.press("slash")),
        ("typed", lambda: pilot.press("d", "a")),
        ("search left", lambda: pilot.press("escape")),
        ("cursor moved", lambda: pilot.press("j", "j")),
        ("playing", lambda: pilot.press("enter")),
        ("marked", lambda: pilot.press("m")),
        ("theme", lambda: setattr(app, "theme", "textual-light")),
        (
            "a background above",
            lambda: setattr(app.query_one("#panes").styles, "background", "red"),
        ),
        ("narrow", lambda: pilot.resize_terminal(70, 40)),
        ("wide again", lambda: pilot.resize_terminal(120, 36)),
    ]
    for step, act in steps:
        result = act()
        if result is not None:
            await result
        await pilot.pause()
        await pilot.pause()
        if step == "playing":
            await wait_until(pilot, lambda: bar.view.state == "playing", what="playing")
        assert_kept_lines_are_fresh(app, step)


async def test_unchanged_widgets_answer_from_their_kept_lines(loaded_app: LoadedApp) -> None:
    app, pilot = loaded_app
    await pilot.pause()
    widgets = steady_widgets(app)
    first = {widget: widget.render_lines(widget.size.region) for widget in widgets}
    assert all(widget.render_lines(widget.size.region) is first[widget] for widget in widgets)
    status = app.screen.query_one("#status")
    status.refresh()  # dirty: drawn again, the others still kept
    assert status.render_lines(status.size.region) is not first[status]
    assert all(w.render_lines(w.size.region) is first[w] for w in widgets if w is not status)


class Upper(LineFilter):
    """A filter that shows: upper-case text."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [Segment(s.text.upper(), s.style, s.control) for s in segments]


async def test_another_region_or_filter_is_drawn_not_kept(loaded_app: LoadedApp) -> None:
    app, pilot = loaded_app
    await pilot.pause()
    for widget in steady_widgets(app):
        widget.render_lines(widget.size.region)
    key_bar = app.screen.query_one("#keys")
    width, height = key_bar.size
    kept = key_bar.render_lines(Region(2, 0, width - 4, height))  # clipped by its container
    assert [s.cell_length for s in kept] == [width - 4] * height
    assert kept[0].text == key_bar.render_lines(key_bar.size.region)[0].text[2 : width - 2]

    app._filters.append(Upper())  # as App.ansi_color switches its filter: no refresh
    try:
        assert_kept_lines_are_fresh(app, "a filter")
        assert any(c.isupper() for c in key_bar.render_lines(key_bar.size.region)[0].text)
    finally:
        app._filters.pop()
