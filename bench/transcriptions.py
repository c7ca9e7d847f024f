"""Huge transcriptions: cursor moves onto 20 MB and 5 MB ones, and first paint with one on top.

The first-paint comparison runs the start-up jobs of bench/startup.py (the real `vm-tui` entry
point, headless, and the bare Textual app) against two inboxes of 10,000: as is, and with a
voicemail whose transcription is 20 MB as the newest, so the detail pane shows it in the first
frame. The bare app fetches and parses the same 20 MB, so its difference is what the bytes cost
any client; the app's difference beyond that is what showing it costs.
"""

from __future__ import annotations

from typing import Any

from bench.demo_control import RemoteDemo
from bench.procs import child_env, fresh_dirs, progress, run_job
from bench.report import Row
from bench.stats import median, ms, ratio, spread, times

COUNT = 10_000
MOVE_TARGET = 0.050
PAINT_TOLERANCE = 0.05  # "unchanged": beyond what the bytes cost, within 5 % of the first paint
JOBS = ("bare_paint", "first_paint")


def cursor_rows(reps: int) -> list[Row]:
    rounds = max(5, 2 * reps)
    progress(f"huge transcriptions: {rounds} rounds of moves onto 20 MB and 5 MB")
    _, r = run_job("huge_text", {"count": COUNT, "rounds": rounds}, timeout=600)
    rows = []
    for size, onto, off in (("20 MB", "onto_20mb", "off_20mb"), ("5 MB", "onto_5mb", "off_5mb")):
        value = median(r[onto])
        rows.append(
            Row(
                f"cursor move onto a voicemail whose transcription is {size} (median)",
                ms(value),
                target="< 50 ms",
                met=value < MOVE_TARGET,
                note=(
                    f"{len(r[onto])} moves from an ordinary row, inbox of {COUNT:,}, timed as the "
                    f"cursor figure (key to the frame showing the row and its detail); "
                    f"{spread(r[onto])}; moving off it again: {ms(median(r[off]))} "
                    f"({spread(r[off])})"
                ),
            )
        )
    return rows


def paint_rows(reps: int) -> list[Row]:
    seconds: dict[tuple[str, str], list[float]] = {}
    with RemoteDemo(COUNT) as plain, RemoteDemo(COUNT) as huge:
        huge.add_voicemail(transcription_chars=20_000_000)
        servers = {"without": plain, "with": huge}
        for rep in range(reps + 1):  # round 0 warms caches and is dropped
            progress(f"huge transcriptions: first paint with and without, round {rep + 1}")
            for inbox, demo in servers.items() if rep % 2 == 0 else list(servers.items())[::-1]:
                for job in JOBS if rep % 2 == 0 else JOBS[::-1]:
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
                        seconds.setdefault((inbox, job), []).append(result["painted_at"] - started)
    app_with, app_without = (median(seconds[(k, "first_paint")]) for k in ("with", "without"))
    bare_with, bare_without = (median(seconds[(k, "bare_paint")]) for k in ("with", "without"))
    # What the app adds beyond what the 20 MB cost the bare app (on the wire, in json.loads),
    # taken round by round (the four runs of a round are seconds apart, so a machine that
    # slows down for a while slows all four) and then the median.
    beyond = median(
        [
            (aw - ao) - (bw - bo)
            for aw, ao, bw, bo in zip(
                seconds[("with", "first_paint")],
                seconds[("without", "first_paint")],
                seconds[("with", "bare_paint")],
                seconds[("without", "bare_paint")],
                strict=True,
            )
        ]
    )
    return [
        Row(
            "process start to first painted inbox, 20 MB transcription on top of 10,000",
            ms(app_with),
            f"{ms(app_without)} (same app, inbox without it)",
            times(ratio(app_with, app_without)),
            f"unchanged: + <= the bare app's + {PAINT_TOLERANCE:.0%}",
            beyond <= PAINT_TOLERANCE * app_without,
            note=(
                f"median of {reps} fresh processes each, interleaved; the detail pane shows it "
                f"in the first frame. The bare app (fetch, parse, one Static) takes "
                f"{ms(bare_with)} with it, {ms(bare_without)} without: what 20 MB more on the "
                f"wire and in json.loads cost any client. The app's increase beyond that "
                f"(median of the rounds' own): {beyond * 1000:+.0f} ms (target <= "
                f"{PAINT_TOLERANCE:.0%} of its first paint "
                f"without it). App with it {spread(seconds[('with', 'first_paint')])}, without "
                f"{spread(seconds[('without', 'first_paint')])}"
            ),
        )
    ]
