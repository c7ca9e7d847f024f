"""The start: the collector paused by `vm-tui` comes back once the inbox is shown, or failed."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tests.ui.conftest import MakeApp, loaded, wait_until
from vm_tui import startup
from vm_tui.demo import DemoServer


@pytest.fixture
def paused() -> Iterator[None]:
    startup.pause_collector()
    yield
    startup._paused = False
    gc.enable()


async def test_the_collector_runs_again_after_the_first_inbox(
    make_app: MakeApp, paused: None
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        assert not gc.isenabled()
        await loaded(pilot)
        await wait_until(pilot, gc.isenabled, what="the collector back on")


async def test_the_collector_runs_again_when_the_first_poll_fails(
    make_app: MakeApp, paused: None
) -> None:
    with DemoServer(new_every=None, fill_in_after=None) as server:
        app = make_app(server)
    # The server is gone: the first poll fails, and the app will wait for a retry.
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, gc.isenabled, what="the collector back on")
        assert app.service.poller.polls_completed == 0


async def test_timers_firing_during_shutdown_find_no_widgets_and_do_not_crash(
    make_app: MakeApp,
) -> None:
    """Textual removes the widgets before it stops the app's timers: the 0.2 s player refresh
    and the 60 s time refresh can run with the panes already gone (seen in the ALSA test)."""
    from vm_tui.ui.widgets.player_bar import PlayerBar
    from vm_tui.ui.widgets.voicemail_list import VoicemailList

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await app.query_one(PlayerBar).remove()
        await app.query_one(VoicemailList).remove()
        app.inbox._playback_changed()
        app.inbox._refresh_times()
        await pilot.pause()


async def test_a_highlight_arriving_after_the_panes_are_gone_is_ignored(
    make_app: MakeApp,
) -> None:
    """The list posts Highlighted straight to the screen: during shutdown it can arrive after the
    detail pane was removed (seen at the end of the soak)."""
    from vm_tui.ui.widgets.detail import DetailPane
    from vm_tui.ui.widgets.voicemail_list import VoicemailList

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        vm_list = app.query_one(VoicemailList)
        await app.query_one(DetailPane).remove()
        vm_list.select(vm_list.ids[1])
        await pilot.pause()
        assert app.return_code is None  # still running, no exception
