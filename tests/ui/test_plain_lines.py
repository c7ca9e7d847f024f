"""plain_lines: the list and the detail text hand the compositor their own strips, and those are
the lines Textual's own path (its StylesCache) would have drawn, in every state that path has.

Compared line by line against ``Widget.render_lines``, Textual's path, on the real app: after
scrolling, on a cropped region, under NO_COLOR, after a theme change, and through a style that
makes the widget fall back to Textual's path and back.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.geometry import Region
from textual.widget import Widget

from tests.ui.conftest import MakeApp, loaded
from vm_tui.demo import DemoServer
from vm_tui.ui.widgets.plain_lines import plain_lines
from vm_tui.ui.widgets.text_block import TextBlock
from vm_tui.ui.widgets.voicemail_list import VoicemailList

ROWS = 80  # more than a 36-line terminal shows


def drawn_widgets(app: Any) -> list[Widget]:
    return [app.query_one(VoicemailList), *app.query(TextBlock)]


def assert_same_as_textuals(widget: Widget, region: Region | None = None) -> None:
    region = region or widget.size.region
    ours = plain_lines(widget, region)
    assert ours is not None, f"{widget!r} should take its own path"
    theirs = Widget.render_lines(widget, region)  # Textual's path: the StylesCache
    assert len(ours) == len(theirs) == region.height
    for y, (mine, textuals) in enumerate(zip(ours, theirs, strict=True)):
        assert mine.cell_length == textuals.cell_length == region.width, (widget, y)
        assert list(mine) == list(textuals), (widget, y, mine.text)


async def scrolled(app: Any, pilot: Any) -> VoicemailList:
    await loaded(pilot)
    vm_list = app.query_one(VoicemailList)
    vm_list.focus()
    vm_list.select(vm_list.ids[50])
    for key in ("j", "j", "k"):
        await pilot.press(key)
    await pilot.pause()
    assert vm_list.scroll_y > 5
    assert vm_list.show_vertical_scrollbar  # its column is padding in the list's strips
    return vm_list


def add_callers(server: DemoServer, count: int) -> None:
    for n in range(count):
        server.add_voicemail(caller=f"+1415555{n:04d}", transcription=f"Call {n}. " * 40)


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
async def test_the_lines_are_those_textual_would_draw(
    make_app: MakeApp, fixed_server: DemoServer, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")  # Textual reads it when the app is made
    add_callers(fixed_server, ROWS)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await scrolled(app, pilot)
        assert bool(app.no_color) is no_color
        for widget in drawn_widgets(app):
            assert_same_as_textuals(widget)
            width, height = widget.size
            assert_same_as_textuals(widget, Region(3, 1, width - 7, height - 2))  # clipped
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        for widget in drawn_widgets(app):
            assert_same_as_textuals(widget)


async def test_unchanged_lines_are_the_same_strips_frame_after_frame(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    """The point of the path: the compositor caches each strip's cut and escape codes in the
    strip, so a row a scroll moved is neither re-styled nor re-encoded."""
    add_callers(fixed_server, ROWS)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        vm_list = await scrolled(app, pilot)
        before = plain_lines(vm_list, vm_list.size.region)
        assert before is not None
        vm_list.scroll_to(y=vm_list.scroll_y + 1, animate=False)
        await pilot.pause()
        after = plain_lines(vm_list, vm_list.size.region)
        assert after is not None
        assert all(a is b for a, b in zip(after[:-1], before[1:], strict=True))


@pytest.mark.parametrize(
    "style",
    ["padding: 0 2;", "border: round red;", "tint: red 30%;", "opacity: 60%;", "hatch: cross red;"],
)
async def test_a_style_that_adds_to_the_lines_takes_textuals_path_and_back(
    make_app: MakeApp, fixed_server: DemoServer, style: str
) -> None:
    add_callers(fixed_server, ROWS)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        vm_list = await scrolled(app, pilot)
        plain_before = [list(strip) for strip in vm_list.render_lines(vm_list.size.region)]
        app.stylesheet.add_source(f"VoicemailList {{ {style} }}", read_from=("test", "styled"))
        app.stylesheet.reparse()
        app.stylesheet.update(app)
        await pilot.pause()
        assert plain_lines(vm_list, vm_list.size.region) is None  # Textual draws it now
        styled = vm_list.render_lines(vm_list.size.region)
        assert [list(strip) for strip in styled] != plain_before  # the style shows
        assert styled == Widget.render_lines(vm_list, vm_list.size.region)

        app.stylesheet.add_source("VoicemailList { }", read_from=("test", "styled"))
        app.stylesheet.reparse()
        app.stylesheet.update(app)
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        assert_same_as_textuals(vm_list)  # and back: nothing stale from either path
        for widget in drawn_widgets(app):
            assert_same_as_textuals(widget)
