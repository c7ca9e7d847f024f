"""RSS growth over 1,000 polls of a churning inbox (and the long soak behind --soak)."""

from __future__ import annotations

from typing import Any

from bench.procs import progress, run_job
from bench.report import Row
from bench.stats import mb

TARGET_MB = 5.0
# Bounded caches (line strips, phone number labels, Textual's geometry caches) fill during the
# first polls; growth is counted after them, so the figure is about leaks, not warm-up.
WARMUP = 100


def run_churn(
    count: int, polls: int, *, vary: bool, timeout: float, new_every: int = 1
) -> dict[str, Any]:
    args = {
        "count": count,
        "new_every": new_every,
        "polls": WARMUP + polls,
        "warmup": WARMUP,
        "sample_every": max(1, polls // 10),
        "vary": vary,
    }
    _, result = run_job("churn", args, timeout=timeout)
    return result


def _flat(values: list[int]) -> bool:
    """The floor did not rise: a leak lifts every later sample, while a task or two in flight
    at the moment of a sample (a poll's wait_for, a toast's timer) only makes spikes."""
    third = max(1, len(values) // 3)
    return min(values[-third:]) <= max(values[:third])


def flat_rows(result: dict[str, Any], count: int, label: str) -> list[Row]:
    samples = result["samples"]
    first, last = samples[0], samples[-1]
    polls = last["poll"] - first["poll"]
    growth = last["rss_mb"] - first["rss_mb"]
    trace = ", ".join(f"{s['poll']}: {s['rss_mb']:.1f}" for s in samples)
    tasks = [s["tasks"] for s in samples]
    threads = [s["threads"] for s in samples]
    return [
        Row(
            f"RSS growth over {polls:,} polls ({label}, {count:,} voicemails)",
            mb(growth),
            target="< 5 MB",
            met=growth < TARGET_MB,
            note=(
                f"counted after {first['poll']} warm-up polls; run took {result['seconds']:.0f} s; "
                f"RSS MB by poll: {trace}"
            ),
        ),
        Row(
            f"asyncio tasks / OS threads over those polls ({label})",
            f"{min(tasks)}..{max(tasks)} / {min(threads)}..{max(threads)}",
            target="flat",
            met=_flat(tasks) and _flat(threads),
            note="tasks by poll: " + ", ".join(f"{s['poll']}: {s['tasks']}" for s in samples),
        ),
    ]


def measure(polls: int) -> list[Row]:
    # 1,000 polls of 10,000 take ~4 min here, so the suite churns a 1,000-voicemail inbox;
    # `python -m bench --soak` runs the big one. A new voicemail every 10th poll: each one is
    # announced by a toast, and Textual 8.2.8 keeps every removed widget's StylesCache (with its
    # rendered lines) in an lru_cache(1024) (textual/_styles_cache.py:257), ~10 KB a toast
    # until 1,024 are held. A toast every poll would measure that cache filling, not the app.
    count, new_every = 1_000, 10
    progress(f"RSS growth: {WARMUP} + {polls} polls of a churning {count:,}-voicemail inbox")
    result = run_churn(count, polls, vary=False, timeout=900, new_every=new_every)
    return flat_rows(result, count, f"1 changed per poll, 1 new + 1 deleted every {new_every}th")
