"""Calling back: the number is one argument, whatever strangers wrote stays data, and a
withheld number or a missing handler says so. Real child processes record what they got."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.desktop.call_helpers import alive, recorder, write_handler
from vm_tui.desktop.call import CallError, place_call, plan_call
from vm_tui.text.safe import one_line

NUMBER = "+14155550123"

HOSTILE = [
    "$(touch {marker})",
    "`touch {marker}`",
    "Dana; touch {marker}; echo",
    "' \" && touch {marker} #",
    "Dana\nsecond line | touch {marker}",
    "{number} {name} {caller}",
    "-rf --help",
    "\x1b]0;pwned\x07Dana\x1b[2J\x00",
    "*",
]


@pytest.mark.parametrize("template", HOSTILE)
async def test_the_number_is_one_argument_and_a_hostile_name_stays_data(
    tmp_path: Path, template: str
) -> None:
    marker = tmp_path / "marker"
    name = template.replace("{marker}", str(marker))
    dump = tmp_path / "argv.json"
    command = recorder(dump, "{number}", "{name}", "--label={name} on {number}")
    call = plan_call(NUMBER, name, command)
    await place_call(call)
    cleaned = one_line(name)
    assert json.loads(dump.read_text())["argv"] == [
        NUMBER,
        cleaned,
        f"--label={cleaned} on {NUMBER}",
    ]
    assert not marker.exists()


@pytest.mark.parametrize(
    "caller",
    [
        "+1 415 555 0123; touch {marker}",
        "+14155550123 $(touch {marker})",
        "+14155550123\n--evil",
        "tel:+14155550123;ext=$(touch {marker})",
    ],
)
async def test_a_hostile_caller_field_reaches_the_command_as_e164_or_not_at_all(
    tmp_path: Path, caller: str
) -> None:
    marker = tmp_path / "marker"
    dump = tmp_path / "argv.json"
    try:
        call = plan_call(caller.replace("{marker}", str(marker)), None, recorder(dump, "{number}"))
    except CallError as error:
        assert "not a phone number" in str(error)
        return
    await place_call(call)
    (number,) = json.loads(dump.read_text())["argv"]
    assert re.fullmatch(r"\+[0-9]{7,15}", number), number
    assert not marker.exists()


@pytest.mark.parametrize("caller", ["anonymous", "Private", "", "  ", "unknown", "RESTRICTED"])
def test_a_withheld_number_says_so(caller: str) -> None:
    with pytest.raises(CallError, match="withheld their number"):
        plan_call(caller, "Dana", ["true"])


@pytest.mark.parametrize("caller", ["12345", "+1", "0000000000000000000000"])
def test_something_that_is_not_a_number_says_so(caller: str) -> None:
    with pytest.raises(CallError, match="is not a phone number that can be called"):
        plan_call(caller, None, ["true"])


@pytest.mark.parametrize(("platform", "program"), [("linux", "xdg-open"), ("darwin", "open")])
def test_no_tel_handler_says_what_is_missing_and_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str, program: str
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no xdg-open, no open
    with pytest.raises(CallError) as caught:
        plan_call(NUMBER, None, None, platform=platform)
    message = str(caught.value)
    assert f"({program} not found)" in message
    assert "call_command" in message and "\n" not in message


async def test_without_a_command_the_desktop_handler_gets_the_tel_link_and_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dump = tmp_path / "argv.json"
    write_handler(tmp_path / "bin" / "xdg-open", dump)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("PHONE_INC_API_KEY", "phk_SecretSecretSecretSecretSecr")
    call = plan_call("+1 415-555-0123", "Dana", None, platform="linux")
    assert call.number == NUMBER
    await place_call(call)
    received = json.loads(dump.read_text())
    assert received["argv"] == [f"tel:{NUMBER}"]
    assert received["key"] is None


async def test_a_handler_that_fails_says_so_and_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_handler(tmp_path / "bin" / "xdg-open", tmp_path / "unused.json", exit_status=3)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(CallError) as caught:
        await place_call(plan_call(NUMBER, None, None, platform="linux"))
    assert "failed (exit status 3)" in str(caught.value)
    assert "call_command" in str(caught.value)


async def test_a_missing_call_command_says_which() -> None:
    with pytest.raises(CallError, match="call command not found: vm-tui-no-such-softphone"):
        await place_call(plan_call(NUMBER, None, ["vm-tui-no-such-softphone", "{number}"]))


async def test_a_failing_call_command_says_so() -> None:
    command = [sys.executable, "-c", "import sys; sys.exit(2)", "{number}"]
    with pytest.raises(CallError, match=r"failed \(exit status 2\)"):
        await place_call(plan_call(NUMBER, None, command))


async def test_a_softphone_still_running_is_left_running_and_reaped_when_it_ends(
    tmp_path: Path,
) -> None:
    """The call lives as long as the softphone's process: vm-tui (or `vm-tui call`, whose
    event loop ends at once) must not stop it, and must not leave a zombie behind."""
    pidfile, stop = tmp_path / "pid", tmp_path / "stop"
    script = (
        "import os, sys, time\n"
        "open(sys.argv[1], 'w').write(str(os.getpid()))\n"
        "while not os.path.exists(sys.argv[2]): time.sleep(0.02)\n"
    )
    call = plan_call(NUMBER, None, [sys.executable, "-c", script, str(pidfile), str(stop)])
    await place_call(call, settle=0.2)
    pid = int(pidfile.read_text())
    gc.collect()  # nothing of ours that is collected may take it down
    await asyncio.sleep(0.1)
    assert alive(pid), "the softphone was stopped"
    stop.touch()
    for _ in range(100):
        if not alive(pid) and not Path(f"/proc/{pid}").exists():
            break
        await asyncio.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), "the softphone's process was not reaped"


async def test_cancelling_while_it_starts_leaves_the_call_alone(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    script = f"import os, time; open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(3)"
    task = asyncio.create_task(place_call(plan_call(NUMBER, None, [sys.executable, "-c", script])))
    for _ in range(200):
        if pidfile.exists() and pidfile.read_text():
            break
        await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    pid = int(pidfile.read_text())
    await asyncio.sleep(0.2)
    assert alive(pid)
    os.kill(pid, 15)


def test_the_call_outlives_the_event_loop_and_the_process_that_placed_it(tmp_path: Path) -> None:
    """As ``vm-tui call`` does: ``asyncio.run(place_call(...))``, then the process exits. The
    softphone (a process that stays for the call) must still be running, without the key."""
    pidfile = tmp_path / "pid"
    softphone = (
        "import os, sys, time\n"
        "open(sys.argv[1], 'w').write(os.environ.get('PHONE_INC_API_KEY', str(os.getpid())))\n"
        "time.sleep(30)\n"
    )
    placer = (
        "import asyncio, sys\n"
        "from vm_tui.desktop.call import place_call, plan_call\n"
        "call = plan_call('+14155550123', None, sys.argv[1:])\n"
        "asyncio.run(place_call(call, settle=0.3))\n"
    )
    subprocess.run(
        [sys.executable, "-c", placer, sys.executable, "-c", softphone, str(pidfile)],
        check=True,
        timeout=30,
        env={**os.environ, "PHONE_INC_API_KEY": "phk_SecretSecretSecretSecretSecr"},
    )
    pid = int(pidfile.read_text())  # a pid, not the key
    try:
        assert alive(pid), "the call ended with the process that placed it"
    finally:
        os.kill(pid, 15)
