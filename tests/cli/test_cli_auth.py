"""`auth login/status/logout` with keyring backends the tests choose, and the 0600 fallback.

Each run checks the key never appears in output; after each scenario every file under the
test's home is searched for it: it may only be in the keyring store or the private config.
"""

from __future__ import annotations

import json
import os
import pty
import select
import sys
import tomllib
from pathlib import Path

from tests.cli.cli_helpers import Result, cli_env, command, finish, run_cli, start
from tests.config.file_keyring import (
    BROKEN_BACKEND,
    ENV_FILE,
    FAIL_BACKEND,
    FILE_BACKEND,
    NULL_BACKEND,
)
from vm_tui.demo import DemoServer

WRONG_KEY = "phk_WrongKeyWrongKeyWrongKeyWron"


class Home:
    """A private home for one test: config, state and keyring files under ``tmp_path``."""

    def __init__(self, tmp_path: Path, server: DemoServer, backend: str) -> None:
        self.root = tmp_path
        self.server = server
        self.config = tmp_path / "config" / "vm-tui" / "config.toml"
        self.keyring = tmp_path / "keyring.json"
        self.env = cli_env(
            server,
            key="",
            HOME=str(tmp_path),
            XDG_CONFIG_HOME=str(tmp_path / "config"),
            XDG_STATE_HOME=str(tmp_path / "state"),
            XDG_CACHE_HOME=str(tmp_path / "cache"),
            VM_TUI_CONFIG=str(self.config),
            PYTHON_KEYRING_BACKEND=backend,
        )
        self.env[ENV_FILE] = str(self.keyring)

    def run(self, *args: str, stdin: bytes | None = None, **env: str) -> Result:
        proc = start(command(*args), {**self.env, **env}, stdin=-1 if stdin is not None else None)
        return finish(proc, [self.server.api_key, WRONG_KEY], input=stdin)

    def login(self, key: str | None = None) -> Result:
        return self.run("auth", "login", stdin=f"{key or self.server.api_key}\n".encode())

    def keyring_entries(self) -> dict[str, str]:
        return json.loads(self.keyring.read_text()) if self.keyring.exists() else {}

    def files_with(self, secret: str) -> list[Path]:
        return sorted(
            path
            for path in self.root.rglob("*")
            if path.is_file() and secret.encode() in path.read_bytes()
        )


def test_login_stores_the_key_in_the_keyring(server: DemoServer, tmp_path: Path) -> None:
    home = Home(tmp_path, server, FILE_BACKEND)

    result = home.login()

    assert result.code == 0, result.stderr
    assert result.out == b""
    origin = server.base_url.removesuffix("/api/v1")
    assert f"Logged in to {origin} with phk_…{server.api_key[-2:]}." in result.stderr
    assert "system keyring" in result.stderr
    assert home.keyring_entries() == {f"vm-tui {origin}": server.api_key}
    assert not home.config.exists()  # nothing written to the config
    assert home.files_with(server.api_key) == [home.keyring]
    # It was checked against the API with the key.
    assert [r.path for r in server.requests] == ["/api/v1/voicemails"]
    assert server.requests[0].headers["x-api-key"] == server.api_key

    # Every command now finds the key in the keyring.
    listing = home.run("list", "--json")
    assert listing.code == 0, listing.stderr
    assert json.loads(listing.out)["voicemails"]

    status = home.run("auth", "status", "--check")
    assert status.code == 0, status.stderr
    assert f"phk_…{server.api_key[-2:]} from the system keyring" in status.stdout
    assert "the key works" in status.stdout

    logout = home.run("auth", "logout")
    assert logout.code == 0, logout.stderr
    assert "removed the key from the system keyring" in logout.stderr
    assert home.keyring_entries() == {}
    assert home.files_with(server.api_key) == []

    after = home.run("auth", "status")
    assert after.code == 3
    assert "not logged in" in after.one_error_line()
    again = home.run("auth", "logout")
    assert again.code == 1
    assert "nothing to remove" in again.one_error_line()


