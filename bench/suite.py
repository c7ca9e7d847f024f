"""Run every section in the issue's order; a section that fails becomes an ERROR row."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bench import (
    bulk,
    cli_start,
    cursor,
    growth,
    playback,
    polling,
    recordings,
    startup,
    terminal,
    transcriptions,
)
from bench.report import Row, error_row

T = TypeVar("T")


def _attempt(figure: str, section: Callable[[], T]) -> T | Row:
    try:
        return section()
    except Exception as error:  # one broken section must not hide the others
        return error_row(figure, error)


def run_suite(reps: int, polls: int) -> list[Row]:
    rows: list[Row] = []
    at_paint: dict[str, float] | None = None
    # Fresh processes vary by +-10 ms on these machines, a few percent of a 300 ms start: twice
    # the repetitions (they take ~1 s each) keep the median of a ratio close to its target steady.
    started = _attempt("process start to first painted inbox", lambda: startup.measure(2 * reps))
    if isinstance(started, Row):
        rows.append(started)
    else:
        rows += started[0]
        at_paint = started[1]
    # The same moment as a user sees it: through a terminal, against a floor app (issue 14).
    shown = _attempt("process start to first screen with rows (tmux)", terminal.measure)
    rows += [shown] if isinstance(shown, Row) else shown
    polled = _attempt("polls of 10,000 (stall, widget work, RSS)", lambda: polling.measure(reps))
    rss: float | None = None
    if isinstance(polled, Row):
        rows.append(polled)
    else:
        rows += polled[0] + polled[1]
        rss = polled[2]
    for figure, section in (
        ("keypress to PCM / cold play", lambda: playback.measure(reps)),
        ("cursor move over 10,000 rows", lambda: cursor.measure(reps)),
    ):
        result = _attempt(figure, section)
        rows += [result] if isinstance(result, Row) else result
    if rss is not None:
        rows.append(polling.rss_row(rss, at_paint))
    for figure, section in (
        ("RSS growth over polls", lambda: growth.measure(polls)),
        ("vm-tui --help / list --json", lambda: cli_start.measure(reps)),
        # Costs that must not grow with the work (issue 14).
        ("cursor resting on three 90-minute recordings", lambda: recordings.resting(reps)),
        ("Enter on a 3-hour recording vs a 30-second one", lambda: recordings.tui_play(reps)),
        ("`vm-tui play` of a 3-hour recording", lambda: recordings.cli_play(reps)),
        ("peak RSS playing a 5-minute voicemail", recordings.playing_rss),
        ("cursor move onto a huge transcription", lambda: transcriptions.cursor_rows(reps)),
        # Twice the rounds, as for the start-up rows: its figure is a difference of four
        # start-up times, and over 5 rounds the same code read -96 ms to +82 ms.
        ("first paint with a huge transcription", lambda: transcriptions.paint_rows(2 * reps)),
        ("M on 3,000 unlistened voicemails", bulk.measure),
    ):
        result = _attempt(figure, section)
        rows += [result] if isinstance(result, Row) else result
    return rows


def run_soak(count: int, polls: int) -> list[Row]:
    def soak() -> list[Row]:
        result = growth.run_churn(count, polls, vary=True, timeout=max(600, polls * 3))
        return growth.flat_rows(result, count, "soak: random new/changed/deleted, cursor moves")

    result = _attempt("soak", soak)
    return [result] if isinstance(result, Row) else result
