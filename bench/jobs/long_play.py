"""Enter to the first PCM handed to the backend: a 3-hour recording against a 30-second one.

Both are already downloaded: the cursor rested on each (the prefetch downloaded it and decoded
its start) for at least a second before Enter, as in bench/jobs/play.py. One app plays both in
turn, order alternating. A second variant drops every decoded window first (the PCM cache is
cleared just before Enter): the recording is on disk and nothing of it is decoded, so the time
is what decoding its start takes. The first variant may be pressed more often
(``prefetched``): it is a matter of milliseconds.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.demo_control import RemoteDemo
from bench.harness import SIZE, build_app, loaded, wait_until
from bench.keys import send_key
from bench.recording_backend import RecordingBackend
from vm_tui.audio.player import Player, PlayerState
from vm_tui.audio.track import FileTrack
from vm_tui.ui.app import VoicemailApp
from vm_tui.ui.widgets.voicemail_list import VoicemailList

SELECTED_FOR = 1.0


async def _one(
    app: VoicemailApp, player: Player, backend: RecordingBackend, vm_id: str, *, evict: bool
) -> dict[str, Any]:
    library = app.service.library
    app.query_one(VoicemailList).select(vm_id)
    await wait_until(lambda: library.cached(vm_id) is not None, 60, "the download")
    await asyncio.sleep(SELECTED_FOR)
    recording = library.cached(vm_id)
    assert recording is not None
    track = recording.track
    scanning = isinstance(track, FileTrack) and track.scanning
    if evict:
        library.cache.clear()
    handed = len(backend.handed_at)
    pressed = time.perf_counter()
    send_key(app, "enter")
    await wait_until(lambda: len(backend.handed_at) > handed, 30, "PCM handed to the backend")
    latency = backend.handed_at[handed] - pressed
    await asyncio.sleep(0.3)  # it plays: the next window is decoded in the background
    send_key(app, "x")  # stop
    await wait_until(lambda: player.state is PlayerState.STOPPED, 10, "the stop")
    return {"latency": latency, "scanning": scanning, "duration": recording.duration}


async def _measure(
    demo: RemoteDemo, ids: dict[str, str], reps: int, prefetched: int
) -> dict[str, Any]:
    backend = RecordingBackend()
    player = Player(backend=backend)
    app = build_app(demo.base_url, demo.api_key, player=player)
    runs: dict[str, list[dict[str, Any]]] = {}
    try:
        async with app.run_test(size=SIZE, notifications=True):
            await loaded(app)
            names = list(ids)
            for rep in range(max(reps, prefetched)):
                variants = [
                    evict for evict, times in ((False, prefetched), (True, reps)) if rep < times
                ]
                for evict in variants:
                    for name in names if rep % 2 == 0 else names[::-1]:
                        run = await _one(app, player, backend, ids[name], evict=evict)
                        runs.setdefault(f"{name}{'_evicted' if evict else ''}", []).append(run)
    finally:
        player.close()
    return runs


def run(args: dict[str, Any]) -> dict[str, Any]:
    with RemoteDemo(args["count"]) as demo:
        ids = {}
        for name, path in args["recordings"].items():
            demo.add_recording(f"bench_{name}", path)
            ids[name] = demo.add_voicemail(recording=f"bench_{name}")
        prefetched = args.get("prefetched", args["reps"])
        return asyncio.run(_measure(demo, ids, args["reps"], prefetched))
