"""Baseline for cursor moves: a bare Textual app with the same layout and the least work.

A Line-API list of 10,000 rows (strips cached per row), a Static beside it that shows the
highlighted row (Static.update, as a minimal app would), a Footer. No vm_tui import.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Static

from bench.keys import CursorProbe, time_presses
from bench.painting import FrameMeter, PaintWatch

SIZE = (120, 40)  # the same as bench.harness.SIZE


class BareList(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "move(1)", "Down"),
        Binding("k", "move(-1)", "Up"),
    ]

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.cursor = 0
        self._cache: dict[tuple[int, bool], Strip] = {}
        self.virtual_size = Size(0, rows)

    def action_move(self, delta: int) -> None:
        old, self.cursor = self.cursor, max(0, min(self.rows - 1, self.cursor + delta))
        self.refresh_line(old)  # ScrollView's refresh_line takes the row, not the screen line
        self.refresh_line(self.cursor)
        self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, immediate=True)
        self.app.query_one("#detail", Static).update(f"Row {self.cursor}\n\nDetails of the row.")

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        if index >= self.rows:
            return Strip.blank(self.size.width, self.rich_style)
        key = (index, index == self.cursor)
        strip = self._cache.get(key)
        if strip is None:
            style = self.rich_style + (self.get_component_rich_style("cursor") if key[1] else None)
            text = f" +1 415-555-{index % 10000:04d}  Sales   5 min ago  Hello, calling about"
            strip = Strip([Segment(text, style)]).adjust_cell_length(self.size.width, style)
            self._cache[key] = strip
        return strip

    COMPONENT_CLASSES: ClassVar[set[str]] = {"cursor"}
    DEFAULT_CSS = """
    BareList { width: 3fr; }
    BareList > .cursor { background: $block-cursor-background; }
    """


class BareCursorApp(App[None]):
    CSS = "#detail { width: 2fr; padding: 0 1; }"

    def compose(self) -> ComposeResult:
        yield Static(" bare", id="status")
        with Horizontal():
            yield BareList(10_000)
            yield Static("Row 0", id="detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(BareList).focus()


async def _measure(presses: int) -> dict[str, Any]:
    app = BareCursorApp()
    meter = FrameMeter(app)
    async with app.run_test(size=SIZE):
        await asyncio.sleep(0.5)
        bare = app.query_one(BareList)
        detail = app.query_one("#detail", Static)

        # What a frame drew, as in bench.harness.inbox_probe: the cursor's line, the detail.
        cursor = PaintWatch(
            bare, lambda y: bare.cursor if y + bare.scroll_offset.y == bare.cursor else None
        )
        shown = PaintWatch(detail, lambda _y: str(detail.content))
        probe = CursorProbe(
            position=lambda: bare.cursor,
            rows=bare.rows,
            cursor_at=lambda i: cursor.painted == i,
            detail_at=lambda i: str(shown.painted).startswith(f"Row {i}\n"),
        )
        times = await time_presses(app, meter, probe, presses)
    return {**times.as_dict(), "rows": bare.rows}


def run(args: dict[str, Any]) -> dict[str, Any]:
    return asyncio.run(_measure(args["presses"]))
