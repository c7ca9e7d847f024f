"""`mark` and `delete`: the server's state changes, and delete never happens by accident."""

from __future__ import annotations

import os
import pty

import pytest

from tests.cli.cli_helpers import api_requests, cli_env, command, finish, run_cli, start
from vm_tui.demo import DemoServer


def _state(server: DemoServer, vm_id: str) -> dict[str, object] | None:
    return next((vm for vm in server.voicemails() if vm["id"] == vm_id), None)


def test_mark_listened_then_unlistened(server: DemoServer) -> None:
    env = cli_env(server)
    vm_id = next(vm["id"] for vm in server.voicemails() if vm["listened_at"] is None)
    before = server.unlistened_count()

    listened = run_cli("mark", vm_id, "--listened", env=env)

    assert listened.code == 0, listened.stderr
    assert listened.err_lines == [f"Marked {vm_id} listened."]
    state = _state(server, vm_id)
    assert state is not None and state["listened_at"] is not None
    assert server.unlistened_count() == before - 1
    assert api_requests(server, "PATCH") == [
        ("PATCH", f"/api/v1/voicemails/{vm_id}", b"listened=true")
    ]
    patch = next(r for r in server.requests if r.method == "PATCH")
    assert patch.headers["content-type"].startswith("application/x-www-form-urlencoded")

    server.clear_requests()
    unlistened = run_cli("mark", vm_id, "--unlistened", env=env)

    assert unlistened.code == 0, unlistened.stderr
    assert unlistened.err_lines == [f"Marked {vm_id} unlistened."]
    state = _state(server, vm_id)
    assert state is not None and state["listened_at"] is None
    assert api_requests(server, "PATCH") == [
        ("PATCH", f"/api/v1/voicemails/{vm_id}", b"listened=false")
    ]


def test_mark_needs_a_state(server: DemoServer) -> None:
    result = run_cli("mark", server.voicemails()[0]["id"], env=cli_env(server))
    assert result.code == 2
    assert "--listened" in result.stderr
    assert server.requests == []


def test_delete_with_yes(server: DemoServer) -> None:
    vm_id = server.voicemails()[0]["id"]

    result = run_cli("delete", vm_id, "--yes", env=cli_env(server))

    assert result.code == 0, result.stderr
    assert result.err_lines == [f"Deleted {vm_id}."]
    assert _state(server, vm_id) is None
    assert api_requests(server) == [("DELETE", f"/api/v1/voicemails/{vm_id}", b"")]


def test_delete_without_yes_off_a_terminal_refuses(server: DemoServer) -> None:
    vm_id = server.voicemails()[0]["id"]

    result = run_cli("delete", vm_id, env=cli_env(server))  # stdin is /dev/null

    assert result.code == 2
    assert "--yes" in result.one_error_line()
    assert _state(server, vm_id) is not None
    assert server.requests == []


@pytest.mark.parametrize(("answer", "deleted"), [(b"y\n", True), (b"n\n", False), (b"\n", False)])
def test_delete_on_a_terminal_asks(server: DemoServer, answer: bytes, deleted: bool) -> None:
    vm = server.voicemails()[0]
    master, slave = pty.openpty()
    try:
        proc = start(command("delete", vm["id"]), cli_env(server), stdin=slave)
        os.close(slave)
        os.write(master, answer)  # the terminal holds the line until the prompt reads it
        result = finish(proc, [server.api_key])
    finally:
        os.close(master)

    # The answer's newline is echoed by the terminal (stdin), not written to stderr.
    prompt, _, after = result.stderr.partition("[y/N]: ")
    assert prompt.startswith(f"Delete the voicemail from {vm['from'][:2]}")
    assert prompt.endswith("permanently? ")
    if deleted:
        assert result.code == 0, result.stderr
        assert after == f"Deleted {vm['id']}.\n"
        assert _state(server, vm["id"]) is None
    else:
        assert result.code == 1
        assert after == "vm-tui: not deleted\n"
        assert _state(server, vm["id"]) is not None
        assert api_requests(server, "DELETE") == []


def test_delete_of_an_unknown_id_on_a_terminal_fails_before_asking(server: DemoServer) -> None:
    master, slave = pty.openpty()
    try:
        proc = start(command("delete", "no-such-voicemail"), cli_env(server), stdin=slave)
        os.close(slave)
        result = finish(proc, [server.api_key])
    finally:
        os.close(master)

    assert result.code == 4
    assert "not found" in result.one_error_line().lower()
    assert api_requests(server, "DELETE") == []
