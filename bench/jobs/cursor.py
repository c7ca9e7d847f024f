"""Cursor moves over a big inbox: key press to the painted frame that shows the move.

The parent sets TEXTUAL_FPS=1000 for this child, so Textual's frame throttle (16.7 ms at the
default 60 fps) adds at most 1 ms: what is left is the app's own work, repaint included.
A frame counts once it shows the cursor on the new row *and* the detail pane on that voicemail.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.demo_control import RemoteDemo
from bench.harness import SIZE, build_app, loaded, send_key
from bench.painting import FrameMeter
from bench.recording_backend import RecordingBackend
from vm_tui.audio.player import Player
from vm_tui.ui.widgets.detail import DetailPane
from vm_tui.ui.widgets.voicemail_list import VoicemailList

GAP = 0.01  # between presses: a fast key repeat, and time for trailing work to finish


async def _measure(demo: RemoteDemo, presses: int) -> dict[str, Any]:
    player = Player(backend=RecordingBackend())
    app = build_app(demo.base_url, demo.api_key, player=player)
    meter = FrameMeter(app)
    latencies: list[float] = []
    loop_cpu: list[float] = []
    try:
        async with app.run_test(size=SIZE):
            await loaded(app)
            await asyncio.sleep(1.0)
            vm_list = app.query_one(VoicemailList)
            detail = app.query_one(DetailPane)
            for i in range(presses):
                down = i < presses * 3 // 4  # down past the screen (scrolling), then back up
                index = vm_list.cursor_index or 0
                target = vm_list.ids[min(index + 1, len(vm_list.ids) - 1) if down else index - 1]
                painted: list[float] = []

                def on_frame(
                    now: float, target: str = target, painted: list[float] = painted
                ) -> None:
                    shown = detail.voicemail
                    if not painted and vm_list.cursor_id == target and shown and shown.id == target:
                        painted.append(now)
                        painted.append(time.thread_time())

                meter.listeners.append(on_frame)
                pressed, cpu_before = time.perf_counter(), time.thread_time()
                send_key(app, "j" if down else "k")
                deadline = pressed + 5
                while not painted and time.perf_counter() < deadline:
                    await asyncio.sleep(0.0005)
                meter.listeners.remove(on_frame)
                if not painted:
                    raise TimeoutError(f"press {i}: no frame showed the move")
                latencies.append(painted[0] - pressed)
                loop_cpu.append(painted[1] - cpu_before)
                await asyncio.sleep(GAP)
            rows = len(vm_list.ids)
    finally:
        player.close()
    return {"latencies": latencies, "loop_cpu": loop_cpu, "rows": rows}


def run(args: dict[str, Any]) -> dict[str, Any]:
    with RemoteDemo(args["count"]) as demo:
        return asyncio.run(_measure(demo, args["presses"]))
