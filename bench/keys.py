"""Time cursor key presses: key sent as the terminal driver sends it, to the frame that shows it.

Shared by the app and the bare baseline, so both are measured the same way. The children run
with TEXTUAL_FPS=1000 (set by the parent): Textual's frame throttle (16.7 ms at the default
60 fps) then adds at most 1 ms, and what is left is work, repaint and terminal encoding included.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual import events
from textual.app import App

from bench.painting import FrameMeter

SETTLE = 0.01  # after each complete frame: trailing work ends before the next key
TIMEOUT = 5.0


@dataclass
class CursorProbe:
    """How to read the app under test: where the cursor is, and what is on screen."""

    position: Callable[[], int]
    rows: int
    cursor_at: Callable[[int], bool]  # a frame has drawn the cursor on row i
    detail_at: Callable[[int], bool]  # ... and the detail of row i (bench.painting.PaintWatch)


@dataclass
class PressTimes:
    cursor_frame: list[float] = field(default_factory=list)  # key -> cursor on the new row
    complete_frame: list[float] = field(default_factory=list)  # ... and the detail on it too
    loop_cpu: list[float] = field(default_factory=list)  # event-loop CPU, key -> complete

    def as_dict(self) -> dict[str, list[float]]:
        return {
            "cursor_frame": self.cursor_frame,
            "complete_frame": self.complete_frame,
            "loop_cpu": self.loop_cpu,
        }


def send_key(app: App[Any], key: str) -> None:
    """A key press as the terminal driver delivers it (what Pilot.press does, minus its waits)."""
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)


async def time_press(
    app: App[Any],
    meter: FrameMeter,
    probe: CursorProbe,
    key: str,
    target: int,
    *,
    timeout: float = TIMEOUT,
) -> tuple[float, float, float]:
    """One key that moves the cursor to row ``target``: (seconds to the frame showing the
    cursor there, to the frame showing the detail of it too, event-loop CPU meanwhile)."""
    seen: dict[str, float] = {}

    def on_frame(now: float) -> None:
        if "cursor" not in seen and probe.cursor_at(target):
            seen["cursor"] = now
        if "cursor" in seen and "complete" not in seen and probe.detail_at(target):
            seen["complete"] = now
            seen["cpu"] = time.thread_time()

    meter.listeners.append(on_frame)
    try:
        pressed, cpu_before = time.perf_counter(), time.thread_time()
        send_key(app, key)
        while "complete" not in seen:
            if time.perf_counter() - pressed > timeout:
                raise TimeoutError(f"key {key!r}: no frame showed the move to row {target}")
            await asyncio.sleep(0.0005)
    finally:
        meter.listeners.remove(on_frame)
    return seen["cursor"] - pressed, seen["complete"] - pressed, seen["cpu"] - cpu_before


async def time_presses(
    app: App[Any], meter: FrameMeter, probe: CursorProbe, presses: int
) -> PressTimes:
    """``presses`` keys: three quarters j (down past the screen, so scrolling), then k."""
    times = PressTimes()
    for i in range(presses):
        down = i < presses * 3 // 4
        target = max(0, min(probe.rows - 1, probe.position() + (1 if down else -1)))
        try:
            cursor, complete, cpu = await time_press(
                app, meter, probe, "j" if down else "k", target
            )
        except TimeoutError as error:
            raise TimeoutError(f"press {i}: {error}") from None
        times.cursor_frame.append(cursor)
        times.complete_frame.append(complete)
        times.loop_cpu.append(cpu)
        await asyncio.sleep(SETTLE)
    return times
