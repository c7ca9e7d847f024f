"""C calls the selected caller back: the configured command gets the number as one argument,
hostile text stays data, and a withheld number or a missing handler says so in a toast."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.desktop.call_helpers import recorder
from tests.ui.conftest import DEMO_START, MakeApp, loaded, next_poll, wait_for_notice, wait_until
from vm_tui.contacts import Contacts
from vm_tui.demo import DemoServer
from vm_tui.local.config import Settings
from vm_tui.text.safe import one_line


async def test_c_runs_the_call_command_with_hostile_text_as_data(
    make_app: MakeApp, fixed_server: DemoServer, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    dump = tmp_path / "argv.json"
    hostile_name = f"Dana $(touch {marker}); `touch {marker}` ' \" {{number}}\nsecond line"
    hostile_words = f"Call me back; touch {marker} {{name}} $(touch {marker})\n--help"
    vm = fixed_server.add_voicemail(
        caller="+14155550123",
        transcription=hostile_words,
        created_at=DEMO_START + timedelta(seconds=30),
    )
    contacts = Contacts.load(tmp_path / "contacts.toml")
    contacts.add("+14155550123", hostile_name)
    command = tuple(recorder(dump, "{number}", "{name}", "call {name} at {number}"))
    app = make_app(contacts=contacts, settings=Settings(poll_interval=60, call_command=command))
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        app.inbox.select(vm["id"])
        await pilot.press("C")
        await wait_for_notice(pilot, "Calling Dana $(touch", "+1 415-555-0123…")
        await wait_until(pilot, dump.exists, what="the call command ran")
    name = contacts.name_for("+14155550123")  # as the address book keeps it: one line
    assert name is not None and name.startswith(one_line(hostile_name)[:40])
    assert json.loads(dump.read_text())["argv"] == [
        "+14155550123",
        name,
        f"call {name} at +14155550123",
    ]
    assert not marker.exists()


async def test_c_on_a_withheld_number_says_so(
    make_app: MakeApp, fixed_server: DemoServer, tmp_path: Path
) -> None:
    dump = tmp_path / "argv.json"
    command = tuple(recorder(dump, "{number}"))
    app = make_app(settings=Settings(poll_interval=60, call_command=command))
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        vm = fixed_server.add_voicemail(caller="anonymous")  # more spellings: tests/desktop
        await next_poll(pilot)
        app.inbox.select(vm["id"])
        await pilot.press("C")
        await wait_for_notice(pilot, "Cannot call back: the caller withheld their number.")
        assert "Calling" not in "".join(n.message for n in app._notifications)
    assert not dump.exists()


async def test_c_without_a_handler_says_what_to_set(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no xdg-open (nor open) anywhere
    app = make_app()
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("C")
        text = await wait_for_notice(pilot, "Cannot call back: nothing here opens tel: links")
        assert "not found" in text and "call_command" in text


async def test_c_with_a_command_that_fails_says_so(make_app: MakeApp) -> None:
    command = ("vm-tui-no-such-softphone", "{number}")
    app = make_app(settings=Settings(poll_interval=60, call_command=command))
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("C")
        await wait_for_notice(pilot, "Calling")
        await wait_for_notice(pilot, "call command not found: vm-tui-no-such-softphone")
