"""Cursor moves over 10,000 rows: median key-to-painted-frame time."""

from __future__ import annotations

from bench.procs import child_env, progress, run_job
from bench.report import Row
from bench.stats import median, ms

COUNT = 10_000
TARGET = 0.005


def measure(reps: int) -> list[Row]:
    presses = 40 * reps
    progress(f"cursor: {presses} key presses over {COUNT:,} rows")
    env = child_env({"TEXTUAL_FPS": "1000"})  # see jobs/cursor.py
    _, r = run_job("cursor", {"count": COUNT, "presses": presses}, timeout=300, env=env)
    latencies, cpu = r["latencies"], r["loop_cpu"]
    value = median(latencies)
    p90 = sorted(latencies)[int(len(latencies) * 0.9)]
    return [
        Row(
            f"cursor move over {COUNT:,} rows (median per key)",
            ms(value),
            target="< 5 ms",
            met=value < TARGET,
            note=(
                f"{len(latencies)} presses of j then k, key sent as the driver does, until the "
                f"frame showing the cursor and the detail pane on the new row (TEXTUAL_FPS=1000); "
                f"p90 {ms(p90)}; event-loop CPU per key: median {ms(median(cpu))}"
            ),
        )
    ]
