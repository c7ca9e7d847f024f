"""LoopLagProbe: how long the event loop was blocked, seen from a task that wakes every 1 ms."""

from __future__ import annotations

import asyncio
import contextlib
import time


class LoopLagProbe:
    def __init__(self, period: float = 0.001, *, note_over: float | None = None) -> None:
        self.period = period
        self.max_lag = 0.0
        # With ``note_over``: every stall longer than that, as (perf_counter at its end, length).
        self.note_over = note_over
        self.stalls: list[tuple[float, float]] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-lag-probe")

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.period)
            # Anything later than the asked-for wake-up is time another callback held the loop.
            now = time.perf_counter()
            lag = now - before - self.period
            self.max_lag = max(self.max_lag, lag)
            if self.note_over is not None and lag > self.note_over:
                self.stalls.append((now, lag))

    def take(self) -> float:
        """The longest stall since the last take (or start), then start a new window."""
        lag, self.max_lag = self.max_lag, 0.0
        return lag

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
