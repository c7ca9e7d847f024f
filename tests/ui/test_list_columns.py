"""The list's columns: the preview takes what is left, truncated cells end with "…", the line
column is as wide as the longest line name listed (capped, counted without scanning), and
columns drop in the documented order on narrow terminals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.cells import cell_len
from textual.app import App, ComposeResult

from vm_tui.api.models import Voicemail
from vm_tui.ui.widgets.list_columns import (
    DROP_ORDER,
    GAP,
    LINE_CAP,
    MARKER,
    PREVIEW_MIN,
    fit,
    fit_words,
    layout_for,
)
from vm_tui.ui.widgets.voicemail_list import VoicemailList

NOW = datetime(2026, 5, 11, 14, 0, tzinfo=UTC)
LONG_LINE = "Customer Success and Renewals EMEA"


def test_columns_drop_in_the_stated_order_and_the_preview_takes_the_rest() -> None:
    gone: list[str] = []
    for width in range(140, 10, -1):
        columns = layout_for(width, 13)
        shown = {
            "line": columns.line,
            "received": columns.received,
            "duration": columns.duration,
            "preview": columns.preview,
        }
        gone += [name for name, cells in shown.items() if not cells and name not in gone]
        if columns.preview:
            assert columns.preview >= PREVIEW_MIN
            used = MARKER + columns.caller + columns.preview + GAP
            used += sum(
                GAP + cells for cells in (columns.line, columns.received, columns.duration) if cells
            )
            assert used == width  # the preview takes every cell the others leave
    assert gone == ["duration", "line", "preview", "received"]  # as the docstring and README say
    assert list(DROP_ORDER) == gone
    assert layout_for(120, 13).preview > layout_for(80, 13).preview > 0
    assert layout_for(80, 0).line == 0  # no line names at all: no line column


def test_every_truncated_cell_ends_with_an_ellipsis_and_keeps_its_width() -> None:
    assert fit("Paris office", 12) == "Paris office"
    assert fit("Paris office", 9) == "Paris of…"
    assert fit("London office", 8) == "London… "  # no blank before the mark
    assert fit("中文中文中文", 5) == "中文…"
    assert fit("Sales", 8) == "Sales   "
    assert fit_words("Hi, this is Dana from Acme. Give me a call", 24) == "Hi, this is Dana from…  "
    assert fit_words("Hola, soy Lucía de Madrid. Llamo", 28) == "Hola, soy Lucía de Madrid…  "
    assert fit_words("Supercalifragilisticexpialidocious", 12) == "Supercalifr…"
    for text in ("Hello there, this is a long one", "中文中文中文中文", "a b c d e f g h i j"):
        for cells in range(1, 20):
            for cut in (fit(text, cells), fit_words(text, cells)):
                assert cell_len(cut) == cells
                if cell_len(text) > cells:
                    assert cut.rstrip().endswith("…")


def voicemail(i: int, line: str = "Sales", caller_name: str = "") -> Voicemail:
    return Voicemail(
        f"vm-{i:05d}",
        "+14085550199",
        NOW - timedelta(minutes=i),
        transcription=f"Voicemail number {i}, calling about the invoice we sent last week.",
        recording_url="https://example.invalid/r.mp3",
        line_name=line,
    )


class ListApp(App[None]):
    def __init__(self, voicemails: dict[str, Voicemail], names: dict[str, str]) -> None:
        super().__init__()
        self.voicemails = voicemails
        self.lookups = 0
        self.names = names

    def lookup(self, vm_id: str) -> Voicemail | None:
        self.lookups += 1
        return self.voicemails.get(vm_id)

    def compose(self) -> ComposeResult:
        yield VoicemailList(self.lookup, lambda: NOW, names=self.names.get)


async def test_the_line_column_follows_the_longest_line_name_without_scanning() -> None:
    voicemails = {
        vm.id: vm for vm in (voicemail(i, ("Sales", "Support")[i % 2]) for i in range(10_000))
    }
    app = ListApp(voicemails, {})
    async with app.run_test(size=(100, 20)) as pilot:
        vm_list = app.query_one(VoicemailList)
        order = list(voicemails)
        vm_list.apply(order)
        await pilot.pause()
        assert vm_list.line_width == len("Support")
        # One more voicemail, on a line with a long name: one lookup, not 10,001.
        wide = voicemail(-1, LONG_LINE)
        voicemails[wide.id] = wide
        app.lookups = 0
        vm_list.apply([wide.id, *order])
        assert app.lookups == 1
        assert vm_list.line_width == LINE_CAP
        await pilot.pause()
        rendered = vm_list.rows_rendered
        first = vm_list.render_line(0).text
        assert "Customer Succes… " in first  # capped, with the mark
        # It leaves the list again (a filter, a delete): the column shrinks back.
        app.lookups = 0
        vm_list.apply(order)
        assert app.lookups == 0
        assert vm_list.line_width == len("Support")
        await pilot.pause()
        assert vm_list.rows_rendered - rendered == vm_list.size.height  # relaid once, all rows
        # A voicemail that changes line is counted again, alone.
        moved = voicemails[order[5]]
        voicemails[moved.id] = Voicemail(
            moved.id, moved.caller, moved.created_at, line_name="Paris office"
        )
        app.lookups = 0
        vm_list.apply(order, (moved.id,))
        assert app.lookups == 1
        assert vm_list.line_width == len("Paris office")


async def test_rows_end_every_cut_cell_with_an_ellipsis() -> None:
    long_name = "Dana Featherstonehaugh-Cholmondeley (Acme)"
    voicemails = {vm.id: vm for vm in (voicemail(i, LONG_LINE if i else "Sales") for i in range(3))}
    app = ListApp(voicemails, {"+14085550199": long_name})
    async with app.run_test(size=(80, 10)) as pilot:
        vm_list = app.query_one(VoicemailList)
        vm_list.apply(list(voicemails))
        await pilot.pause()
        row = vm_list.render_line(1).text
        assert row.startswith(" ● Dana Featherston… Customer Succes… 1 min ago ")
        assert row.rstrip().endswith(" Voicemail number 1…") and cell_len(row) == 80
