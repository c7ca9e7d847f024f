"""Search, line and unlistened filters, n/N, mark all shown, copy the number."""

from __future__ import annotations

from textual.widgets import Input

from tests.ui.conftest import LoadedApp, next_poll, wait_for_text, wait_until
from vm_tui.demo import DemoServer
from vm_tui.ui.screens.pickers import Confirm, LinePicker
from vm_tui.ui.widgets.voicemail_list import VoicemailList


def shown(app: object) -> list[str]:
    from vm_tui.ui.app import VoicemailApp

    assert isinstance(app, VoicemailApp)
    return app.query_one(VoicemailList).ids


async def test_search_filters_as_you_type_and_survives_polls(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    app, pilot = loaded_app
    dana = next(v for v in fixed_server.voicemails() if "Dana" in (v["transcription"] or ""))
    await pilot.press("slash", *"dana invoice")
    assert shown(app) == [dana["id"]]
    await wait_for_text(pilot, "search: dana invoice", "1 shown")
    await pilot.press("enter")  # keep the filter, back to the list
    assert app.focused is app.query_one(VoicemailList)
    # A poll that adds a match and one that does not, and deletes nothing we show.
    match = fixed_server.add_voicemail(transcription="Dana again about the invoice")
    fixed_server.add_voicemail(transcription="Something else entirely")
    await next_poll(pilot)
    assert shown(app) == [match["id"], dana["id"]]
    fixed_server.remove_voicemail(match["id"])
    await next_poll(pilot)
    assert shown(app) == [dana["id"]]
    await pilot.press("escape")
    assert len(shown(app)) == len(fixed_server.voicemails())


async def test_j_and_k_move_the_list_only_when_it_has_the_focus(loaded_app: LoadedApp) -> None:
    """The list's j/k are priority bindings (handled before the key is passed down the
    widgets, a millisecond sooner): they must still be letters in the search field and in a
    dialog, where the list is not focused."""
    app, pilot = loaded_app
    vm_list = app.query_one(VoicemailList)
    await pilot.press("j")
    start = vm_list.cursor_id
    assert start == vm_list.ids[1]
    await pilot.press("slash", *"jkjk")
    assert app.query_one("#search", Input).value == "jkjk"  # letters, matching nothing
    await pilot.press("escape", "escape")
    assert app.focused is vm_list
    vm_list.select(start)
    await pilot.press("M")
    await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
    await pilot.press("j", "k", "j")
    assert vm_list.cursor_id == start
    await pilot.press("n")  # no: nothing marked
    await wait_until(pilot, lambda: not isinstance(app.screen, Confirm))
    await pilot.press("k")
    assert vm_list.cursor_id == vm_list.ids[0]


async def test_search_matches_caller_in_any_form_and_line(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    app, pilot = loaded_app
    caller = fixed_server.voicemails()[3]["from"]  # E.164, e.g. +33639981234
    await pilot.press("slash", *caller[-6:])
    assert all(v["from"] == caller for v in fixed_server.voicemails() if v["id"] in shown(app))
    assert shown(app)
    await pilot.press("escape", "slash", *"paris")
    expected = [v["id"] for v in fixed_server.voicemails() if "Paris" in v["main_number_name"]]
    assert shown(app) == expected


async def test_line_filter_and_unlistened_only(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    app, pilot = loaded_app
    await pilot.press("l")
    await wait_until(pilot, lambda: isinstance(app.screen, LinePicker))
    sales = [v for v in fixed_server.voicemails() if v["main_number_name"] == "Sales"]
    unread = sum(v["listened_at"] is None for v in sales)
    await wait_for_text(pilot, f"Sales  ({unread} new, {len(sales)} in all)")
    picker = app.screen
    assert isinstance(picker, LinePicker)
    index = [line.name for line in picker.lines].index("Sales") + 1
    await pilot.press(*(["down"] * index), "enter")
    assert shown(app) == [v["id"] for v in sales]
    await wait_for_text(pilot, f"line: Sales ({unread} new)")
    await pilot.press("o")
    assert shown(app) == [v["id"] for v in sales if v["listened_at"] is None]
    await wait_for_text(pilot, "unlistened only")
    # The filter keeps working as voicemails change: mark one, it leaves the view.
    first = shown(app)[0]
    app.query_one(VoicemailList).select(first)
    await pilot.press("m")
    assert first not in shown(app)
    await pilot.press("escape")
    assert len(shown(app)) == len(fixed_server.voicemails())


async def test_n_and_shift_n_jump_between_unlistened(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    unread = [v["id"] for v in fixed_server.voicemails() if v["listened_at"] is None]
    app, pilot = loaded_app
    assert app.inbox.selected_id == unread[0]
    await pilot.press("n")
    assert app.inbox.selected_id == unread[1]
    await pilot.press("n", "n")
    assert app.inbox.selected_id == unread[3]
    await pilot.press("N")
    assert app.inbox.selected_id == unread[2]
    await pilot.press("G", "n")
    await wait_until(
        pilot, lambda: "No more unlistened" in "".join(n.message for n in app._notifications)
    )


async def test_mark_all_shown_listened_asks_first(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    app, pilot = loaded_app
    await pilot.press("slash", *"sales", "enter")
    targets = [i for i in shown(app) if not app.service.state.get(i).listened]  # type: ignore[union-attr]
    assert targets
    await pilot.press("M")
    await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
    await pilot.press("n")
    assert all(not app.service.state.get(i).listened for i in targets)  # type: ignore[union-attr]
    await pilot.press("M")
    await wait_until(pilot, lambda: isinstance(app.screen, Confirm))
    await pilot.press("y")
    await wait_until(
        pilot, lambda: len(app.service.journal) == 0 and not app.service.state.pending_ids()
    )
    served = {v["id"]: v for v in fixed_server.voicemails()}
    assert all(served[i]["listened_at"] is not None for i in targets)
    others = [v for v in fixed_server.voicemails() if v["main_number_name"] != "Sales"]
    assert any(v["listened_at"] is None for v in others)  # only what was shown


async def test_y_copies_the_callers_number(loaded_app: LoadedApp, fixed_server: DemoServer) -> None:
    app, pilot = loaded_app
    await pilot.press("j", "y")
    assert app.clipboard == fixed_server.voicemails()[1]["from"]
