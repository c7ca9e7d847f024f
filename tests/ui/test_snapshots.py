"""A few pictures of the inbox: fixed size, frozen clock, seeded demo data.

Regenerate after an intended visual change: ``pytest tests/ui/test_snapshots.py --snapshot-update``
and look at the SVGs in ``__snapshots__`` before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.ui.conftest import DEMO_START, MakeApp, loaded
from vm_tui.contacts import Contacts
from vm_tui.demo import DemoServer
from vm_tui.demo.model import Line

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


def _long_texts(server: DemoServer, tmp_path: Path) -> Contacts:
    """A caller with a long contact name on a line with a long name, saying a lot: every
    column of that row has to be cut, each with its "…"."""
    line = Line(
        "0193f4a9-7c34-7c00-9e3d-2b2b8a7f1c09",
        "Customer Success and Renewals EMEA",
        "+442079460000",
        "+44 20 7946 0000",
    )
    server.add_voicemail(
        id="0193f4cb-7777-7c00-9e3d-2b2b8a7f1c33",
        caller="+14155550123",
        line=line,
        created_at=DEMO_START + timedelta(seconds=30),
        transcription=(
            "Hello, this is Bartholomew from the accounts payable department at Featherstone "
            "Logistics, calling about the purchase order we discussed on Tuesday afternoon."
        ),
    )
    contacts = Contacts.load(tmp_path / "contacts.toml")
    contacts.add("+14155550123", "Bartholomew Featherstonehaugh (Featherstone Logistics)")
    return contacts


def test_list_ellipses_at_80_columns(
    snap_compare: SnapCompare, make_app: MakeApp, fixed_server: DemoServer, tmp_path: Path
) -> None:
    """Every column shown; the line column at its cap."""
    contacts = _long_texts(fixed_server, tmp_path)
    assert snap_compare(make_app(contacts=contacts), terminal_size=(80, 24), run_before=_loaded)


def test_list_ellipses_at_60_columns(
    snap_compare: SnapCompare, make_app: MakeApp, fixed_server: DemoServer, tmp_path: Path
) -> None:
    """Too narrow for them all: the duration and the line columns are gone, the preview stays."""
    contacts = _long_texts(fixed_server, tmp_path)
    assert snap_compare(make_app(contacts=contacts), terminal_size=(60, 24), run_before=_loaded)
