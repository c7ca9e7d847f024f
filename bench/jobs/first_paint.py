"""Subject of the start-up figure: the real app, built as ``vm_tui.ui.launch`` builds it.

The child notes ``time.time()`` at the first frame that shows inbox rows (after the first poll
was applied) and exits; the parent subtracts the moment it spawned the process.
"""

from __future__ import annotations

import time
from typing import Any

from bench.harness import SIZE, rss_mb
from bench.painting import FrameMeter
from vm_tui.api import PhoneIncClient, RecordingDownloader
from vm_tui.audio.alsa import silence_alsa_errors
from vm_tui.audio.player import Player
from vm_tui.config import load_settings
from vm_tui.ui.app import VoicemailApp
from vm_tui.ui.widgets.voicemail_list import VoicemailList


def run(args: dict[str, Any]) -> dict[str, Any]:
    settings = load_settings(base_url=args["base_url"], api_key=args["api_key"])
    silence_alsa_errors()
    player = Player()
    assert settings.api_key is not None
    app = VoicemailApp(
        client=PhoneIncClient(settings.api_key, settings.base_url),
        downloader=RecordingDownloader(),
        player=player,
        settings=settings,
    )
    meter = FrameMeter(app)
    result: dict[str, Any] = {}

    def on_frame(_now: float) -> None:
        if result or app.polls_completed < 1:
            return
        vm_list = app.query_one(VoicemailList)
        if vm_list.rows_rendered == 0:
            return
        result.update(painted_at=time.time(), rss_mb=rss_mb(), rows=len(vm_list.ids))
        app.exit()

    meter.listeners.append(on_frame)
    try:
        app.run(headless=True, size=SIZE)
    finally:
        player.close()
    if not result:
        raise RuntimeError("the app exited before painting the inbox")
    return result
