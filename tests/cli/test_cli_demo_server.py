"""`vm-tui demo-server`: prints where it listens and the demo key, serves, stops on Ctrl-C."""

from __future__ import annotations

import json
import re
import signal
import subprocess
from pathlib import Path

import httpx

from tests.cli.cli_helpers import cli_env, command, finish, run_cli, start
from vm_tui.demo import DemoServer


def _read_until(proc: subprocess.Popen[bytes], marker: str, limit: int = 20) -> list[str]:
    assert proc.stdout is not None
    lines: list[str] = []
    for _ in range(limit):
        line = proc.stdout.readline().decode()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if marker in line:
            return lines
    raise AssertionError(f"{marker!r} not printed; got {lines!r}")


def test_demo_server_prints_url_and_key_serves_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    proc = start(command("demo-server", "--port", "0", "--new-every", "0"), cli_env())
    try:
        lines = _read_until(proc, "Press Ctrl-C")
        url = re.search(r"(http://127\.0\.0\.1:\d+/api/v1)\b", lines[0])
        key = re.search(r"\b(phk_\w{28})\b", "\n".join(lines))
        assert url and key, lines
        base_url, api_key = url.group(1), key.group(1)

        # It really serves, and the CLI works against it with what it printed.
        with httpx.Client(trust_env=False, timeout=10) as http:  # no proxy: loopback only
            direct = http.get(f"{base_url}/voicemails", headers={"X-Api-Key": api_key})
        assert direct.status_code == 200
        env = cli_env(PHONE_INC_BASE_URL=base_url, PHONE_INC_API_KEY=api_key)
        listing = run_cli("list", "--json", env=env)
        assert listing.code == 0, listing.stderr
        assert len(json.loads(listing.out)["voicemails"]) >= 8

        proc.send_signal(signal.SIGINT)
        result = finish(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    assert result.code == 0
    assert b"Traceback" not in result.err
    assert result.err == b""
    assert "Demo server stopped." in result.stdout
    try:  # and it is gone
        with httpx.Client(trust_env=False, timeout=2) as http:
            http.get(f"{base_url}/voicemails", headers={"X-Api-Key": api_key})
    except httpx.TransportError:
        pass
    else:
        raise AssertionError("the demo server still answers after Ctrl-C")


def test_demo_server_on_a_taken_port_fails_in_one_line(server: DemoServer) -> None:
    port = int(server.origin.rsplit(":", 1)[1])

    result = run_cli("demo-server", "--port", str(port), "--new-every", "0", env=cli_env())

    assert result.code == 1
    assert len(result.err_lines) == 1
    assert "cannot start" in result.err_lines[0]
