"""The line picker moves like the list: j/k as well as the arrows, g/G to the ends."""

from __future__ import annotations

from tests.ui.conftest import LoadedApp, wait_until
from vm_tui.ui.screens.pickers import ALL_LINES, LinePicker, PickerList
from vm_tui.ui.widgets.voicemail_list import VoicemailList


async def test_j_and_k_move_in_the_line_picker(loaded_app: LoadedApp) -> None:
    app, pilot = loaded_app
    await pilot.press("l")
    await wait_until(pilot, lambda: isinstance(app.screen, LinePicker))
    picker = app.screen
    assert isinstance(picker, LinePicker)
    options = picker.query_one(PickerList)
    ids = [ALL_LINES, *(line.number for line in picker.lines)]
    assert len(ids) >= 3 and options.highlighted == 0
    await pilot.press("j", "j", "j")
    assert options.highlighted == 3
    await pilot.press("k")
    assert options.highlighted == 2
    await pilot.press("G")
    assert options.highlighted == len(ids) - 1
    await pilot.press("g", "down", "up", "j")
    assert options.highlighted == 1
    await pilot.press("enter")
    await wait_until(pilot, lambda: not isinstance(app.screen, LinePicker))
    assert app.inbox.filter.line == ids[1]
    shown = app.query_one(VoicemailList).ids
    assert shown and all(
        (vm := app.service.state.get(i)) and vm.line_number == ids[1] for i in shown
    )
