"""Small numeric helpers shared by the sections."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def ratio(subject: float, baseline: float) -> float:
    return subject / baseline if baseline > 0 else float("inf")


def times(value: float) -> str:
    return f"{value:.2f}x"


def mb(value: float) -> str:
    return f"{value:.1f} MB"


def spread(values: Sequence[float]) -> str:
    """min..max, to show how noisy a median is."""
    return f"{min(values) * 1000:.0f}..{max(values) * 1000:.0f} ms" if values else "-"
