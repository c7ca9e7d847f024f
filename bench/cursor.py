"""Cursor moves over 10,000 rows: the app against a bare Textual list, median per key."""

from __future__ import annotations

from typing import Any

from bench.procs import child_env, fresh_dirs, progress, run_job
from bench.report import Row
from bench.stats import median, ms, ratio, times

COUNT = 10_000
TARGET = 0.005
# Each side runs twice, interleaved (bare, app, app, bare), to spread machine noise over both.
ORDER = ("bare_cursor", "cursor", "cursor", "bare_cursor")


def measure(reps: int) -> list[Row]:
    presses = max(60, 20 * reps)
    runs: dict[str, dict[str, list[float]]] = {}
    for n, job in enumerate(ORDER, 1):
        progress(f"cursor: {job} run {n}/{len(ORDER)}, {presses} key presses")
        args: dict[str, Any] = {"count": COUNT, "presses": presses}
        env = child_env({"TEXTUAL_FPS": "1000", **fresh_dirs()})  # see bench/keys.py
        _, result = run_job(job, args, timeout=300, env=env)
        merged = runs.setdefault(job, {})
        for key in ("cursor_frame", "complete_frame", "loop_cpu"):
            merged.setdefault(key, []).extend(result[key])
    app, bare = runs["cursor"], runs["bare_cursor"]
    value, base = median(app["complete_frame"]), median(bare["complete_frame"])
    return [
        Row(
            f"cursor move over {COUNT:,} rows (median per key)",
            ms(value),
            f"{ms(base)} (bare Textual Line-API list + Static)",
            times(ratio(value, base)),
            "< 5 ms",
            value < TARGET,
            note=(
                f"{len(app['complete_frame'])} presses per side (3/4 j, scrolling, then k); "
                "key sent as the driver does, to the first frame showing the cursor and the "
                "detail pane on the new row; TEXTUAL_FPS=1000 so the 60 fps throttle adds "
                f"<= 1 ms. Cursor row alone: app {ms(median(app['cursor_frame']))}, bare "
                f"{ms(median(bare['cursor_frame']))}. Event-loop CPU per key: app "
                f"{ms(median(app['loop_cpu']))}, bare {ms(median(bare['loop_cpu']))}"
            ),
        )
    ]
