"""The detail pane follows the cursor in the frame that moves it, laying out only when needed."""

from __future__ import annotations

from textual.widgets import Static

from tests.ui.conftest import MakeApp, loaded, screen_text, wait_until
from vm_tui.demo import DemoServer
from vm_tui.ui.widgets.detail import TRANSCRIPTION_LINES, DetailPane
from vm_tui.ui.widgets.voicemail_list import VoicemailList

SHORT = "Short message, one line."


def layouts(app: object) -> int:
    """How many times the detail's parts asked for a screen layout."""
    statics = app.query_one(DetailPane).query(Static)  # type: ignore[attr-defined]
    return sum(static._layout_updates for static in statics)


async def test_same_height_details_repaint_without_a_layout(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    for n in range(2):
        fixed_server.add_voicemail(caller=f"+1415555012{n}", transcription=SHORT)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        vm_list = app.query_one(VoicemailList)
        vm_list.select(vm_list.ids[0])
        await pilot.pause()
        before = layouts(app)
        await pilot.press("j")
        await wait_until(pilot, lambda: "+1 415-555-0120" in screen_text(app))
        assert app.inbox.selected_id == vm_list.ids[1]
        assert layouts(app) == before


async def test_a_long_transcription_gets_the_room_it_needs(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    words = " ".join(f"word{n}" for n in range(200))
    fixed_server.add_voicemail(caller="+14155550177", transcription=words + " THE-END")
    fixed_server.add_voicemail(caller="+14155550178", transcription=SHORT)
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await loaded(pilot)
        body = app.query_one("#detail-transcription", Static)
        assert body.size.height == TRANSCRIPTION_LINES  # a short one: the reserved lines
        before = layouts(app)
        await pilot.press("j")
        await wait_until(pilot, lambda: "THE-END" in screen_text(app), what="the whole text")
        assert layouts(app) > before
        assert body.size.height > TRANSCRIPTION_LINES
        await pilot.press("k")
        await wait_until(pilot, lambda: body.size.height == TRANSCRIPTION_LINES)


async def test_the_row_and_its_detail_arrive_in_one_frame(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    """The list tells the app directly (not through each container's queue), so the detail is
    set before the screen paints the moved cursor."""
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        vm_list = app.query_one(VoicemailList)
        detail = app.query_one(DetailPane)
        seen: list[tuple[str | None, str | None]] = []
        real_refresh = app.screen._compositor_refresh

        def refresh() -> None:
            shown = detail.voicemail.id if detail.voicemail else None
            seen.append((vm_list.cursor_id, shown))
            real_refresh()

        app.screen._compositor_refresh = refresh  # type: ignore[method-assign]
        for _ in range(3):
            await pilot.press("j")
            await pilot.pause()
        assert seen and all(cursor == shown for cursor, shown in seen), seen
