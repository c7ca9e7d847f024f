"""A few pictures of the inbox: fixed size, frozen clock, seeded demo data.

Regenerate after an intended visual change: ``pytest tests/ui/test_snapshots.py --snapshot-update``
and look at the SVGs in ``__snapshots__`` before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tests.ui.conftest import MakeApp, loaded

SnapCompare = Callable[..., bool]


async def _loaded(pilot: Pilot[Any]) -> None:
    await loaded(pilot)
    await pilot.pause(0.1)


def test_inbox_wide(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 30), run_before=_loaded)


def test_inbox_after_moving_down(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await _loaded(pilot)
        await pilot.press("j", "j", "j")
        await pilot.pause(0.1)

    assert snap_compare(make_app(), terminal_size=(120, 30), run_before=before)


def test_inbox_narrow(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_loaded)


def test_help_overlay(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    async def before(pilot: Pilot[Any]) -> None:
        await _loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause(0.1)

    assert snap_compare(make_app(), terminal_size=(100, 36), run_before=before)
