"""Watch a child from the parent: how many ffmpeg processes it runs at once, read from /proc.

Sampled every few milliseconds by a thread of the bench's own process, so the app under test
pays nothing for it. ffmpeg processes live ~10 ms at the least (a 20 s window of a 90-minute
recording), so a 2 ms period sees every one that overlaps another for longer than that.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


def children(pid: int, name: str) -> list[int]:
    """Pids of the live (not zombie) processes called ``name`` whose parent is ``pid``."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        comm_end = stat.rfind(")")
        comm = stat[stat.find("(") + 1 : comm_end]
        fields = stat[comm_end + 2 :].split()
        if comm == name and fields[0] != "Z" and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


class ChildCounter:
    """``start(pid)`` (a run_job on_spawn), then ``stop()``: ``most`` at once, ``seen`` in all."""

    def __init__(self, name: str = "ffmpeg", period: float = 0.002) -> None:
        self.name = name
        self.period = period
        self.most = 0
        self.seen: set[int] = set()
        # pid -> (time.monotonic() first seen alive, last seen alive)
        self.spans: dict[int, tuple[float, float]] = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, pid: int) -> None:
        self._thread = threading.Thread(target=self._run, args=(pid,), daemon=True)
        self._thread.start()

    def _run(self, pid: int) -> None:
        while not self._stop.wait(self.period):
            running = children(pid, self.name)
            now = time.monotonic()
            self.samples += 1
            self.most = max(self.most, len(running))
            self.seen.update(running)
            for child in running:
                self.spans[child] = (self.spans.get(child, (now, now))[0], now)

    def lingering(self, moments: list[float], grace: float) -> int:
        """How many processes started before one of ``moments`` were still alive ``grace``
        seconds after it."""
        return sum(
            1
            for first, last in self.spans.values()
            if any(first < moment and last > moment + grace for moment in moments)
        )

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
