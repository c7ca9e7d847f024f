"""Every error class: its exit code, ONE line on stderr, no traceback, and never the key."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.cli_helpers import cli_env, command, finish, run_cli, start
from vm_tui.cli import EXIT_AUTH, EXIT_NETWORK, EXIT_NOT_FOUND, EXIT_USAGE
from vm_tui.demo import DemoServer, Fault

# Well-formed (phk_ + 28 base58 characters) but not the server's key: no format warning.
WRONG_KEY = "phk_WrongKeyWrongKeyWrongKeyWron"


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A loopback port that refuses connections: bound (so nobody else takes it), not listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/api/v1"


def test_wrong_key_exits_3(server: DemoServer) -> None:
    assert len(WRONG_KEY) == 32
    result = run_cli("list", env=cli_env(server, key=WRONG_KEY))

    assert result.code == EXIT_AUTH
    line = result.one_error_line()
    assert "API key rejected" in line
    assert "PHONE_INC_API_KEY" in line
    assert result.out == b""


def test_no_key_at_all_exits_3_with_a_hint(server: DemoServer) -> None:
    result = run_cli("list", "--json", env=cli_env(server, key=""))

    assert result.code == EXIT_AUTH
    line = result.one_error_line()
    assert "no API key" in line
    assert "PHONE_INC_API_KEY" in line
    assert server.requests == []


def test_unusable_key_characters_exit_3_without_showing_it(server: DemoServer) -> None:
    key = "phk_Secret Key With Spaces ünicode"
    result = run_cli("list", env=cli_env(server, key=key))

    assert result.code == EXIT_AUTH
    assert "API key" in result.one_error_line()
    assert "Secret" not in result.stderr
    assert server.requests == []


def test_unknown_id_exits_4(shared_server: DemoServer) -> None:
    result = run_cli("show", "no-such-voicemail", env=cli_env(shared_server))

    assert result.code == EXIT_NOT_FOUND
    assert "not found" in result.one_error_line().lower()
    assert result.out == b""


@pytest.mark.parametrize(
    "args",
    [
        ["show", "../x"],
        ["show", "--json", "../x"],
        ["mark", "../x", "--listened"],
        ["delete", "../x", "--yes"],
        ["download", "../x", "-o", "unused.mp3"],
        ["play", "../x"],
        ["show", "a/b"],
        ["show", "x?api_key=1"],
    ],
)
def test_bad_id_exits_2_before_any_request(
    server: DemoServer, args: list[str], tmp_path: Path
) -> None:
    result = run_cli(*args, env=cli_env(server), cwd=tmp_path)

    assert result.code == EXIT_USAGE
    assert "invalid voicemail id" in result.one_error_line()
    assert server.requests == []
    assert list(tmp_path.iterdir()) == []


def test_network_and_server_errors_exit_5(server: DemoServer, refused_url: str) -> None:
    """Retried then reported; run side by side because each one waits out its backoff."""
    ids = [vm["id"] for vm in server.voicemails()[:3]]
    server.inject(Fault.status(500), times=10, path=f"/api/v1/voicemails/{ids[0]}")
    server.inject(Fault.html_502(), times=10, path=f"/api/v1/voicemails/{ids[1]}")
    server.inject(Fault.rate_limited(retry_after=0), times=10, path=f"/api/v1/voicemails/{ids[2]}")
    env = cli_env(server)
    refused_env = cli_env(server, PHONE_INC_BASE_URL=refused_url)
    procs = [
        start(command("show", ids[0]), env),
        start(command("show", ids[1]), env),
        start(command("show", ids[2]), env),
        start(command("list"), refused_env),
    ]
    err500, err502, err429, refused = (finish(p, [server.api_key]) for p in procs)

    for result in (err500, err502, err429, refused):
        assert result.code == EXIT_NETWORK, result.stderr
        assert result.out == b""
    assert "server error" in err500.one_error_line().lower()
    assert "not JSON" in err502.one_error_line()
    assert "rate limit" in err429.one_error_line().lower()
    assert "connection refused" in refused.one_error_line()
    # Each was retried before giving up.
    for vm_id in ids:
        assert sum(r.path.endswith(vm_id) for r in server.requests) > 1


def test_server_error_text_cannot_reach_the_terminal(server: DemoServer) -> None:
    vm_id = server.voicemails()[0]["id"]
    body = json.dumps({"error": "gone\x1b[2J\x1b]0;pwned\x07\u202eevil\nsecond line"}).encode()
    server.inject(Fault.status(404, body=body))

    result = run_cli("show", vm_id, env=cli_env(server))

    assert result.code == EXIT_NOT_FOUND
    line = result.one_error_line()  # the newline was folded
    assert "gone" in line and "second line" in line
    for raw in (b"\x1b", b"\x07", "\u202e".encode()):
        assert raw not in result.err


def test_api_key_flag_warns_and_works(server: DemoServer) -> None:
    result = run_cli("--api-key", server.api_key, "list", "--json", env=cli_env(server, key=""))

    assert result.code == 0, result.stderr
    assert len(result.err_lines) == 1
    assert "--api-key" in result.err_lines[0]
    assert "process list" in result.err_lines[0]
    assert json.loads(result.out)["voicemails"]


def test_api_key_flag_rejected_names_the_flag(server: DemoServer) -> None:
    result = run_cli("--api-key", WRONG_KEY, "show", "x", env=cli_env(server))

    assert result.code == EXIT_AUTH
    assert "process list" in result.err_lines[0]
    assert "--api-key" in result.err_lines[1]
    assert len(result.err_lines) == 2


def test_odd_key_format_warns_once_without_showing_it(server: DemoServer) -> None:
    result = run_cli("list", env=cli_env(server, key="not-a-phone-inc-key"))

    assert result.code == EXIT_AUTH
    assert len(result.err_lines) == 2
    assert "does not look like a Phone.inc key" in result.err_lines[0]
    assert "API key rejected" in result.err_lines[1]


def test_demo_flag_is_refused_for_scripting_commands(server: DemoServer) -> None:
    # `vm-tui --demo delete ...` must not quietly act on the real account from the environment.
    vm_id = server.voicemails()[0]["id"]
    result = run_cli("--demo", "delete", vm_id, "--yes", env=cli_env(server))

    assert result.code == EXIT_USAGE
    assert "--demo" in result.stderr
    assert server.requests == []


def test_plain_http_base_url_off_loopback_is_refused(server: DemoServer) -> None:
    # 0.0.0.0 is not loopback; were the check missing, port 1 on this host would refuse anyway.
    result = run_cli("--base-url", "http://0.0.0.0:1/api/v1", "list", env=cli_env(server))

    assert result.code == EXIT_USAGE
    assert "https" in result.one_error_line()


def test_unusable_key_is_reported_before_the_inbox_opens(server: DemoServer) -> None:
    result = run_cli(env=cli_env(server, key="phk_Secret Key ü"))  # no command: the TUI

    assert result.code == EXIT_AUTH
    assert "API key" in result.one_error_line()
    assert "Secret" not in result.stderr
    assert server.requests == []
