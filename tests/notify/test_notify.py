"""The notification command gets hostile text as literal data: no shell, no splitting."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import pytest

from vm_tui.desktop.notify import NotifyError, expand_argv, notification_env, run_notify_command

# A command that records exactly what it received: its argv and its VM_TUI_* environment.
DUMP = (
    "import json, os, sys\n"
    "env = {k: v for k, v in os.environ.items() if k.startswith(('VM_TUI_', 'PHONE_INC_'))}\n"
    "json.dump({'argv': sys.argv[1:], 'env': env}, open(os.environ['DUMP_TO'], 'w'))\n"
)

HOSTILE = [
    "$(touch {marker})",
    "`touch {marker}`",
    "; touch {marker}; rm -rf /nonexistent-vm-tui-test",
    "' \" && touch {marker} #",
    "line one\nline two | touch {marker}",
    "\x1b]0;pwned\x07\x1b[2Jred\x1b[0m",
    "{line} {caller_name} {transcription}",
    "-rf --help",
    "*",
]


def dump_command(extra: list[str]) -> list[str]:
    return [sys.executable, "-c", DUMP, *extra]


@pytest.fixture
def dump(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "dump.json"
    monkeypatch.setenv("DUMP_TO", str(target))
    return target


@pytest.mark.parametrize("template", HOSTILE)
async def test_hostile_text_arrives_literally(tmp_path: Path, dump: Path, template: str) -> None:
    marker = tmp_path / "marker"
    text = template.replace("{marker}", str(marker))
    await run_notify_command(
        dump_command(["{caller}", "From {caller_name}: {transcription}", "{line}", "{nope}"]),
        caller=text,
        caller_name=text,
        line=text,
        transcription=text,
    )
    received = json.loads(dump.read_text())
    cleaned = text.replace("\x1b]0;pwned\x07", "").replace("\x1b[2J", "").replace("\x1b[0m", "")
    assert received["argv"] == [cleaned, f"From {cleaned}: {cleaned}", cleaned, "{nope}"]
    assert received["env"] == {
        "VM_TUI_CALLER": cleaned,
        "VM_TUI_CALLER_NAME": cleaned,
        "VM_TUI_LINE": cleaned,
        "VM_TUI_TRANSCRIPTION": cleaned,
    }
    assert not marker.exists()


async def test_the_program_itself_is_never_substituted(tmp_path: Path) -> None:
    with pytest.raises(NotifyError, match="not found"):
        await run_notify_command(
            ["{caller}"], caller=sys.executable, caller_name=None, line="", transcription=None
        )


async def test_none_values_are_empty_and_the_api_key_stays_home(
    dump: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHONE_INC_API_KEY", "phk_SecretSecretSecretSecretSecr")
    await run_notify_command(
        dump_command(["{caller_name}", "{transcription}"]),
        caller="+14155551234",
        caller_name=None,
        line="Sales +1 415-555-0000",
        transcription=None,
    )
    received = json.loads(dump.read_text())
    assert received["argv"] == ["", ""]
    assert received["env"] == {
        "VM_TUI_CALLER": "+14155551234",
        "VM_TUI_CALLER_NAME": "",
        "VM_TUI_LINE": "Sales +1 415-555-0000",
        "VM_TUI_TRANSCRIPTION": "",
    }


def test_notification_env_cleans_controls_and_keeps_newlines() -> None:
    env = notification_env("+1\x00555", "Da\x1b[31mna", "Sales\u202e", "hi\nthere\x07")
    assert env == {
        "VM_TUI_CALLER": "+1555",
        "VM_TUI_CALLER_NAME": "Dana",
        "VM_TUI_LINE": "Sales",
        "VM_TUI_TRANSCRIPTION": "hi\nthere",
    }


def test_expand_argv_is_one_pass_and_keeps_arguments_whole() -> None:
    values = {"caller": "{line}", "caller_name": "a b", "line": "L", "transcription": "x;y"}
    assert expand_argv(["{caller}", "{caller}", "{caller_name}", "pre-{line}-post"], values) == [
        "{caller}",
        "{line}",
        "a b",
        "pre-L-post",
    ]


async def test_missing_command() -> None:
    with pytest.raises(NotifyError) as caught:
        await run_notify_command(
            ["vm-tui-no-such-notifier", "x"],
            caller="+1",
            caller_name=None,
            line="",
            transcription=None,
        )
    assert str(caught.value) == "notification command not found: vm-tui-no-such-notifier"


async def test_not_executable(tmp_path: Path) -> None:
    script = tmp_path / "notify.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o644)
    with pytest.raises(NotifyError, match="not executable"):
        await run_notify_command(
            [str(script)], caller="+1", caller_name=None, line="", transcription=None
        )


@pytest.mark.parametrize("argv", [[], [""], ["  "]])
async def test_empty_command(argv: list[str]) -> None:
    with pytest.raises(NotifyError, match="empty"):
        await run_notify_command(argv, caller="+1", caller_name=None, line="", transcription=None)


async def test_failing_command() -> None:
    with pytest.raises(NotifyError, match=r"failed \(exit status 3\)"):
        await run_notify_command(
            [sys.executable, "-c", "import sys; sys.exit(3)"],
            caller="+1",
            caller_name=None,
            line="",
            transcription=None,
        )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is dead for our purposes.
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return status != "Z"


async def test_timeout_kills_the_command_and_its_children(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    script = (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
        "time.sleep(60)\n"
    )
    started = time.monotonic()
    with pytest.raises(NotifyError, match=r"longer than 0.5 s and was stopped"):
        await run_notify_command(
            [sys.executable, "-c", script],
            caller="+1",
            caller_name=None,
            line="",
            transcription=None,
            timeout=0.5,
        )
    assert time.monotonic() - started < 10
    parent, child = (int(p) for p in pids.read_text().split())
    for _ in range(50):
        if not _alive(parent) and not _alive(child):
            break
        await asyncio.sleep(0.1)
    assert not _alive(parent)
    assert not _alive(child)


async def test_cancelling_stops_the_command(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    script = f"import os, time; open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    task = asyncio.create_task(
        run_notify_command(
            [sys.executable, "-c", script],
            caller="+1",
            caller_name=None,
            line="",
            transcription=None,
        )
    )
    for _ in range(100):
        if pidfile.exists() and pidfile.read_text():
            break
        await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    pid = int(pidfile.read_text())
    for _ in range(50):
        if not _alive(pid):
            break
        await asyncio.sleep(0.1)
    assert not _alive(pid)


async def test_output_does_not_reach_our_terminal(capfd: pytest.CaptureFixture[str]) -> None:
    await run_notify_command(
        [sys.executable, "-c", "import sys; print('out'); print('err', file=sys.stderr)"],
        caller="+1",
        caller_name=None,
        line="",
        transcription=None,
    )
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
