"""The live inbox, driven by keys through Pilot, against the demo server over real HTTP."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from textual.message import Message

from tests.ui.conftest import (
    LoadedApp,
    MakeApp,
    loaded,
    next_poll,
    screen_text,
    wait_for_notice,
    wait_for_text,
    wait_until,
)
from vm_tui.application.connection import Link
from vm_tui.demo import DemoServer, Fault
from vm_tui.ui.widgets.detail import DetailPane
from vm_tui.ui.widgets.status_bar import StatusBar
from vm_tui.ui.widgets.text_block import TextBlock
from vm_tui.ui.widgets.voicemail_list import VoicemailList


def server_ids(server: DemoServer) -> list[str]:
    return [v["id"] for v in server.voicemails()]


def requests(server: DemoServer, method: str) -> list[str]:
    return [r.path for r in server.requests if r.method == method]


async def test_first_load_shows_the_inbox(loaded_app: LoadedApp, fixed_server: DemoServer) -> None:
    app, _pilot = loaded_app
    vm_list = app.query_one(VoicemailList)
    assert vm_list.ids == server_ids(fixed_server)
    assert app.inbox.selected_id == vm_list.ids[0]
    assert app.query_one(StatusBar).unread == fixed_server.unlistened_count()
    text = screen_text(app)
    assert f"{fixed_server.unlistened_count()} new" in text
    assert "● live" in text
    first = fixed_server.voicemails()[0]
    detail = app.query_one(DetailPane)
    assert detail.voicemail is not None and detail.voicemail.id == first["id"]


async def test_navigation_moves_the_selection_and_the_detail(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    ids = server_ids(fixed_server)
    app, pilot = loaded_app
    await pilot.press("j", "j")
    assert app.inbox.selected_id == ids[2]
    await pilot.press("k")
    assert app.inbox.selected_id == ids[1]
    await pilot.press("G")
    assert app.inbox.selected_id == ids[-1]
    await pilot.press("g")
    assert app.inbox.selected_id == ids[0]
    await pilot.press("down", "down", "up")
    assert app.inbox.selected_id == ids[1]
    await pilot.pause()
    detail = app.query_one(DetailPane)
    assert detail.voicemail is not None and detail.voicemail.id == ids[1]
    transcription = fixed_server.voicemails()[1]["transcription"]
    body = app.query_one("#detail-transcription", TextBlock).plain
    assert body == (transcription or "Not transcribed yet.")


async def test_mouse_click_selects(loaded_app: LoadedApp, fixed_server: DemoServer) -> None:
    app, pilot = loaded_app
    await pilot.click(VoicemailList, offset=(5, 3))
    assert app.inbox.selected_id == server_ids(fixed_server)[3]


async def test_m_toggles_listened_on_the_server(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    target = next(v for v in fixed_server.voicemails() if v["listened_at"] is None)
    app, pilot = loaded_app
    app.query_one(VoicemailList).select(target["id"])
    unread = app.query_one(StatusBar).unread
    await pilot.press("m")
    # Optimistic: the row and the badge change before the server answers.
    assert app.service.state.get(target["id"]).listened  # type: ignore[union-attr]
    assert app.query_one(StatusBar).unread == unread - 1
    await wait_until(pilot, lambda: not app.service.state.pending_ids(), what="PATCH confirmed")
    served = {v["id"]: v for v in fixed_server.voicemails()}[target["id"]]
    assert served["listened_at"] is not None
    await pilot.press("m")
    await wait_until(pilot, lambda: not app.service.state.pending_ids())
    served = {v["id"]: v for v in fixed_server.voicemails()}[target["id"]]
    assert served["listened_at"] is None
    patches = [r.body for r in fixed_server.requests if r.method == "PATCH"]
    assert patches == [b"listened=true", b"listened=false"]


async def test_m_is_reverted_when_the_server_refuses(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    target = next(v for v in fixed_server.voicemails() if v["listened_at"] is None)
    app, pilot = loaded_app
    app.query_one(VoicemailList).select(target["id"])
    fixed_server.inject(Fault.status(403, b'{"error": "Not allowed"}'), path="/api/v1/voicemails/")
    await pilot.press("m")
    await wait_until(pilot, lambda: not app.service.state.pending_ids(), what="revert")
    assert not app.service.state.get(target["id"]).listened  # type: ignore[union-attr]
    await wait_for_notice(pilot, "Could not mark it listened", "Not allowed")


async def test_delete_and_undo(make_app: MakeApp, fixed_server: DemoServer) -> None:
    app = make_app(undo_seconds=30)
    ids = server_ids(fixed_server)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("j", "d")
        assert ids[1] not in app.query_one(VoicemailList).ids
        assert app.inbox.selected_id == ids[2]  # the neighbour takes its place
        await wait_for_notice(pilot, "Press u to undo")
        await pilot.press("u")
        assert app.query_one(VoicemailList).ids == ids
        assert app.inbox.selected_id == ids[1]
        await pilot.pause(0.1)
    assert requests(fixed_server, "DELETE") == []
    assert server_ids(fixed_server) == ids


async def test_delete_is_sent_after_the_undo_window(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app(undo_seconds=0.2)
    victim = server_ids(fixed_server)[0]
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("d")
        assert requests(fixed_server, "DELETE") == []  # not before the window closes
        await wait_until(pilot, lambda: victim not in server_ids(fixed_server), what="DELETE")
        assert requests(fixed_server, "DELETE") == [f"/api/v1/voicemails/{victim}"]
        await next_poll(pilot)
        assert victim not in app.query_one(VoicemailList).ids


async def test_quitting_commits_a_pending_delete(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app(undo_seconds=60)
    victim = server_ids(fixed_server)[0]
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("d", "q")
        await wait_until(pilot, lambda: not app.is_running, what="exit")
    assert victim not in server_ids(fixed_server)


async def test_a_failed_delete_brings_the_row_back(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app(undo_seconds=0.1)
    victim = server_ids(fixed_server)[0]
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await loaded(pilot)
        fixed_server.inject(
            Fault.status(403, b'{"error": "Not allowed"}'), path="/api/v1/voicemails/"
        )
        await pilot.press("d")
        await wait_until(pilot, lambda: victim in app.query_one(VoicemailList).ids, what="back")
        await wait_for_notice(pilot, "Could not delete", "Not allowed")
    assert victim in server_ids(fixed_server)


async def test_new_voicemail_arrives_and_the_cursor_stays(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    ids = server_ids(fixed_server)
    app, pilot = loaded_app
    await pilot.press("j", "j")
    assert app.inbox.selected_id == ids[2]
    unread = app.query_one(StatusBar).unread
    new = fixed_server.add_voicemail(caller="+14155550123", transcription="Brand new")
    await next_poll(pilot)
    vm_list = app.query_one(VoicemailList)
    assert vm_list.ids[0] == new["id"]
    assert app.inbox.selected_id == ids[2]  # same voicemail, now one row lower
    assert vm_list.cursor_index == 3
    assert app.query_one(StatusBar).unread == unread + 1
    await wait_for_notice(pilot, "New voicemail")
    assert app.terminal_title == f"vm-tui ({unread + 1} new)"


async def test_an_unchanged_poll_touches_no_widget(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    app, pilot = loaded_app
    vm_list = app.query_one(VoicemailList)
    await pilot.pause(0.1)
    rendered = vm_list.rows_rendered
    await next_poll(pilot)
    await pilot.pause(0.1)
    assert vm_list.rows_rendered == rendered
    fixed_server.add_voicemail()
    await next_poll(pilot)
    await pilot.pause(0.1)
    # A new row at the top shifts the visible rows; repainting is limited to the screen.
    assert 0 < vm_list.rows_rendered - rendered <= vm_list.size.height


async def test_each_change_repaints_only_its_own_row(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    """Rows are keyed by voicemail id: a change renders the row that changed, once; the rows a
    new voicemail pushes down come from the line cache."""
    app, pilot = loaded_app
    vm_list = app.query_one(VoicemailList)
    await pilot.pause(0.1)
    far = next(v for v in reversed(fixed_server.voicemails()) if v["listened_at"] is None)

    async def rows_rendered_by(change: Callable[[], Awaitable[None]]) -> int:
        before = vm_list.rows_rendered
        await change()
        await pilot.pause(0.1)
        return vm_list.rows_rendered - before

    async def colleague_listens() -> None:
        fixed_server.update_voicemail(far["id"], listened=True)
        await next_poll(pilot)

    async def arrival() -> None:
        fixed_server.add_voicemail()
        await next_poll(pilot)

    async def user_marks() -> None:
        await pilot.press("m")
        await wait_until(pilot, lambda: not app.service.state.pending_ids())

    counts = [await rows_rendered_by(c) for c in (colleague_listens, arrival, user_marks)]
    # The user's own mark: at once, then once more when the server's listened_at arrives.
    assert counts == [1, 1, 2]


async def test_a_cursor_move_draws_a_row_only_the_first_time_it_looks_that_way(
    loaded_app: LoadedApp,
) -> None:
    """A row is cached as it looks with and without the cursor: moving the cursor repaints
    two rows but draws only a look not seen before (the row it reaches, the first time)."""
    app, pilot = loaded_app
    vm_list = app.query_one(VoicemailList)
    await pilot.pause(0.1)

    async def rows_drawn_by(key: str) -> int:
        before = vm_list.rows_rendered
        await pilot.press(key)
        await pilot.pause(0.05)
        return vm_list.rows_rendered - before

    assert vm_list.cursor_index == 0
    there = [await rows_drawn_by("j") for _ in range(3)]
    back = [await rows_drawn_by("k") for _ in range(3)]
    assert vm_list.cursor_index == 0
    # The first row was only ever drawn with the cursor; after it, the row the cursor leaves
    # is in the cache and only the one it reaches is drawn.
    assert there == [2, 1, 1]
    assert back == [0, 0, 0]  # every look of these rows is in the cache by now


async def test_a_cursor_move_is_not_sent_on_to_the_app(loaded_app: LoadedApp) -> None:
    """The list tells the screen (which shows the detail) and no one else: a message that
    bubbled on to the app was one more queue hop between the key and its frame."""
    app, pilot = loaded_app
    seen: list[str] = []
    dispatch = app._dispatch_message

    async def counting(message: Message) -> object:
        seen.append(type(message).__name__)
        return await dispatch(message)

    app._dispatch_message = counting  # type: ignore[method-assign]
    await pilot.press("j", "j")
    await pilot.pause(0.05)
    assert app.query_one(VoicemailList).cursor_index == 2
    assert "Key" in seen and "Highlighted" not in seen


async def test_changes_by_colleagues_update_in_place(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    target = next(v for v in fixed_server.voicemails() if v["listened_at"] is None)
    app, pilot = loaded_app
    app.query_one(VoicemailList).select(target["id"])
    fixed_server.update_voicemail(target["id"], listened=True, transcription="Edited")
    await next_poll(pilot)
    shown = app.service.state.get(target["id"])
    assert shown is not None and shown.listened and shown.transcription == "Edited"
    assert app.query_one("#detail-transcription", TextBlock).plain == "Edited"


async def test_deleted_elsewhere_disappears_and_the_cursor_moves_to_a_neighbour(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    ids = server_ids(fixed_server)
    app, pilot = loaded_app
    await pilot.press("j", "j")
    fixed_server.remove_voicemail(ids[0])  # not the selected one
    await next_poll(pilot)
    assert app.inbox.selected_id == ids[2]
    fixed_server.remove_voicemail(ids[2])  # the selected one
    await next_poll(pilot)
    assert app.inbox.selected_id == ids[3]
    assert app.query_one(VoicemailList).ids == [ids[1], *ids[3:]]
    detail = app.query_one(DetailPane)
    assert detail.voicemail is not None and detail.voicemail.id == ids[3]


async def test_marking_a_voicemail_deleted_by_a_colleague(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    ids = server_ids(fixed_server)
    app, pilot = loaded_app
    fixed_server.remove_voicemail(ids[0])
    await pilot.press("m")
    await wait_until(pilot, lambda: ids[0] not in app.service.state.order, what="forgotten")
    await wait_for_notice(pilot, "deleted by someone else")


async def test_errors_are_shown_and_polling_recovers(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    app, pilot = loaded_app
    count = len(app.service.state)
    fixed_server.inject(Fault.html_502(), path="/api/v1/voicemails")
    app.inbox.action_refresh()
    await wait_until(pilot, lambda: app.service.poller.status.link is Link.OFFLINE, what="offline")
    await wait_for_text(pilot, "offline", "502", "retrying in")
    assert len(app.query_one(VoicemailList).ids) == count  # the last good inbox stays
    await next_poll(pilot)
    assert app.service.poller.status.link is Link.LIVE
    assert "● live" in screen_text(app)


async def test_a_revoked_key_stops_polling(loaded_app: LoadedApp, fixed_server: DemoServer) -> None:
    app, pilot = loaded_app
    fixed_server.inject(Fault.status(401, b'{"error": "API key revoked"}'))
    app.inbox.action_refresh()
    await wait_until(pilot, lambda: app.service.poller.status.link is Link.KEY_REJECTED)
    gets = len(requests(fixed_server, "GET"))
    await pilot.pause(0.3)
    assert len(requests(fixed_server, "GET")) == gets  # no hammering with a dead key
    await wait_for_text(pilot, "API key rejected")
    await wait_for_notice(pilot, "PHONE_INC_API_KEY")
    assert app.query_one(VoicemailList).ids  # still showing the last inbox
    await next_poll(pilot)  # r tries again, and this time the key works
    assert app.service.poller.status.link is Link.LIVE


async def test_a_dead_server_on_start_says_so(make_app: MakeApp) -> None:
    with DemoServer(new_every=None) as server:
        app = make_app(server=server)
        server.stop()
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await wait_until(pilot, lambda: app.service.poller.status.link is Link.OFFLINE)
            await wait_for_text(pilot, "Cannot load the inbox", "connection refused")


async def test_help_overlay_lists_every_key(make_app: MakeApp) -> None:
    from vm_tui.ui.keys import INBOX_KEYS

    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        for key in INBOX_KEYS:
            assert key.description in text
        await pilot.press("escape")
        await pilot.pause()
        assert "Command palette" not in screen_text(app)


async def test_narrow_terminal_stacks_the_panes(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        assert app.screen.has_class("-narrow")
        vm_list, detail = app.query_one(VoicemailList), app.query_one(DetailPane)
        assert detail.region.y > vm_list.region.y
        assert vm_list.region.width >= 78


async def test_no_key_screen() -> None:
    from vm_tui.ui.app import VoicemailApp

    app = VoicemailApp(client=None, player=None)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "No Phone.inc API key" in text and "PHONE_INC_API_KEY" in text
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running)


async def test_new_voicemail_rings_the_bell_unless_turned_off(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    from vm_tui.local.config import Settings

    for bell in (True, False):
        app = make_app(settings=Settings(poll_interval=60, bell=bell))
        rings: list[int] = []
        app.bell = lambda rings=rings: rings.append(1)  # type: ignore[method-assign,misc]
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await loaded(pilot)
            await next_poll(pilot)
            assert rings == []  # nothing new, no bell
            fixed_server.add_voicemail()
            await next_poll(pilot)
            assert rings == ([1] if bell else [])


async def test_command_palette_offers_the_main_actions(loaded_app: LoadedApp) -> None:
    app, pilot = loaded_app
    titles = {command.title for command in app.get_system_commands(app.screen)}
    for wanted in ("Play", "Listened", "Delete", "Search", "Refresh", "Save mp3"):
        assert wanted in titles
    delete = next(c for c in app.get_system_commands(app.screen) if c.title == "Delete")
    victim = app.inbox.selected_id
    result = delete.callback()  # the palette runs it the same way (awaiting a coroutine)
    if inspect.isawaitable(result):
        await result
    await pilot.pause()
    assert victim not in app.query_one(VoicemailList).ids


async def test_a_wrong_key_at_start_says_how_to_fix_it(fixed_server: DemoServer) -> None:
    from vm_tui.api import PhoneIncClient
    from vm_tui.ui.app import VoicemailApp

    client = PhoneIncClient("phk_" + "w" * 28, fixed_server.base_url)
    app = VoicemailApp(client=client, player=None, prefetch=False)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.service.poller.status.link is Link.KEY_REJECTED)
        text = await wait_for_text(pilot, "rejected the API key", "vm-tui auth login")
        assert "Loading" not in text
