"""Polls of a big inbox: the longest event-loop stall, the widget work per poll, the RSS.

Unchanged polls and polls that bring one new voicemail alternate. A probe task that wakes
every 1 ms measures stalls; VoicemailList.rows_rendered and the frame meter measure the work.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bench.demo_control import RemoteDemo
from bench.harness import SIZE, build_app, loaded, peak_rss_mb, poll, rss_mb
from bench.loop_probe import LoopLagProbe
from bench.painting import FrameMeter
from bench.recording_backend import RecordingBackend
from vm_tui.audio.player import Player
from vm_tui.ui.widgets.voicemail_list import VoicemailList

KINDS = ("unchanged", "one_new")


async def _measure(demo: RemoteDemo, polls: int, work_rounds: int) -> dict[str, Any]:
    player = Player(backend=RecordingBackend())
    app = build_app(demo.base_url, demo.api_key, player=player)
    meter = FrameMeter(app)
    probe = LoopLagProbe()
    probe.start()
    stalls: dict[str, list[float]] = {kind: [] for kind in KINDS}
    rows: dict[str, list[int]] = {kind: [] for kind in KINDS}
    frames: dict[str, list[int]] = {kind: [] for kind in KINDS}
    try:
        async with app.run_test(size=SIZE):
            await loaded(app)
            await asyncio.sleep(0.1)
            first_load = probe.take()
            await asyncio.sleep(1.0)  # the prefetch of the highlighted row finishes first
            probe.take()
            for i in range(polls):
                kind = KINDS[i % 2]
                if kind == "one_new":
                    demo.add()  # a pipe round trip: not on the app's executor
                probe.take()
                await poll(app)
                stalls[kind].append(probe.take())
            await asyncio.sleep(0.25)
            idle_stall = probe.take()  # the probe's own noise floor, for comparison
            vm_list = app.query_one(VoicemailList)
            for i in range(2 * work_rounds):
                kind = KINDS[i % 2]
                if kind == "one_new":
                    demo.add()  # a pipe round trip: not on the app's executor
                await asyncio.sleep(0.05)
                rows_before, frames_before = vm_list.rows_rendered, meter.frames
                await poll(app, settle=0.1)
                rows[kind].append(vm_list.rows_rendered - rows_before)
                frames[kind].append(meter.frames - frames_before)
            frames_before = meter.frames
            await asyncio.sleep(0.3)
            idle_frames = meter.frames - frames_before
            visible_rows = vm_list.size.height
            shown = len(vm_list.ids)
            rss, peak = rss_mb(), peak_rss_mb()
    finally:
        await probe.stop()
        player.close()
    return {
        "first_load_stall": first_load,
        "stalls": stalls,
        "idle_stall": idle_stall,
        "rows": rows,
        "frames": frames,
        "idle_frames_300ms": idle_frames,
        "visible_rows": visible_rows,
        "shown": shown,
        "rss_mb": rss,
        "peak_rss_mb": peak,
    }


def run(args: dict[str, Any]) -> dict[str, Any]:
    with RemoteDemo(args["count"]) as demo:
        return asyncio.run(_measure(demo, args["polls"], args["work_rounds"]))
