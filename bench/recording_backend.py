"""A silent audio backend that notes when PCM was handed over (where simpleaudio would play)."""

from __future__ import annotations

import threading
import time


class SilentHandle:
    """Reports "playing" for the clip's real length, so the app sees a normal playback."""

    def __init__(self, seconds: float) -> None:
        self._ends = time.monotonic() + seconds
        self._stopped = False

    def is_playing(self) -> bool:
        return not self._stopped and time.monotonic() < self._ends

    def stop(self) -> None:
        self._stopped = True


class RecordingBackend:
    def __init__(self) -> None:
        self.handed_at: list[float] = []  # time.perf_counter() of each play()
        self.handed = threading.Event()

    def play(self, data: bytes, channels: int, sample_width: int, sample_rate: int) -> SilentHandle:
        self.handed_at.append(time.perf_counter())
        self.handed.set()
        return SilentHandle(len(data) / (channels * sample_width * sample_rate))
