"""Text written by strangers (callers, transcriptions) never reaches the terminal raw."""

from __future__ import annotations

import json

from tests.cli.cli_helpers import cli_env, finish, run_cli, start
from tests.cli.cli_helpers import command as cli_command
from vm_tui.demo import DemoServer

# OSC 52 (writes the clipboard), BEL, Rich/Textual markup and a right-to-left override.
HOSTILE_TRANSCRIPTION = "\x1b]52;c;aGk=\x07[bold]x[/bold]\u202e"
HOSTILE_CALLER = "+1\x1b[31m555\x9b2J\u2066"
FORBIDDEN = (b"\x1b", b"\x07", "\u202e".encode(), "\u2066".encode(), "\x9b".encode())


def _no_raw_controls(raw: bytes) -> None:
    for bad in FORBIDDEN:
        assert bad not in raw, f"{bad!r} reached the terminal"


def test_hostile_text_is_neutralised_and_json_keeps_it_exact(server: DemoServer) -> None:
    vm = server.add_voicemail(caller=HOSTILE_CALLER, transcription=HOSTILE_TRANSCRIPTION)
    env = cli_env(server)
    procs = [
        start(cli_command(*args), env)
        for args in (
            ["list"],
            ["show", vm["id"]],
            ["list", "--json"],
            ["show", vm["id"], "--json"],
        )
    ]
    table, details, list_json, show_json = (finish(p, [server.api_key]) for p in procs)

    for result in (table, details, list_json, show_json):
        assert result.code == 0, result.stderr
        _no_raw_controls(result.out)
        _no_raw_controls(result.err)
    # Shown as the literal text it is, without the controls.
    assert "[bold]x[/bold]" in table.stdout
    assert "[bold]x[/bold]" in details.stdout
    assert "From:      +1555" in details.stdout  # whole escape sequences are gone
    # --json escapes instead (pure ASCII output) and round-trips the exact strings.
    assert list_json.out.isascii() and show_json.out.isascii()
    listed = json.loads(list_json.out)["voicemails"][0]
    shown = json.loads(show_json.out)
    for data in (listed, shown):
        assert data["id"] == vm["id"]
        assert data["transcription"] == HOSTILE_TRANSCRIPTION
        assert data["from"] == HOSTILE_CALLER


def test_multiline_transcription_stays_on_its_row(server: DemoServer) -> None:
    server.add_voicemail(transcription="first line\r\nsecond line\rthird\u2028fourth")

    result = run_cli("list", env=cli_env(server))

    assert result.code == 0, result.stderr
    rows = result.stdout.splitlines()
    assert "first line second line third fourth" in rows[1]
    assert "\r" not in result.stdout
    assert len(rows) == 1 + len(server.voicemails()) + 2  # header, rows, blank, summary
