"""What the list paints matches its rows once it has scrolled: the cursor, changed rows, the
scrollbar, and the colours of a new theme.

Checked on the composed screen (what a terminal would be sent), not the list's own state: the
state was right while the screen showed the cursor on the row it had left.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.scrollbar import ScrollBar

from tests.ui.conftest import MakeApp, loaded, wait_until
from vm_tui.demo import DemoServer
from vm_tui.ui.widgets.voicemail_list import VoicemailList

ROWS = 80  # more than a 36-line terminal shows
LONG = 2_000  # the thumb is a cell or two: it moves every few rows


def add_callers(server: DemoServer, count: int) -> None:
    for n in range(count):
        server.add_voicemail(caller=f"+1415555{n:04d}")


@pytest.fixture
def scrolled_app(make_app: MakeApp, fixed_server: DemoServer) -> Any:
    """Run the app over ROWS voicemails with the cursor on row 50, the list scrolled."""
    add_callers(fixed_server, ROWS)

    @asynccontextmanager
    async def run() -> AsyncIterator[tuple[Any, Pilot[Any], VoicemailList]]:
        app = make_app()
        async with app.run_test(size=(120, 36)) as pilot:
            await loaded(pilot)
            vm_list = pilot.app.query_one(VoicemailList)
            vm_list.focus()
            vm_list.select(vm_list.ids[50])
            await pilot.pause()
            assert vm_list.scroll_y > 5
            yield app, pilot, vm_list

    return run


def screen(app: Any) -> list[Any]:
    return list(app.screen._compositor.render_strips())


def cursor_lines(app: Any) -> list[int]:
    """Screen lines painted in the cursor's colour, in the list's columns."""
    vm_list = app.query_one(VoicemailList)
    colour = vm_list.get_component_rich_style("voicemail-list--cursor").bgcolor
    left, right = vm_list.region.x, vm_list.region.right - 1
    lines = []
    for y, strip in enumerate(screen(app)):
        cells = strip.crop(left, right)
        if any(s.style and s.style.bgcolor == colour for s in cells if s.text.strip()):
            lines.append(y)
    return lines


def line_of(vm_list: VoicemailList, vm_id: str) -> int:
    return vm_list.region.y + vm_list.ids.index(vm_id) - vm_list.scroll_offset.y


async def test_moving_up_after_scrolling_moves_the_painted_cursor(scrolled_app: Any) -> None:
    async with scrolled_app() as (app, pilot, vm_list):
        for key in ("k", "k", "j", "k"):
            await pilot.press(key)
            await pilot.pause()
            assert vm_list.cursor_id is not None
            assert cursor_lines(app) == [line_of(vm_list, vm_list.cursor_id)], key


async def test_a_row_changed_after_scrolling_is_repainted(scrolled_app: Any) -> None:
    async with scrolled_app() as (app, pilot, vm_list):
        vm_id = vm_list.cursor_id
        assert vm_id is not None
        y = line_of(vm_list, vm_id)
        assert "●" in screen(app)[y].text  # unlistened
        await pilot.press("m")
        await wait_until(pilot, lambda: "●" not in screen(app)[y].text, what="the dot to go")


async def test_the_scrollbar_is_repainted_when_its_thumb_moves_and_only_then(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    add_callers(fixed_server, LONG)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        vm_list = app.query_one(VoicemailList)
        bar = vm_list.vertical_scrollbar
        column = bar.region.x
        repaints = 0
        real_refresh = bar.refresh

        def counted(*args: Any, **kwargs: Any) -> Any:
            nonlocal repaints
            repaints += 1
            return real_refresh(*args, **kwargs)

        bar.refresh = counted  # type: ignore[method-assign]
        vm_list.focus()
        row, scrolls = 0, 0
        for moves in (300, 3, 120):
            for _ in range(moves):  # one row at a time, as j does
                top = vm_list.scroll_y
                row += 1
                vm_list.select(vm_list.ids[row])
                scrolls += vm_list.scroll_y != top
            await pilot.pause()
            painted = [str(strip.crop(column, column + 1)) for strip in screen(app)]
            real_refresh()  # what Textual draws for this position
            await pilot.pause()
            assert [str(strip.crop(column, column + 1)) for strip in screen(app)] == painted
        assert isinstance(bar, ScrollBar)
        assert scrolls > 300
        assert 0 < repaints < scrolls / 3  # when the thumb moved, not on every scroll


async def test_a_new_theme_repaints_the_rows_drawn_before(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        vm_list = app.query_one(VoicemailList)
        vm_list.focus()
        await pilot.pause()
        before = vm_list.get_component_rich_style("voicemail-list--cursor").bgcolor
        assert cursor_lines(app)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        await pilot.pause()
        after = vm_list.get_component_rich_style("voicemail-list--cursor").bgcolor
        assert after != before
        assert cursor_lines(app) == [line_of(vm_list, vm_list.cursor_id or "")]
        row = screen(app)[line_of(vm_list, vm_list.ids[1])]
        other = row.crop(vm_list.region.x, vm_list.region.right - 1)
        surface = vm_list.rich_style.bgcolor
        assert all(s.style.bgcolor == surface for s in other if s.style and s.text.strip())


async def test_a_scroll_that_stops_between_rows_draws_and_repaints_the_same_rows(
    scrolled_app: Any,
) -> None:
    """An animated scroll (a click on the scrollbar's track) can stop at 32.99: the rows are
    drawn from the position Textual repaints by (rounded), so a row repainted later lands on
    the line it is drawn on."""
    async with scrolled_app() as (app, pilot, vm_list):
        vm_list.scroll_to(y=vm_list.scroll_y - 0.4, animate=False)
        await pilot.pause()
        assert vm_list.scroll_y != round(vm_list.scroll_y)
        top = vm_list.ids[vm_list.scroll_offset.y]
        caller = app.service.state.get(top).caller[-4:]
        assert caller in screen(app)[vm_list.region.y].text  # the first line shows that row
        for key in ("k", "j"):
            await pilot.press(key)
            await pilot.pause()
            assert cursor_lines(app) == [line_of(vm_list, vm_list.cursor_id or "")], key
