"""`list`, `show`, `--version`, `--help`: end to end in subprocesses against the demo server."""

from __future__ import annotations

import json
import sys

from tests.cli.cli_helpers import cli_env, finish, run_cli, start
from vm_tui import __version__
from vm_tui.demo import DemoServer

CANONICAL_FIELDS = {
    "id",
    "from",
    "created_at",
    "listened",
    "listened_at",
    "transcription",
    "main_number_id",
    "main_number_name",
    "main_number",
    "main_number_formatted",
    "recording_ready",
    "caller_name",  # from the local contacts; null when the number is not in them
}


def test_list_json_has_every_voicemail_with_canonical_fields(shared_server: DemoServer) -> None:
    result = run_cli("list", "--json", env=cli_env(shared_server))

    assert result.code == 0, result.stderr
    assert result.err == b""
    data = json.loads(result.out)
    expected = shared_server.voicemails()
    assert data["unlistened_count"] == shared_server.unlistened_count()
    assert [vm["id"] for vm in data["voicemails"]] == [vm["id"] for vm in expected]
    for got, want in zip(data["voicemails"], expected, strict=True):
        assert set(got) == CANONICAL_FIELDS
        assert got["from"] == want["from"]
        assert got["transcription"] == want["transcription"]
        assert got["created_at"] == want["created_at"]
        assert got["listened_at"] == want["listened_at"]
        assert got["listened"] is (want["listened_at"] is not None)
        assert got["recording_ready"] is (want["recording_url"] is not None)
        assert got["main_number"] == want["main_number"]
        assert got["main_number_formatted"] == want["main_number_formatted"]
        assert got["main_number_name"] == want["main_number_name"]
        assert got["main_number_id"] == want["main_number_id"]


def test_list_unlistened_filters_both_outputs(shared_server: DemoServer) -> None:
    env = cli_env(shared_server)
    unlistened = [vm["id"] for vm in shared_server.voicemails() if vm["listened_at"] is None]
    listened = [vm["id"] for vm in shared_server.voicemails() if vm["listened_at"] is not None]
    assert unlistened and listened

    as_json = run_cli("list", "--json", "--unlistened", env=env)
    table = run_cli("list", "--unlistened", env=env)

    assert as_json.code == 0 and table.code == 0
    assert [vm["id"] for vm in json.loads(as_json.out)["voicemails"]] == unlistened
    assert all(vm_id in table.stdout for vm_id in unlistened)
    assert not any(vm_id in table.stdout for vm_id in listened)


def test_list_table_is_readable(shared_server: DemoServer) -> None:
    result = run_cli("list", env=cli_env(shared_server))

    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "RECEIVED", "FROM", "LINE", "TRANSCRIPTION"]
    voicemails = shared_server.voicemails()
    rows = lines[1 : 1 + len(voicemails)]
    for row, vm in zip(rows, voicemails, strict=True):
        assert vm["id"] in row
        assert row.startswith("●" if vm["listened_at"] is None else " ")
        assert vm["main_number_name"] in row
        if vm["transcription"]:
            # The line name and the transcription are separate columns.
            assert f"{vm['main_number_name']}  " in row
            assert vm["transcription"][:30] in row
    unlistened = shared_server.unlistened_count()
    assert lines[-1] == f"{len(voicemails)} shown, {unlistened} unlistened in the company"


def test_show_json_and_text(shared_server: DemoServer) -> None:
    env = cli_env(shared_server)
    vm = next(v for v in shared_server.voicemails() if v["transcription"])

    as_json = run_cli("show", vm["id"], "--json", env=env)
    text = run_cli("show", vm["id"], env=env)

    assert as_json.code == 0, as_json.stderr
    data = json.loads(as_json.out)
    assert set(data) == CANONICAL_FIELDS
    assert data["id"] == vm["id"]
    assert data["transcription"] == vm["transcription"]
    # Retrieve spells it main_number_number; the CLI's JSON keeps one canonical name.
    assert data["main_number"] == vm["main_number"]
    assert data["main_number_formatted"] == vm["main_number_formatted"]
    assert text.code == 0, text.stderr
    assert f"ID:        {vm['id']}" in text.stdout
    assert vm["transcription"] in text.stdout
    assert vm["main_number_formatted"] in text.stdout


def test_version() -> None:
    result = run_cli("--version", env=cli_env())
    assert result.code == 0
    assert result.stdout.strip() == f"vm-tui, version {__version__}"


# Runs vm_tui's CLI, then reports from an atexit hook whether Textual was ever imported.
_TEXTUAL_PROBE = """
import atexit, sys
atexit.register(lambda: print("TEXTUAL-LOADED" if "textual" in sys.modules else "NO-TEXTUAL",
                              file=sys.stderr))
sys.argv = ["vm-tui", *sys.argv[1:]]
from vm_tui.cli import main
main()
"""


def test_help_and_list_json_do_not_import_textual(shared_server: DemoServer) -> None:
    env = cli_env(shared_server)
    probes = [
        start([sys.executable, "-c", _TEXTUAL_PROBE, *args], env)
        for args in (["--help"], ["list", "--json"], ["play", "--help"])
    ]
    help_, listing, play_help = (finish(p, [shared_server.api_key]) for p in probes)

    for result in (help_, listing, play_help):
        assert result.code == 0, result.stderr
        assert result.err_lines[-1] == "NO-TEXTUAL"
    assert help_.stdout.startswith("Usage: vm-tui")
    for name in ("list", "show", "mark", "delete", "download", "play", "demo-server"):
        assert name in help_.stdout
    assert json.loads(listing.out)["voicemails"]
    assert "--no-mark" in play_help.stdout


def test_the_probe_does_see_textual(shared_server: DemoServer) -> None:
    # Keeps the test above honest: the same probe reports Textual when it is imported.
    probe = _TEXTUAL_PROBE.replace("import atexit, sys", "import atexit, sys, textual")
    result = finish(start([sys.executable, "-c", probe, "--version"], cli_env()))
    assert result.err_lines[-1] == "TEXTUAL-LOADED"


def test_list_decodes_a_big_inbox_in_one_call(streamed_decodes: list[str]) -> None:
    """The command's loop has nothing else to run: decoding element by element in a thread, as
    the app's polls do to keep the screen moving, only made it slower."""
    with DemoServer(count=400, new_every=None, fill_in_after=None) as server:
        result = run_cli("list", "--json", env=cli_env(server))
    assert result.code == 0, result.stderr
    assert len(json.loads(result.out)["voicemails"]) == 400
    assert streamed_decodes == []
