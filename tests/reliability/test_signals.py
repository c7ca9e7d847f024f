"""SIGTERM, SIGHUP and SIGINT sent to the real TUI (in a pseudo-terminal) behave like ``q``: a
delete inside its undo window is committed (sent, or queued in the journal), the process exits
at once with 128 + the signal, and the terminal is left as it was found. A second signal does
not wait for the server. Also the CLI: ``play`` stops as with Ctrl-C."""

from __future__ import annotations

import os
import pty
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.cli_helpers import api_requests, cli_env, finish, ready_voicemail, start
from tests.cli.test_cli_play import _fake_device_command, _wait_for
from tests.reliability.processes import ESCAPES, PtyTui, state_folder, tui_env
from vm_tui.application.signals import terminal_gone
from vm_tui.demo import DemoServer, Fault
from vm_tui.local.outbox_journal import OutboxJournal

# What Textual draws the inbox with, and what undoes it.
ALT_SCREEN_ON, ALT_SCREEN_OFF = b"\x1b[?1049h", b"\x1b[?1049l"
CURSOR_HIDDEN, CURSOR_SHOWN = b"\x1b[?25l", b"\x1b[?25h"
MOUSE_MODES = (b"1000", b"1003", b"1006")


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(new_every=None, fill_in_after=None) as demo:
        yield demo


def deletes(server: DemoServer) -> list[str]:
    return [path for method, path, _ in api_requests(server, "DELETE")]


def start_and_delete_one(server: DemoServer, home: Path) -> tuple[PtyTui, str]:
    """The inbox on a terminal, the first voicemail deleted (its undo window just opened)."""
    tui = PtyTui(tui_env(server, home))
    tui.wait_for(b"\x1b]2;vm-tui (")  # the window title with the unread count: the inbox is in
    first = server.voicemails()[0]["id"]  # newest first, as the list shows them
    tui.press(b"d")
    tui.wait_for(b"pending")  # the header counts the delete waiting in its undo window
    assert deletes(server) == []  # not sent yet: the signal comes inside the undo window
    return tui, first


def assert_terminal_restored(output: bytes) -> None:
    assert output.rfind(ALT_SCREEN_OFF) > output.rfind(ALT_SCREEN_ON) >= 0
    assert output.rfind(CURSOR_SHOWN) > output.rfind(CURSOR_HIDDEN)
    for mode in MOUSE_MODES:
        on, off = b"\x1b[?" + mode + b"h", b"\x1b[?" + mode + b"l"
        assert output.rfind(off) > output.rfind(on) >= 0, mode
    # Nothing is drawn after the alternate screen is left: only the sequences that restore.
    after = output[output.rfind(ALT_SCREEN_OFF) :]
    assert ESCAPES.sub(b"", after).strip() == b"", after


@pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda s: s.name
)
def test_a_signal_commits_the_delete_and_restores_the_terminal(
    server: DemoServer, tmp_path: Path, signum: signal.Signals
) -> None:
    tui, victim = start_and_delete_one(server, tmp_path)
    with tui:
        if signum == signal.SIGHUP:
            tui.hang_up()  # the terminal goes first, as when its window is closed
        sent = time.monotonic()
        tui.proc.send_signal(signum)
        status = tui.finish()
        took = time.monotonic() - sent

    assert status == 128 + signum  # an exit of its own, not killed by the signal
    assert took < 5
    assert deletes(server) == [f"/api/v1/voicemails/{victim}"]
    assert victim not in [vm["id"] for vm in server.voicemails()]
    assert OutboxJournal(state_folder(tmp_path) / "outbox.jsonl").live() == []
    output = bytes(tui.output)
    assert b"Traceback" not in output
    if signum != signal.SIGHUP:  # (a closed terminal shows nothing more)
        assert_terminal_restored(output)


@pytest.mark.parametrize("quit_by", ["signal", "q"])
def test_a_second_signal_does_not_wait_for_the_server(
    server: DemoServer, tmp_path: Path, quit_by: str
) -> None:
    """Quitting (by a signal or by q) gives the outbox 5 s; a signal during them ends it."""
    tui, victim = start_and_delete_one(server, tmp_path)
    server.inject(Fault.status(503), times=10_000)  # the server is down: the flush would wait
    with tui:
        if quit_by == "q":
            tui.press(b"q")
            tui.read_for(0.3)
        tui.proc.send_signal(signal.SIGTERM)
        tui.read_for(0.5)  # the outbox is being given its 5 s now
        assert tui.proc.poll() is None
        sent = time.monotonic()
        tui.proc.send_signal(signal.SIGTERM)
        status = tui.finish()
        took = time.monotonic() - sent

    assert status == 128 + signal.SIGTERM
    assert took < 2  # not the 5 s the outbox would be given
    (queued,) = OutboxJournal(state_folder(tmp_path) / "outbox.jsonl").live()
    assert (queued.kind, queued.voicemail_id) == ("delete", victim)  # kept for the next start
    assert victim in [vm["id"] for vm in server.voicemails()]
    assert b"Traceback" not in tui.output
    assert_terminal_restored(bytes(tui.output))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_play_stops_on_sigterm_and_sighup_as_on_ctrl_c(
    server: DemoServer, tmp_path: Path, signum: signal.Signals
) -> None:
    vm_id = ready_voicemail(server)
    log = tmp_path / "device.log"
    proc = start(_fake_device_command(log, 60, "play", vm_id), cli_env(server))
    try:
        _wait_for(log, "playing")
        proc.send_signal(signum)
        result = finish(proc, [server.api_key])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    assert result.code == 128 + signum
    assert result.err.strip() == b""  # no traceback, nothing but the exit status
    assert log.read_text().splitlines() == ["playing", "stopped"]  # the sound was stopped
    assert api_requests(server, "PATCH") == []  # not heard to the end: nothing marked


def test_a_hung_up_terminal_is_told_from_a_live_one_and_from_no_terminal() -> None:
    master, slave = pty.openpty()
    try:
        assert not terminal_gone(slave)
        os.close(master)  # the window is closed
        master = -1
        assert terminal_gone(slave)
    finally:
        os.close(slave)
        if master >= 0:
            os.close(master)
    read_end, write_end = os.pipe()
    try:
        assert not terminal_gone(read_end)  # never was a terminal: nothing to leave
    finally:
        os.close(read_end)
        os.close(write_end)
