"""Keypress to PCM handed to the audio backend: prefetched (selected 1 s before) and cold.

A fresh app per measurement, so a cold play never finds audio cached by an earlier one; warm
and cold runs alternate. The recording backend notes perf_counter() where simpleaudio would
start playing.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.demo_control import RemoteDemo
from bench.harness import SIZE, build_app, loaded, wait_until
from bench.recording_backend import RecordingBackend
from vm_tui.audio.player import Player
from vm_tui.ui.widgets.voicemail_list import VoicemailList

SELECTED_FOR = 1.0  # seconds between selecting the voicemail and pressing enter


async def one_play(demo: RemoteDemo, vm_id: str, *, prefetch: bool) -> dict[str, Any]:
    backend = RecordingBackend()
    player = Player(backend=backend)
    app = build_app(demo.base_url, demo.api_key, player=player, prefetch=prefetch)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await loaded(app)
            app.query_one(VoicemailList).select(vm_id)
            await asyncio.sleep(SELECTED_FOR)
            ready = vm_id in app.service.library._recordings  # did the prefetch finish in time?
            pressed = time.perf_counter()
            await pilot.press("enter")
            await wait_until(lambda: backend.handed_at, 30, "PCM handed to the backend")
            latency = backend.handed_at[0] - pressed
    finally:
        player.close()
    return {"latency": latency, "prefetched": ready}


async def _measure(demo: RemoteDemo, reps: int) -> dict[str, Any]:
    vm_id = demo.playable(skip=2)  # not the first row, which is highlighted (prefetched) at load
    runs: dict[str, list[dict[str, Any]]] = {"warm": [], "cold": []}
    for rep in range(reps):
        order = (True, False) if rep % 2 == 0 else (False, True)
        for prefetch in order:
            runs["warm" if prefetch else "cold"].append(
                await one_play(demo, vm_id, prefetch=prefetch)
            )
    return runs


def run(args: dict[str, Any]) -> dict[str, Any]:
    with RemoteDemo(args["count"]) as demo:
        return asyncio.run(_measure(demo, args["reps"]))