def test_a_rejected_key_is_not_stored(server: DemoServer, tmp_path: Path) -> None:
    home = Home(tmp_path, server, FILE_BACKEND)

    result = home.login(WRONG_KEY)

    assert result.code == 3
    assert "rejected" in result.one_error_line()
    assert home.keyring_entries() == {}
    assert not home.config.exists()
    assert home.files_with(WRONG_KEY) == []


def test_login_needs_a_key(server: DemoServer, tmp_path: Path) -> None:
    home = Home(tmp_path, server, FILE_BACKEND)
    empty = home.run("auth", "login", stdin=b"\n")
    assert empty.code == 2
    assert "no API key given" in empty.one_error_line()
    spaced = home.run("auth", "login", stdin=b"phk_with space\n")
    assert spaced.code == 3
    assert "with space" not in spaced.stderr
    assert server.requests == []  # neither was sent anywhere


def test_without_a_keyring_login_falls_back_to_a_private_config(
    server: DemoServer, tmp_path: Path
) -> None:
    home = Home(tmp_path, server, NULL_BACKEND)
    home.config.parent.mkdir(parents=True)
    home.config.write_text("# mine\npoll_interval = 30\n")
    home.config.chmod(0o644)

    result = home.login()

    assert result.code == 0, result.stderr
    assert "no system keyring is available" in result.stderr
    assert f"stored the key in the config file {home.config} (mode 0600)" in result.stderr
    assert home.config.stat().st_mode & 0o777 == 0o600
    text = home.config.read_text()
    assert "# mine" in text
    assert tomllib.loads(text) == {"api_key": server.api_key, "poll_interval": 30}
    assert home.files_with(server.api_key) == [home.config]

    listing = home.run("list", "--json")
    assert listing.code == 0, listing.stderr
    status = home.run("auth", "status")
    assert status.code == 0, status.stderr
    assert f"from the config file {home.config}" in status.stdout
    assert "Keyring:  not available" in status.stdout
    assert status.err == b""  # no keyring is normal, not a warning

    logout = home.run("auth", "logout")
    assert logout.code == 0, logout.stderr
    assert f"removed the key from the config file {home.config}" in logout.stderr
    assert tomllib.loads(home.config.read_text()) == {"poll_interval": 30}
    assert home.files_with(server.api_key) == []


def test_the_fail_backend_also_falls_back(server: DemoServer, tmp_path: Path) -> None:
    home = Home(tmp_path, server, FAIL_BACKEND)
    result = home.login()
    assert result.code == 0, result.stderr
    assert home.files_with(server.api_key) == [home.config]


def test_login_to_the_keyring_removes_a_shadowing_config_key(
    server: DemoServer, tmp_path: Path
) -> None:
    home = Home(tmp_path, server, FILE_BACKEND)
    home.config.parent.mkdir(parents=True)
    home.config.write_text(f'api_key = "{WRONG_KEY}"\nbell = false\n')
    home.config.chmod(0o600)

    result = home.login()

    assert result.code == 0, result.stderr
    assert f"Removed the old api_key from {home.config}" in result.stderr
    assert tomllib.loads(home.config.read_text()) == {"bell": False}
    assert home.run("list").code == 0


def test_env_and_flag_come_before_the_keyring(server: DemoServer, tmp_path: Path) -> None:
    home = Home(tmp_path, server, FILE_BACKEND)
    assert home.login().code == 0

    status = home.run("auth", "status", PHONE_INC_API_KEY=WRONG_KEY)

    assert status.code == 0, status.stderr
    assert "phk_…on from the PHONE_INC_API_KEY environment variable" in status.stdout
    assert f"holds phk_…{server.api_key[-2:]}, not used" in status.stdout
    checked = home.run("auth", "status", "--check", PHONE_INC_API_KEY=WRONG_KEY)
    assert checked.code == 3
    assert "rejected" in checked.err_lines[-1]

    relogin = home.login()
    assert relogin.code == 0
    assert "PHONE_INC_API_KEY" not in relogin.stderr  # not set: no warning
    shadowed = home.run(
        "auth", "login", stdin=f"{server.api_key}\n".encode(), PHONE_INC_API_KEY="x"
    )
    assert "PHONE_INC_API_KEY is set" in shadowed.stderr


