"""The cursor rests 0.6 s on each of three 90-minute recordings, then moves on; twice.

Down over them from a cold start (each rest: the prefetch starts 0.3 s after the cursor
arrives and downloads 21 MB), then, once all three are downloaded, back up over them (each
rest: the prefetch decodes the start and runs the waveform pass, an ffmpeg over the whole
recording). Each move must cancel the prefetch it leaves, killing its ffmpeg, so memory and
ffmpeg processes stay those of one recording. The parent counts this process's ffmpeg children
(bench/watch.py) and compares their lifetimes with the moments the cursor left (``left``:
time.monotonic(), the same clock in both processes); the job reports its own RSS and peak.
"""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

from bench.demo_control import RemoteDemo
from bench.harness import SIZE, build_app, loaded, peak_rss_mb, rss_mb, wait_until
from bench.keys import send_key
from bench.recording_backend import RecordingBackend
from vm_tui.audio.player import Player
from vm_tui.audio.track import FileTrack
from vm_tui.ui.app import VoicemailApp
from vm_tui.ui.widgets.voicemail_list import VoicemailList

REST = 0.6
AFTER = 3.0  # seconds on an ordinary row before the RSS "afterwards" is read


async def _rest(app: VoicemailApp, vm_id: str, started: float) -> dict[str, Any]:
    vm_list = app.query_one(VoicemailList)
    await wait_until(lambda: vm_list.cursor_id == vm_id, 5, "the cursor")
    await asyncio.sleep(REST)
    recording = app.service.library.cached(vm_id)
    track = recording.track if recording is not None else None
    return {
        "left_at": time.perf_counter() - started,
        "left": time.monotonic(),
        "downloaded": recording is not None,
        "scanning": isinstance(track, FileTrack) and track.scanning,
    }


async def _measure(demo: RemoteDemo, long_ids: list[str]) -> dict[str, Any]:
    player = Player(backend=RecordingBackend())
    app = build_app(demo.base_url, demo.api_key, player=player)
    try:
        async with app.run_test(size=SIZE, notifications=True):
            await loaded(app)
            vm_list = app.query_one(VoicemailList)
            library = app.service.library
            if vm_list.ids[: len(long_ids)] != long_ids:
                raise RuntimeError("the long recordings are not the first rows")
            ordinary = vm_list.ids[len(long_ids)]
            # The cursor sits on the first row from the start: its rest starts now.
            gc.collect()
            rss_loaded = rss_mb()
            started = time.perf_counter()
            downloaded_at: dict[str, float] = {}

            async def watch_downloads() -> None:
                while len(downloaded_at) < len(long_ids):
                    for vm_id in long_ids:
                        if vm_id not in downloaded_at and library.cached(vm_id) is not None:
                            downloaded_at[vm_id] = time.perf_counter() - started
                    await asyncio.sleep(0.01)

            watcher = asyncio.ensure_future(watch_downloads())
            cold: list[dict[str, Any]] = []
            for vm_id in long_ids:
                cold.append(await _rest(app, vm_id, started))
                send_key(app, "j")  # on to the next one (after the last: an ordinary row)
            await asyncio.wait_for(watcher, 120)
            await asyncio.sleep(0.5)
            warm: list[dict[str, Any]] = []
            for vm_id in reversed(long_ids):
                send_key(app, "k")
                warm.append(await _rest(app, vm_id, started))
            vm_list.select(ordinary)
            await asyncio.sleep(AFTER)
            gc.collect()
            after = rss_mb()
            peak = peak_rss_mb()
            cache_mb = library.cache.size / 1e6
            budget_mb = library.cache.budget / 1e6
    finally:
        player.close()
    return {
        "rss_loaded_mb": rss_loaded,
        "cold": cold,
        "warm": warm,
        "rss_after_mb": after,
        "peak_rss_mb": peak,
        "downloaded_at": [downloaded_at.get(vm_id) for vm_id in long_ids],
        "cache_mb": cache_mb,
        "budget_mb": budget_mb,
    }


def run(args: dict[str, Any]) -> dict[str, Any]:
    with RemoteDemo(args["count"]) as demo:
        demo.add_recording("bench_90min", args["path"])
        long_ids = [demo.add_voicemail(recording="bench_90min") for _ in range(3)][::-1]
        return asyncio.run(_measure(demo, long_ids))
