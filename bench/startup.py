"""Process start to first painted inbox: the app against a bare Textual app, fresh processes."""

from __future__ import annotations

from typing import Any

from bench.demo_control import RemoteDemo
from bench.procs import child_env, fresh_dirs, progress, run_job
from bench.report import Row
from bench.stats import median, ms, ratio, spread, times

TARGETS = {10_000: 1.3, 50: 1.15}
JOBS = ("bare_paint", "first_paint")


def measure(reps: int) -> tuple[list[Row], dict[str, float]]:
    """Rows for both inbox sizes, plus the RSS of both apps at first paint (for the RSS row)."""
    seconds: dict[tuple[int, str], list[float]] = {}
    rss: dict[tuple[int, str], list[float]] = {}
    with RemoteDemo(10_000) as big, RemoteDemo(50) as small:
        servers = {10_000: big, 50: small}
        for rep in range(reps + 1):  # round 0 warms caches (pyc, page cache) and is dropped
            progress(f"start-up, round {rep + 1}/{reps + 1}")
            for count, demo in servers.items():
                order = JOBS if rep % 2 == 0 else JOBS[::-1]
                for job in order:
                    args: dict[str, Any] = {"base_url": demo.base_url, "api_key": demo.api_key}
                    env = child_env(
                        {
                            "PHONE_INC_BASE_URL": demo.base_url,
                            "PHONE_INC_API_KEY": demo.api_key,
                            **fresh_dirs(),
                        }
                    )
                    started, result = run_job(job, args, timeout=120, env=env)
                    if rep:
                        seconds.setdefault((count, job), []).append(result["painted_at"] - started)
                        rss.setdefault((count, job), []).append(result["rss_mb"])
    rows = []
    for count, target in TARGETS.items():
        subject = seconds[(count, "first_paint")]
        baseline = seconds[(count, "bare_paint")]
        value = ratio(median(subject), median(baseline))
        rows.append(
            Row(
                f"process start to first painted inbox, {count:,} voicemails",
                ms(median(subject)),
                f"{ms(median(baseline))} (bare Textual app + httpx)",
                times(value),
                f"<= {target}x",
                value <= target,
                note=(
                    f"median of {reps} fresh processes each, interleaved; "
                    f"app {spread(subject)}, bare {spread(baseline)}"
                ),
            )
        )
    at_paint = {
        "app": median(rss[(10_000, "first_paint")]),
        "bare": median(rss[(10_000, "bare_paint")]),
    }
    return rows, at_paint
