"""Contacts in the inbox, the new-voicemail command, the remembered theme."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.ui.conftest import MakeApp, loaded, next_poll, screen_text, wait_for_notice, wait_until
from vm_tui.contacts import Contacts
from vm_tui.demo import DemoServer
from vm_tui.local.config import Settings
from vm_tui.ui.screens.pickers import AskText
from vm_tui.ui.widgets.voicemail_list import VoicemailList


async def test_contact_names_show_in_list_detail_and_toasts(
    make_app: MakeApp, fixed_server: DemoServer, tmp_path: Path
) -> None:
    contacts = Contacts.load(tmp_path / "contacts.toml")
    first = fixed_server.voicemails()[0]
    contacts.add(first["from"], "Dana [bold]Acme[/bold]")
    app = make_app(contacts=contacts)
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        text = screen_text(app)
        assert "Dana [bold]Acme[/bold]" in text  # the detail pane
        assert text.count("Dana [bold]Acm") >= 2  # and the row (cut to its column)
        contacts.add("+14155550123", "New Caller Inc")
        fixed_server.add_voicemail(caller="+14155550123")
        await next_poll(pilot)
        await wait_for_notice(pilot, "From New Caller Inc")
        # The search finds callers by contact name too.
        await pilot.press("slash", *"caller inc")
        assert len(app.query_one(VoicemailList).ids) == 1


async def test_c_names_the_selected_caller(
    make_app: MakeApp, fixed_server: DemoServer, tmp_path: Path
) -> None:
    path = tmp_path / "contacts.toml"
    app = make_app(contacts=Contacts.load(path))
    second = fixed_server.voicemails()[1]
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("j", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, AskText))
        await pilot.press(*"Sam Support", "enter")
        await wait_for_notice(pilot, "Saved Sam Support")
        assert "Sam Support" in screen_text(app)
    assert Contacts.load(path).name_for(second["from"]) == "Sam Support"


async def test_notification_command_gets_hostile_text_as_data(
    make_app: MakeApp, fixed_server: DemoServer, tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    dump = tmp_path / "dump.json"
    script = (
        "import json, os, sys; json.dump({'argv': sys.argv[1:], 'env': "
        "{k: v for k, v in os.environ.items() if k.startswith('VM_TUI_')}}, open(sys.argv[1], 'w'))"
    )
    command = (sys.executable, "-c", script, str(dump), "{caller}", "{transcription}")
    app = make_app(settings=Settings(poll_interval=60, notify_command=command))
    hostile = f"$(touch {marker}); `touch {marker}` ' \" \x1b]2;x\x07"
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        assert not dump.exists()  # not for the voicemails already there
        fixed_server.add_voicemail(caller="+14155550123", transcription=hostile)
        await next_poll(pilot)
        await wait_until(pilot, dump.exists, what="the command ran")
        await pilot.pause(0.2)
    data = json.loads(dump.read_text())
    assert data["argv"][1] == "+14155550123"
    assert data["argv"][2].startswith(f"$(touch {marker}); `touch {marker}` ' \"")
    assert "\x1b" not in data["argv"][2] and "\x1b" not in data["env"]["VM_TUI_TRANSCRIPTION"]
    assert data["env"]["VM_TUI_CALLER"] == "+14155550123"
    assert not marker.exists()  # no shell ever saw it


async def test_a_failing_notification_command_is_reported(
    make_app: MakeApp, fixed_server: DemoServer
) -> None:
    app = make_app(settings=Settings(poll_interval=60, notify_command=("/nonexistent/notify",)))
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        fixed_server.add_voicemail()
        await next_poll(pilot)
        await wait_for_notice(pilot, "notification command failed")
        assert app.is_running


async def test_theme_from_settings_and_remembered(make_app: MakeApp) -> None:
    remembered: list[str] = []
    app = make_app(
        settings=Settings(poll_interval=60, theme="nord"), remember_theme=remembered.append
    )
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        assert app.theme == "nord"
        assert remembered == []  # applying the configured theme is not a new choice
        app.theme = "gruvbox"
        await pilot.pause()
        assert remembered == ["gruvbox"]


async def test_unknown_theme_is_a_warning(make_app: MakeApp) -> None:
    app = make_app(settings=Settings(poll_interval=60, theme="no-such-theme"))
    async with app.run_test(size=(140, 36), notifications=True) as pilot:
        await loaded(pilot)
        await wait_for_notice(pilot, "Unknown theme")
