"""Text from the API is shown literally: no markup, no actions, no escape sequences."""

from __future__ import annotations

from tests.ui.conftest import (
    LoadedApp,
    MakeApp,
    loaded,
    next_poll,
    screen_text,
    wait_for_notice,
    wait_until,
)
from vm_tui.demo import DemoServer
from vm_tui.demo.model import Line
from vm_tui.ui.widgets.detail import DetailPane
from vm_tui.ui.widgets.text_block import TextBlock
from vm_tui.ui.widgets.voicemail_list import VoicemailList

CALLER = "[@click=app.quit]x[/]"
TRANSCRIPTION = (
    "[bold]B[/bold] \x1b[31mred\x1b[0m \x1b]2;pwned\x07 \x1b]52;c;aGk=\x07 "
    "[@click=app.quit]quit[/] bell\x07 nul\x00 c1\x9b1m \u202eevil"
)
LINE = Line(id="line-x", name="[link=https://evil.test]Sales[/link]", number="+1", formatted="+1")


def toast_texts(app: object) -> list[str]:
    from textual.app import App
    from textual.widgets._toast import Toast

    assert isinstance(app, App)
    return [str(toast.render()) for toast in app.screen.query(Toast)]


def assert_no_controls(text: str) -> None:
    for bad in ("\x1b", "\x07", "\x00", "\x9b", "\u202e"):
        assert bad not in text, f"{bad!r} reached the screen"


async def test_hostile_strings_render_literally_everywhere(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        hostile = fixed_server.add_voicemail(caller=CALLER, transcription=TRANSCRIPTION, line=LINE)
        await next_poll(pilot)
        # The new-voicemail toast shows the caller and line literally.
        shown = await wait_for_notice(pilot, CALLER)
        assert "[link=https://evil.test]Sales[/link]" in shown
        # And the toast widget renders it as text (notify(markup=True) would eat the brackets).
        await wait_until(pilot, lambda: any(CALLER in t for t in toast_texts(app)), what="toast")
        app.query_one(VoicemailList).select(hostile["id"])
        await pilot.pause()
        text = screen_text(app)
        assert_no_controls(text)
        assert CALLER in text  # list row and detail pane
        assert "[bold]B[/bold]" in text
        assert "[@click=app.quit]quit[/]" in text
        assert "[link=https://evil.test]Sales[/link]" in text
        # Every strip segment, not just the text: no style carries a link or an action.
        for strip in app.screen._compositor.render_strips():
            for segment in strip:
                assert_no_controls(segment.text)
                style = segment.style
                assert style is None or not style.link
                assert style is None or not (style.meta or {}).get("@click")
        assert app.terminal_title == f"vm-tui ({app.service.state.unlistened_count} new)"


async def test_clicking_hostile_text_runs_nothing(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        hostile = fixed_server.add_voicemail(caller=CALLER, transcription=TRANSCRIPTION)
        await next_poll(pilot)
        app.query_one(VoicemailList).select(hostile["id"])
        await pilot.pause()
        # No cell of the row or of the detail pane carries an action a click would run
        # (markup such as [@click=app.quit] would put one on its text)...
        row = app.query_one(VoicemailList).region
        detail = app.query_one(DetailPane)
        cells = [(x, row.y) for x in range(row.x, row.right)] + [
            (x, y)
            for y in range(detail.region.y, detail.region.bottom)
            for x in range(detail.region.x, detail.region.right)
        ]
        actions = [(x, y) for x, y in cells if "@click" in app.screen.get_style_at(x, y).meta]
        assert actions == []
        # ...and clicking the caller in the row and along the text runs nothing.
        await pilot.click(VoicemailList, offset=(5, 0))
        for y in range(7):
            await pilot.click(DetailPane, offset=(2 + 5 * y, y))
        await pilot.pause()
        assert app.is_running
        assert app.return_code is None
        # No toast but the new voicemail's (shown literally); quitting would have said
        # "Sending pending changes…" or closed the app.
        assert all(n.title == "New voicemail" for n in app._notifications)


HOSTILE_IDS = ["[@click=app.quit]", "..%2F..%2Fx", "a/../b", "x?y=1#z"]


async def test_hostile_ids_are_shown_but_never_reach_a_request_path(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        for vm_id in HOSTILE_IDS:
            fixed_server.add_voicemail(id=vm_id, transcription=f"id {vm_id}")
        await next_poll(pilot)
        fixed_server.clear_requests()
        for vm_id in HOSTILE_IDS:
            app.query_one(VoicemailList).select(vm_id)
            await pilot.pause()
            assert vm_id in screen_text(app)  # the detail pane shows it literally
            await pilot.press("m", "enter")
            await pilot.pause(0.05)
        await wait_for_notice(pilot, "invalid voicemail id")
        assert app.is_running
        assert [r.path for r in fixed_server.requests if r.method != "GET"] == []
        assert not [r for r in fixed_server.requests if "voicemails/" in r.path]


async def test_a_huge_transcription_shows_its_start_and_how_to_read_the_rest(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    huge = "START " + ("word " * 20_000)[:100_000] + "THE-END"
    app, pilot = loaded_app
    vm = fixed_server.add_voicemail(transcription=huge)
    await next_poll(pilot)
    app.clear_notifications()  # the new voicemail's toast would cover the end of the pane
    app.query_one(VoicemailList).select(vm["id"])
    await pilot.pause()
    detail = app.query_one(DetailPane)
    body = detail.query_one("#detail-transcription", TextBlock)
    shown = body.plain
    assert shown.startswith("START word word")
    assert len(shown) < 5000  # what a few screens hold, not 100 KB
    more = len(huge) - len(shown.split("…")[0])

    def at_the_end() -> bool:
        detail.scroll_end(animate=False, immediate=True)
        return f"… {more:,} more characters" in screen_text(app)  # the pane wraps after this

    await wait_until(pilot, at_the_end, what="the end of what is shown")
    text = screen_text(app)
    assert "THE-END" not in text
    assert f"… {more:,} more characters (vm-tui show {vm['id']})" in shown
    await pilot.press("j")
    assert app.inbox.selected_id != vm["id"]
