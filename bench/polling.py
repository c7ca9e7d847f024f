"""Event-loop stalls and widget work during polls of 10,000 voicemails; RSS with them loaded."""

from __future__ import annotations

from bench.procs import progress, run_job
from bench.report import Row
from bench.stats import mb, median, ms

COUNT = 10_000
STALL_TARGET = 0.050
RSS_TARGET = 150.0


def measure(reps: int) -> tuple[list[Row], list[Row], float]:
    """(stall rows, widget-work rows, RSS in MB after the polls)."""
    progress(f"polls of {COUNT:,}: stalls and widget work")
    _, r = run_job("polls", {"count": COUNT, "polls": 3 * reps, "work_rounds": 3}, timeout=300)
    stall_rows: list[Row] = []
    for kind, label in (
        ("unchanged", "nothing changed"),
        ("one_new", "one new voicemail"),
        ("cache_due", "one new, inbox cache written"),
    ):
        stalls = r["stalls"][kind]
        if not stalls:
            continue
        value = median(stalls)
        note = (
            f"median over {len(stalls)} polls of each poll's longest stall "
            f"(worst {ms(max(stalls))}), seen by a task that sleeps 1 ms in a loop"
        )
        if not stall_rows:
            note += (
                f"; its noise when idle: {ms(r['idle_stall'])}; first load of the inbox "
                f"(not a target): {ms(r['first_load_stall'])}"
            )
        stall_rows.append(
            Row(
                f"longest event-loop stall during a poll of {COUNT:,} ({label})",
                ms(value),
                target="< 50 ms",
                met=value < STALL_TARGET,
                note=note,
            )
        )
    rows_unchanged, rows_new = r["rows"]["unchanged"], r["rows"]["one_new"]
    frames_unchanged, frames_new = r["frames"]["unchanged"], r["frames"]["one_new"]
    work_rows = [
        Row(
            "widget work for an unchanged poll",
            f"{max(rows_unchanged)} rows, {max(frames_unchanged)} frames",
            target="none",
            met=max(rows_unchanged) == 0 and max(frames_unchanged) == 0,
            note=f"worst of {len(rows_unchanged)} polls; rows = VoicemailList.rows_rendered",
        ),
        Row(
            "widget work for one new voicemail",
            f"{max(rows_new)} row{'' if max(rows_new) == 1 else 's'} rendered, "
            f"{max(frames_new)} frames",
            target="one row",
            met=max(rows_new) == 1,
            note=(
                f"worst of {len(rows_new)} polls after a warm-up one, which rendered "
                f"{r['first_new_rows']} rows (on_resize empties the line cache, and the list's "
                "first Resize is handled after the first paint). The list renders only the new "
                "row: the "
                f"{r['visible_rows']} visible lines shift down, the others come from its line "
                "cache keyed by voicemail id. The frames are full-screen recompositions: the "
                "list's virtual size changes (a Textual layout, so every widget on screen is "
                "re-rendered from its caches) and the toast announcing the voicemail"
            ),
        ),
    ]
    return stall_rows, work_rows, r["rss_mb"]


def rss_row(rss: float, at_paint: dict[str, float] | None) -> Row:
    baseline, ratio_text = "-", "-"
    if at_paint:
        baseline = f"{mb(at_paint['bare'])} (bare app at first paint)"
        ratio_text = f"{rss / at_paint['bare']:.2f}x"
    return Row(
        f"RSS with {COUNT:,} voicemails loaded",
        mb(rss),
        baseline,
        ratio_text,
        "< 150 MB",
        rss < RSS_TARGET,
        note=(
            "VmRSS of the app process after the polls above"
            + (f"; at first paint {mb(at_paint['app'])}" if at_paint else "")
        ),
    )
