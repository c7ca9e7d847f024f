"""``vm-tui call ID`` end to end against the demo server: the number as one argument, a
withheld number or a missing handler in one line with exit 1, the usual codes otherwise."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.cli_helpers import cli_env, run_cli
from tests.desktop.call_helpers import recorder
from vm_tui.demo import DemoServer


def config_with(tmp_path: Path, call_command: list[str], contacts: str = "") -> Path:
    path = tmp_path / "config.toml"
    lines = [f"call_command = {json.dumps(call_command)}"]
    if contacts:
        (tmp_path / "contacts.toml").write_text(f"[contacts]\n{contacts}\n")
        lines.append(f"contacts_file = {json.dumps(str(tmp_path / 'contacts.toml'))}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_call_runs_the_command_with_the_callers_number(server: DemoServer, tmp_path: Path) -> None:
    dump = tmp_path / "argv.json"
    vm = server.add_voicemail(caller="+14155550123")
    name = 'Dana \\"Acme\\" $(touch pwned); {number}'
    config = config_with(
        tmp_path,
        recorder(dump, "{number}", "--name={name}"),
        contacts=f'"+14155550123" = "{name}"',
    )
    result = run_cli("call", vm["id"], env=cli_env(server, VM_TUI_CONFIG=str(config)))
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert result.err_lines == ['Calling Dana "Acme" $(touch pwned); {number} +1 415-555-0123…']
    received = json.loads(dump.read_text())
    assert received["argv"] == ["+14155550123", '--name=Dana "Acme" $(touch pwned); {number}']
    assert received["key"] is None  # the softphone never sees the API key
    assert not (tmp_path / "pwned").exists()


def test_call_on_a_withheld_number_is_one_line_and_exit_1(
    server: DemoServer, tmp_path: Path
) -> None:
    dump = tmp_path / "argv.json"
    vm = server.add_voicemail(caller="anonymous")
    config = config_with(tmp_path, recorder(dump, "{number}"))
    result = run_cli("call", vm["id"], env=cli_env(server, VM_TUI_CONFIG=str(config)))
    assert result.code == 1
    assert result.one_error_line() == "vm-tui: cannot call back: the caller withheld their number"
    assert not dump.exists()


def test_call_without_a_handler_says_what_to_set(server: DemoServer, tmp_path: Path) -> None:
    vm_id = server.voicemails()[0]["id"]
    env = cli_env(server, PATH=str(tmp_path))  # no config, no xdg-open
    result = run_cli("call", vm_id, env=env)
    assert result.code == 1
    line = result.one_error_line()
    assert line.startswith("vm-tui: cannot call back: nothing here opens tel: links (")
    assert "not found" in line and "call_command" in line


def test_call_exit_codes_for_a_bad_or_unknown_id(server: DemoServer) -> None:
    unknown = run_cli("call", "0193f4c9-0000-7000-8000-000000000000", env=cli_env(server))
    assert unknown.code == 4, unknown.stderr
    unknown.one_error_line()
    bad = run_cli("call", "../voicemails", env=cli_env(server))
    assert bad.code == 2, bad.stderr
    no_key = run_cli("call", server.voicemails()[0]["id"], env=cli_env(server, key=""))
    assert no_key.code == 3
