"""Run the real app headless in this process, press enter on one voicemail, report as JSON.

Used by test_playback_alsa.py in a subprocess, because ALSA reads its configuration once per
process: the parent points ALSA at a capture file (or at no device) through the environment.
Usage: python -m tests.ui.headless_play BASE_URL API_KEY VOICEMAIL_ID
"""

from __future__ import annotations

import asyncio
import json
import sys

from vm_tui.api import PhoneIncClient
from vm_tui.audio.alsa import silence_alsa_errors
from vm_tui.audio.player import Player
from vm_tui.ui.app import VoicemailApp
from vm_tui.ui.widgets.player_bar import PlayerBar
from vm_tui.ui.widgets.voicemail_list import VoicemailList


async def main(base_url: str, api_key: str, vm_id: str) -> dict[str, object]:
    silence_alsa_errors()
    player = Player()  # the real simpleaudio backend
    app = VoicemailApp(client=PhoneIncClient(api_key, base_url), player=player, prefetch=False)
    result: dict[str, object] = {}
    try:
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            while app.service.poller.polls_completed < 1:
                await pilot.pause(0.02)
            app.query_one(VoicemailList).select(vm_id)
            await pilot.press("enter")
            for _ in range(500):
                await pilot.pause(0.02)
                bar = app.query_one(PlayerBar).view
                vm = app.service.state.get(vm_id)
                if bar.state == "error" or (
                    vm and vm.listened and not app.service.state.pending_ids()
                ):
                    break
            bar = app.query_one(PlayerBar).view
            vm = app.service.state.get(vm_id)
            result = {
                "state": bar.state,
                "message": bar.message,
                "listened": bool(vm and vm.listened),
                "notices": [n.message for n in app._notifications],
            }
    finally:
        player.close()
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(*sys.argv[1:4]))))