def test_a_broken_keyring_never_breaks_other_commands(server: DemoServer, tmp_path: Path) -> None:
    home = Home(tmp_path, server, BROKEN_BACKEND)

    with_env = home.run("list", "--json", PHONE_INC_API_KEY=server.api_key)
    assert with_env.code == 0, with_env.stderr
    assert with_env.err == b""

    without = home.run("list")
    assert without.code == 3
    assert "no API key" in without.one_error_line()

    status = home.run("auth", "status")
    assert status.code == 3
    warning, error = status.err_lines
    assert warning.startswith("vm-tui: warning: keyring: the keyring failed: ")
    assert "not logged in" in error

    login = home.login()  # falls back to the config file, and says why
    assert login.code == 0, login.stderr
    assert "the keyring failed" in login.stderr
    assert home.files_with(server.api_key) == [home.config]


def test_api_key_flag_is_refused_for_login(server: DemoServer, tmp_path: Path) -> None:
    home = Home(tmp_path, server, FILE_BACKEND)
    result = home.run("--api-key", WRONG_KEY, "auth", "login", stdin=b"")
    assert result.code == 2
    assert home.keyring_entries() == {}


def _read_pty(fd: int, until: bytes, timeout: float = 30.0) -> bytes:
    data = b""
    while until not in data:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            raise AssertionError(f"timed out waiting for {until!r}; got {data!r}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        data += chunk
    return data


def test_login_prompt_on_a_terminal_does_not_echo(server: DemoServer, tmp_path: Path) -> None:
    home = Home(tmp_path, server, FILE_BACKEND)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal
        try:
            os.execve(sys.executable, command("auth", "login"), home.env)  # noqa: S606
        finally:
            os._exit(127)  # never run the rest of pytest in the child
    try:
        shown = _read_pty(fd, b"API key: ")
        os.write(fd, f"{server.api_key}\n".encode())
        shown += _read_pty(fd, b"\x00")  # everything until it exits
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)

    text = shown.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "Paste your Phone.inc API key: " in text
    assert server.api_key not in text
    assert "Logged in to" in text
    assert home.keyring_entries() == {
        f"vm-tui {server.base_url.removesuffix('/api/v1')}": server.api_key
    }


def test_list_json_with_an_env_key_does_not_import_keyring(server: DemoServer) -> None:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('KEYRING' if 'keyring' in sys.modules else 'NO-KEYRING',"
        " file=sys.stderr))\n"
        "sys.argv = ['vm-tui', *sys.argv[1:]]\n"
        "from vm_tui.cli import main\n"
        "main()\n"
    )
    env = cli_env(server, PYTHON_KEYRING_BACKEND=NULL_BACKEND)
    with_key = finish(start([sys.executable, "-c", probe, "list", "--json"], env))
    assert with_key.code == 0, with_key.stderr
    assert with_key.err_lines[-1] == "NO-KEYRING"
    # The probe is honest: without a key, the keyring is asked.
    no_key = finish(
        start(
            [sys.executable, "-c", probe, "list", "--json"],
            cli_env(server, key="", PYTHON_KEYRING_BACKEND=NULL_BACKEND),
        )
    )
    assert no_key.code == 3
    assert no_key.err_lines[-1] == "KEYRING"


def test_no_key_message_mentions_auth_login(server: DemoServer) -> None:
    result = run_cli("list", env=cli_env(server, key="", PYTHON_KEYRING_BACKEND=NULL_BACKEND))
    assert result.code == 3
    assert "vm-tui auth login" in result.one_error_line()
