"""`M` then `y` (mark every voicemail shown listened) on an inbox of unlistened voicemails.

A probe task that wakes every 1 ms (bench/loop_probe.py) sees the longest event-loop stall
from the `M` keypress until the outbox is empty (every mark confirmed by the server); the
parent's demo server counts the PATCHes it answered. The demo is not asked anything while the
marks go out: its answers would be pipe round trips on the loop being measured.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.demo_control import RemoteDemo
from bench.harness import SIZE, build_app, loaded, wait_until
from bench.keys import send_key
from bench.loop_probe import LoopLagProbe
from bench.recording_backend import RecordingBackend
from vm_tui.audio.player import Player
from vm_tui.ui.app import VoicemailApp
from vm_tui.ui.screens.pickers import Confirm
from vm_tui.ui.widgets.status_bar import StatusBar

STALL_NOTED = 0.020  # stalls longer than this are listed, with when they ended


def count_listened(app: VoicemailApp, listened: bool) -> int:
    state = app.service.state
    return sum(
        1 for vm in map(state.get, state.order) if vm is not None and vm.listened == listened
    )


async def _measure(demo: RemoteDemo, expected: int) -> dict[str, Any]:
    player = Player(backend=RecordingBackend())
    app = build_app(demo.base_url, demo.api_key, player=player, prefetch=False)
    probe = LoopLagProbe(note_over=STALL_NOTED)
    try:
        async with app.run_test(size=SIZE, notifications=True):
            await loaded(app)
            unlistened = count_listened(app, False)
            if unlistened != expected:
                raise RuntimeError(f"{unlistened} unlistened in the app, {expected} expected")
            await asyncio.sleep(0.5)
            probe.start()
            await asyncio.sleep(0.3)
            idle = probe.take()
            pressed = time.perf_counter()
            send_key(app, "M")
            await wait_until(lambda: isinstance(app.screen, Confirm), 30, "the question")
            asked = time.perf_counter() - pressed
            send_key(app, "y")
            answered = time.perf_counter()
            progress_seen: set[tuple[int, int]] = set()
            sender = app.service.sender

            def done() -> bool:
                status = app.query(StatusBar)
                if status:
                    progress_seen.add(status.first().bulk)
                return not isinstance(app.screen, Confirm) and sender.pending_count() == 0

            await wait_until(done, 300, "every mark confirmed")
            sent = time.perf_counter() - answered
            stall = probe.take()
            listened_now = count_listened(app, True)
    finally:
        await probe.stop()
        player.close()
    shown_progress = sorted(p for p in progress_seen if p[1])
    return {
        "idle_stall": idle,
        "stall": stall,
        "asked": asked,
        "sent": sent,
        "listened_in_app": listened_now,
        "stalls_after_y": [
            (round(at - answered, 3), round(lag, 4)) for at, lag in probe.stalls if at >= answered
        ],
        "progress_samples": len(shown_progress),
        "progress_last": shown_progress[-1] if shown_progress else None,
    }


def run(args: dict[str, Any]) -> dict[str, Any]:
    with RemoteDemo(args["count"]) as demo:
        expected = demo.unlisten_all()
        result = asyncio.run(_measure(demo, expected))
        result["patches"] = demo.request_count("PATCH")
        result["expected"] = expected
        result["unlistened_on_server"] = demo.unlistened()
        return result
