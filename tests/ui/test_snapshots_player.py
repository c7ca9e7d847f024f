"""A picture of the player bar: the recording's waveform, the played part in the accent
colour, the playhead, skip silence and voice boost shown. (Regenerate as in test_snapshots.py.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tests.audio.audio_helpers import FakeBackend, FakeClock
from tests.ui.conftest import MakeApp, loaded, wait_until
from vm_tui.audio.player import Player
from vm_tui.ui.app import VoicemailApp
from vm_tui.ui.widgets.voicemail_list import VoicemailList

SnapCompare = Callable[..., bool]


def test_player_bar_with_the_waveform(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    backend = FakeBackend()
    player = Player(backend, clock=FakeClock())  # a frozen clock: the playhead holds still
    app = make_app(player=player, prefetch=True)

    async def before(pilot: Pilot[Any]) -> None:
        assert isinstance(pilot.app, VoicemailApp)
        inbox = pilot.app.inbox
        await loaded(pilot)
        vm_list = pilot.app.query_one(VoicemailList)
        vm_id = next(i for i in vm_list.ids if inbox.service.state.get(i).recording_ready)  # type: ignore[union-attr]
        vm_list.select(vm_id)
        await wait_until(pilot, lambda: inbox.service.library.envelope(vm_id), what="the waveform")
        await pilot.press("enter")
        await wait_until(pilot, lambda: backend.handles, what="playing")
        inbox.service.playback.seek_to(3.0)
        await pilot.press("S", "B")  # skip silence and voice boost on
        rendering = player.rendering
        assert rendering.skip_silence and rendering.voice_boost
        assert player.sync()  # the owner thread has rendered and restarted it
        pilot.app.clear_notifications()
        inbox._playback_changed()
        await pilot.pause(0.1)

    try:
        assert snap_compare(app, terminal_size=(120, 30), run_before=before)
    finally:
        player.close()
