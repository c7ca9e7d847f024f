"""`config path/init/show`, config errors naming the key, --no-cache, completion, --version."""

from __future__ import annotations

import json
import stat
import tomllib
from pathlib import Path

from tests.cli.cli_helpers import cli_env, run_cli
from vm_tui.demo import DemoServer
from vm_tui.local.config import DEFAULT_CONFIG


def env_for(tmp_path: Path, server: DemoServer | None = None, **extra: str) -> dict[str, str]:
    env = cli_env(
        server,
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        VM_TUI_CONFIG=str(tmp_path / "config.toml"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    env.update(extra)
    return env


def test_config_path_honours_the_override_and_defaults_to_xdg(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    assert run_cli("config", "path", env=env).stdout == f"{tmp_path / 'config.toml'}\n"
    del env["VM_TUI_CONFIG"]
    result = run_cli("config", "path", env=env)
    assert result.stdout == f"{tmp_path / 'xdg' / 'vm-tui' / 'config.toml'}\n"


def test_config_init_writes_a_private_commented_default(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    del env["VM_TUI_CONFIG"]
    path = tmp_path / "xdg" / "vm-tui" / "config.toml"

    result = run_cli("config", "init", env=env)

    assert result.code == 0, result.stderr
    assert result.stdout == f"{path}\n"
    assert path.read_text() == DEFAULT_CONFIG
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert tomllib.loads(path.read_text()) == {}

    path.write_text("bell = false\n")
    again = run_cli("config", "init", env=env)
    assert again.code == 1
    assert "already exists" in again.one_error_line()
    assert "--force" in again.one_error_line()
    assert path.read_text() == "bell = false\n"

    forced = run_cli("config", "init", "--force", env=env)
    assert forced.code == 0, forced.stderr
    assert path.read_text() == DEFAULT_CONFIG


def test_bad_config_fails_every_command_naming_the_key(
    shared_server: DemoServer, tmp_path: Path
) -> None:
    env = env_for(tmp_path, shared_server)
    config = tmp_path / "config.toml"
    for text, key in (
        ('notify_command = "notify-send New"\n', "notify_command"),
        ("theme = 7\n", "theme"),
        ("poll_interval = 1\n", "poll_interval"),
        ('colour = "blue"\n', "colour"),
    ):
        config.write_text(text)
        for args in (("list", "--json"), ("config", "show")):
            result = run_cli(*args, env=env)
            assert result.code == 1, (args, text)
            line = result.one_error_line()
            assert f"'{key}'" in line and str(config) in line


def test_config_show_prints_the_settings_in_effect(
    shared_server: DemoServer, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'notify_command = ["notify-send", "{caller}"]\ntheme = "nord"\npoll_interval = 20\n'
    )
    env = env_for(tmp_path, shared_server)

    result = run_cli("config", "show", env=env)

    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"# {config}"
    values = tomllib.loads("\n".join(lines[1:]))
    assert values["notify_command"] == ["notify-send", "{caller}"]
    assert values["theme"] == "nord"
    assert values["poll_interval"] == 20.0
    assert values["api_key"] == f"phk_…{shared_server.api_key[-2:]}"
    assert values["api_key_source"] == "env"
    assert values["cache"] is True
    assert values["contacts_file"] == str(tmp_path / "xdg" / "vm-tui" / "contacts.toml")


def test_no_cache_flag(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    shown = run_cli("--no-cache", "config", "show", env=env)
    assert shown.code == 0, shown.stderr
    assert "cache = false" in shown.stdout.splitlines()
    assert "cache = true" in run_cli("config", "show", env=env).stdout.splitlines()
    assert "--no-cache" in run_cli("--help", env=env).stdout


def test_completion_scripts(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    expected = {
        "bash": "complete -o nosort -F _vm_tui_completion vm-tui",
        "zsh": "#compdef vm-tui",
        "fish": "complete --no-files --command vm-tui",
    }
    for shell, marker in expected.items():
        result = run_cli("completion", shell, env=env)
        assert result.code == 0, result.stderr
        assert marker in result.stdout, shell
        assert "_VM_TUI_COMPLETE" in result.stdout
    bad = run_cli("completion", "tcsh", env=env)
    assert bad.code == 2


def test_completion_completes_commands_and_options(tmp_path: Path) -> None:
    env = env_for(tmp_path, _VM_TUI_COMPLETE="bash_complete", COMP_CWORD="1")
    commands = run_cli(env={**env, "COMP_WORDS": "vm-tui co"})
    assert commands.code == 0, commands.stderr
    assert set(commands.stdout.split()) == {"plain,completion", "plain,config", "plain,contacts"}
    sub = run_cli(env={**env, "COMP_WORDS": "vm-tui auth ", "COMP_CWORD": "2"})
    assert set(sub.stdout.split()) == {"plain,login", "plain,status", "plain,logout"}
    options = run_cli(env={**env, "COMP_WORDS": "vm-tui list --u", "COMP_CWORD": "2"})
    assert options.stdout.split() == ["plain,--unlistened"]


def test_list_json_unlistened(shared_server: DemoServer, tmp_path: Path) -> None:
    result = run_cli("list", "--json", "--unlistened", env=env_for(tmp_path, shared_server))
    assert result.code == 0, result.stderr
    data = json.loads(result.out)
    expected = [vm["id"] for vm in shared_server.voicemails() if vm["listened_at"] is None]
    assert [vm["id"] for vm in data["voicemails"]] == expected
    assert all(vm["listened"] is False for vm in data["voicemails"])
    assert data["unlistened_count"] == len(expected)
