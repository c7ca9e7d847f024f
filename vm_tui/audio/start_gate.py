"""While a playback starts, background decodes hold back between pieces.

On two cores a 3-hour waveform pass (ffmpeg niced, the peaks computed in Python) competes with
the player's thread for the CPU and the GIL in the few ms Enter's sound takes to start. The
player closes the gate when asked to play and opens it once the sound is handed to the device;
a background reader waits at it before each piece. It waits ``HOLD`` seconds at most, so a
start that never reports back slows the pass down but cannot stall it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

HOLD = 0.25


class StartGate:
    def __init__(self, hold: float = HOLD, clock: Callable[[], float] = time.monotonic) -> None:
        self._hold = hold
        self._clock = clock
        self._open = threading.Event()
        self._open.set()
        self._until = 0.0
        self._lock = threading.Lock()  # a close and an open from two threads keep their order

    def close(self) -> None:
        """A playback starts (any thread)."""
        with self._lock:
            self._until = self._clock() + self._hold
            self._open.clear()

    def open(self) -> None:
        """It has started, or failed, or was replaced (any thread)."""
        with self._lock:
            self._open.set()

    def wait(self) -> None:
        """Background work: return when no playback is starting (after ``hold`` at most)."""
        left = self._until - self._clock()
        if left > 0 and not self._open.is_set():
            self._open.wait(left)


# One per process: the player and every background decode share the same two cores.
START_GATE = StartGate()
