"""Cursor moves over the app's 10,000-row inbox (see bench/keys.py for what is timed)."""

from __future__ import annotations

import asyncio
from typing import Any

from bench.demo_control import RemoteDemo
from bench.harness import SIZE, build_app, inbox_probe, loaded
from bench.keys import time_presses
from bench.painting import FrameMeter
from bench.recording_backend import RecordingBackend
from vm_tui.audio.player import Player


async def _measure(demo: RemoteDemo, presses: int) -> dict[str, Any]:
    player = Player(backend=RecordingBackend())
    app = build_app(demo.base_url, demo.api_key, player=player)
    meter = FrameMeter(app)
    try:
        async with app.run_test(size=SIZE, notifications=True):
            await loaded(app)
            await asyncio.sleep(1.0)  # the prefetch of the first row is over
            probe = inbox_probe(app)
            times = await time_presses(app, meter, probe, presses)
            result: dict[str, Any] = {**times.as_dict(), "rows": probe.rows}
    finally:
        player.close()
    return result


def run(args: dict[str, Any]) -> dict[str, Any]:
    with RemoteDemo(args["count"]) as demo:
        return asyncio.run(_measure(demo, args["presses"]))
