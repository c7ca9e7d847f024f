"""Process figures from /proc/self/status (Linux): resident memory and thread count."""

from __future__ import annotations

from pathlib import Path


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def rss_mb() -> float:
    return _status("VmRSS") / 1024


def peak_rss_mb() -> float:
    return _status("VmHWM") / 1024


def os_threads() -> int:
    """Every thread of the process, including ones Python did not start."""
    return _status("Threads")
