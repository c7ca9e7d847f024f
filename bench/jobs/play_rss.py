"""Peak RSS while a 5-minute voicemail plays, in the app with a 10,000-voicemail inbox.

The cursor rests on it first (the prefetch downloads it, decodes its start and measures its
waveform); then the process's peak is reset (/proc/self/clear_refs) so the figure is what
playing costs on top of the loaded inbox: Enter, 2 s of playing (the rest of the recording is
decoded in the background meanwhile), a speed change (a rendering at 1.25x), 2 s more.
"""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path
from typing import Any

from bench.demo_control import RemoteDemo
from bench.harness import SIZE, build_app, loaded, peak_rss_mb, rss_mb, wait_until
from bench.keys import send_key
from bench.recording_backend import RecordingBackend
from vm_tui.audio.player import Player
from vm_tui.ui.widgets.voicemail_list import VoicemailList


def reset_peak() -> bool:
    """VmHWM back to the current RSS (Linux >= 4.0); False where the kernel refuses."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


async def _measure(demo: RemoteDemo, vm_id: str) -> dict[str, Any]:
    backend = RecordingBackend()
    player = Player(backend=backend)
    app = build_app(demo.base_url, demo.api_key, player=player)
    try:
        async with app.run_test(size=SIZE, notifications=True):
            await loaded(app)
            library = app.service.library
            if app.query_one(VoicemailList).cursor_id != vm_id:
                raise RuntimeError("the 5-minute voicemail is not the first row")
            await wait_until(lambda: library.envelope(vm_id) is not None, 60, "the prefetch")
            gc.collect()
            since_start = peak_rss_mb()
            before = rss_mb()
            was_reset = reset_peak()
            send_key(app, "enter")
            await wait_until(lambda: backend.handed_at, 30, "PCM handed to the backend")
            await asyncio.sleep(2.0)
            send_key(app, "right_square_bracket")  # faster: a rendering at the new speed
            await wait_until(lambda: len(backend.handed_at) > 1, 30, "the speed change")
            await asyncio.sleep(2.0)
            peak = peak_rss_mb()
            during = rss_mb()
            speed = player.speed
            cache_mb = library.cache.size / 1e6
    finally:
        player.close()
    return {
        "peak_since_start_mb": since_start,
        "rss_before_mb": before,
        "reset": was_reset,
        "peak_mb": peak,
        "rss_playing_mb": during,
        "speed": speed,
        "cache_mb": cache_mb,
    }


def run(args: dict[str, Any]) -> dict[str, Any]:
    with RemoteDemo(args["count"]) as demo:
        demo.add_recording("bench_5min", args["path"])
        vm_id = demo.add_voicemail(recording="bench_5min")
        return asyncio.run(_measure(demo, vm_id))
