"""Polls of a big inbox: the longest event-loop stall, the widget work per poll, the RSS.

Three kinds of poll take turns: nothing changed; one new voicemail; one new voicemail when the
inbox cache is due to be written (the app writes it at most every 30 s when something changed,
so the job makes it due rather than wait). A probe task that wakes every 1 ms measures stalls;
VoicemailList.rows_rendered and the frame meter measure the widget work.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bench.demo_control import RemoteDemo
from bench.harness import SIZE, build_app, expire_toasts, loaded, peak_rss_mb, poll, rss_mb
from bench.loop_probe import LoopLagProbe
from bench.painting import FrameMeter
from bench.recording_backend import RecordingBackend
from vm_tui.audio.player import Player
from vm_tui.ui.app import VoicemailApp
from vm_tui.ui.widgets.voicemail_list import VoicemailList

KINDS = ("unchanged", "one_new", "cache_due")
WORK_KINDS = ("unchanged", "one_new")


def _make_cache_due(app: VoicemailApp) -> bool:
    """Pretend the last cache write was long ago (False: this app has no such clock)."""
    if not hasattr(app, "_cache_saved_at") or getattr(app, "cache", None) is None:
        return False
    setattr(app, "_cache_saved_at", float("-inf"))  # noqa: B010 (private: may go away)
    return True


async def _measure(demo: RemoteDemo, polls: int, work_rounds: int) -> dict[str, Any]:
    player = Player(backend=RecordingBackend())
    app = build_app(demo.base_url, demo.api_key, player=player)
    meter = FrameMeter(app)
    probe = LoopLagProbe()
    probe.start()
    stalls: dict[str, list[float]] = {kind: [] for kind in KINDS}
    rows: dict[str, list[int]] = {kind: [] for kind in WORK_KINDS}
    frames: dict[str, list[int]] = {kind: [] for kind in WORK_KINDS}
    try:
        async with app.run_test(size=SIZE, notifications=True):
            await loaded(app)
            await asyncio.sleep(0.1)
            first_load = probe.take()
            await asyncio.sleep(1.0)  # the prefetch of the highlighted row finishes first
            probe.take()
            frames_before = meter.frames
            probe.take()
            await asyncio.sleep(0.3)
            # What an idle app shows, for comparison: frames nobody asked for, the probe's noise.
            idle_frames = meter.frames - frames_before
            idle_stall = probe.take()
            vm_list = app.query_one(VoicemailList)
            # The list's first Resize arrives after the first paint and empties its line cache,
            # so the first new voicemail after start re-renders the screenful once: one warm-up
            # poll, reported apart, so the rounds measure the steady state.
            rows_before = vm_list.rows_rendered
            demo.add()
            await poll(app, settle=0.1)
            first_new_rows = vm_list.rows_rendered - rows_before
            expire_toasts(app)
            await asyncio.sleep(0.1)
            # Widget work first: toasts announcing new voicemails must not be on screen (and
            # expiring) while an unchanged poll is watched.
            for kind in [k for k in WORK_KINDS for _ in range(work_rounds)]:
                if kind == "one_new":
                    demo.add()  # a pipe round trip: not on the app's executor
                await asyncio.sleep(0.05)
                rows_before, frames_before = vm_list.rows_rendered, meter.frames
                await poll(app, settle=0.1)
                rows[kind].append(vm_list.rows_rendered - rows_before)
                frames[kind].append(meter.frames - frames_before)
            probe.take()
            for i in range(polls):
                kind = KINDS[i % len(KINDS)]
                if kind != "unchanged":
                    demo.add()  # a pipe round trip: not on the app's executor
                if kind == "cache_due" and not _make_cache_due(app):
                    continue
                expire_toasts(app)
                await asyncio.sleep(0.05)  # their removal is painted outside the window
                probe.take()
                await poll(app)
                stalls[kind].append(probe.take())
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
        "first_new_rows": first_new_rows,
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
