"""RSS growth over 1,000 polls of a churning inbox (and the long soak behind --soak)."""

from __future__ import annotations

from typing import Any

from bench.procs import progress, run_job
from bench.report import Row
from bench.stats import mb

TARGET_MB = 5.0


def run_churn(count: int, polls: int, *, vary: bool, timeout: float) -> dict[str, Any]:
    args = {
        "count": count,
        "polls": polls,
        "warmup": min(50, polls // 10),
        "sample_every": max(1, polls // 10),
        "vary": vary,
    }
    _, result = run_job("churn", args, timeout=timeout)
    return result


def flat_rows(result: dict[str, Any], count: int, label: str) -> list[Row]:
    samples = result["samples"]
    first, last = samples[0], samples[-1]
    polls = last["poll"] - first["poll"]
    growth = last["rss_mb"] - first["rss_mb"]
    trace = ", ".join(f"{s['poll']}: {s['rss_mb']:.1f}" for s in samples)
    return [
        Row(
            f"RSS growth over {polls:,} polls ({label}, {count:,} voicemails)",
            mb(growth),
            target="< 5 MB",
            met=growth < TARGET_MB,
            note=(
                f"after {first['poll']} warm-up polls, {result['seconds']:.0f} s; "
                f"RSS MB by poll: {trace}"
            ),
        ),
        Row(
            f"asyncio tasks / OS threads over those polls ({label})",
            f"{first['tasks']}->{last['tasks']} / {first['threads']}->{last['threads']}",
            target="flat",
            met=last["tasks"] <= first["tasks"] and last["threads"] <= first["threads"],
        ),
    ]


def measure(polls: int) -> list[Row]:
    # 1,000 polls of 10,000 take ~4 min here, so the suite churns a 1,000-voicemail inbox;
    # `python -m bench --soak` runs the big one.
    count = 1_000
    progress(f"RSS growth: {polls} polls of a churning {count:,}-voicemail inbox")
    result = run_churn(count, polls, vary=False, timeout=600)
    return flat_rows(result, count, "+1 new, 1 changed, 1 deleted per poll")
