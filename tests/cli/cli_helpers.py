"""Run ``vm-tui`` against a demo server, and check what it printed.

``run_cli`` runs the command in this process with click's CliRunner (fast: no interpreter
start, no imports), unless the run needs a process of its own: ALSA reads its configuration
once per process (playback into a file), another interpreter was asked for, or the keyring
backend is chosen per run. ``start`` / ``finish`` always run a real ``python -m vm_tui``: the
end-to-end tests (signals, terminals, tracebacks, key leaks) use them.

Every run is checked for the API key in its output (it must never appear) and for tracebacks
(in-process: for an exception that escaped the command).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vm_tui.demo import DemoServer

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60.0


@dataclass(frozen=True)
class Result:
    args: tuple[str, ...]
    code: int
    out: bytes  # raw stdout
    err: bytes  # raw stderr

    @property
    def stdout(self) -> str:
        return self.out.decode("utf-8")

    @property
    def stderr(self) -> str:
        return self.err.decode("utf-8")

    @property
    def err_lines(self) -> list[str]:
        return self.stderr.splitlines()

    def one_error_line(self) -> str:
        """The failure's only stderr line (asserts there is exactly one, and no traceback)."""
        lines = self.err_lines
        assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
        assert lines[0].startswith("vm-tui: "), lines[0]
        return lines[0]


def cli_env(
    server: DemoServer | None = None,
    *,
    key: str | None = None,
    base_env: Mapping[str, str] | None = None,
    **extra: str,
) -> dict[str, str]:
    """A clean environment: no inherited Phone.inc settings, no user config file.

    With ``server``, PHONE_INC_BASE_URL points at it and PHONE_INC_API_KEY is its key (or ``key``;
    pass ``key=""`` for no key at all).
    """
    env = {
        k: v
        for k, v in (os.environ if base_env is None else base_env).items()
        # PYTHONUNBUFFERED too: a child must work with the buffering a fresh machine gives it.
        if not k.startswith(("PHONE_INC_", "VM_TUI_")) and k != "PYTHONUNBUFFERED"
    }
    # A config file that does not exist: a developer's real key must never be picked up.
    env["VM_TUI_CONFIG"] = str(REPO_ROOT / "tests" / "cli" / "no-such-config.toml")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if server is not None:
        env["PHONE_INC_BASE_URL"] = server.base_url
        chosen = server.api_key if key is None else key
        if chosen:
            env["PHONE_INC_API_KEY"] = chosen
    env.update(extra)
    return env


def command(*args: str, python: str | None = None) -> list[str]:
    return [python or sys.executable, "-m", "vm_tui", *args]


def start(
    args: Sequence[str],
    env: Mapping[str, str],
    *,
    stdin: int | None = subprocess.DEVNULL,
    stderr: int | None = subprocess.PIPE,
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        list(args),
        env=dict(env),
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=stderr,
        cwd=cwd,
    )


def finish(
    proc: subprocess.Popen[bytes],
    secrets: Iterable[str] = (),
    input: bytes | None = None,
) -> Result:
    try:
        out, err = proc.communicate(input, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    args = tuple(str(a) for a in proc.args)  # type: ignore[union-attr]
    result = Result(args, proc.returncode, out, err or b"")
    check_clean(result, secrets)
    return result


def check_clean(result: Result, secrets: Iterable[str]) -> None:
    for secret in secrets:
        if secret:
            assert secret.encode() not in result.out, f"API key on stdout of {result.args}"
            assert secret.encode() not in result.err, f"API key on stderr of {result.args}"
    assert b"Traceback" not in result.err, result.stderr


def needs_a_process(env: Mapping[str, str], python: str | None) -> bool:
    return python is not None or "ALSA_CONFIG_PATH" in env or "PYTHON_KEYRING_BACKEND" in env


def run_cli(
    *args: str,
    env: Mapping[str, str],
    python: str | None = None,
    cwd: Path | None = None,
    input: bytes | None = None,
) -> Result:
    """Run ``vm-tui ARGS`` with stdin empty (or ``input``); assert no key and no traceback."""
    secrets = [env.get("PHONE_INC_API_KEY", "")]
    if "--api-key" in args:
        secrets.append(args[args.index("--api-key") + 1])
    if needs_a_process(env, python):
        return finish(start(command(*args, python=python), env, cwd=cwd), secrets, input)
    return run_in_process(args, env, cwd, input, secrets)


def run_in_process(
    args: Sequence[str],
    env: Mapping[str, str],
    cwd: Path | None,
    input: bytes | None,
    secrets: Iterable[str],
) -> Result:
    from click.testing import CliRunner

    from vm_tui.cli import cli
    from vm_tui.cli.context import CliContext

    # The whole environment is the run's, as for a subprocess: no variable of this one leaks in.
    overrides: dict[str, str | None] = dict.fromkeys(os.environ, None)
    overrides.update(env)
    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        outcome = CliRunner().invoke(
            cli, list(args), env=overrides, input=input or b"", obj=CliContext(), prog_name="vm-tui"
        )
    finally:
        os.chdir(previous)
    if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
        raise AssertionError(f"vm-tui {' '.join(args)} raised") from outcome.exception
    result = Result(
        ("vm-tui", *args), outcome.exit_code, outcome.stdout_bytes, outcome.stderr_bytes
    )
    check_clean(result, secrets)
    return result


def api_requests(server: DemoServer, method: str | None = None) -> list[tuple[str, str, bytes]]:
    """``(method, path, body)`` of what the API origin received, optionally one method only."""
    return [
        (r.method, r.path, r.body)
        for r in list(server.requests)
        if method is None or r.method == method
    ]


def ready_voicemail(server: DemoServer, *, listened: bool = False) -> str:
    """The id of a voicemail with a recording, unlistened (or listened) as asked."""
    for vm in server.voicemails():
        if vm["recording_url"] is not None and (vm["listened_at"] is not None) == listened:
            return str(vm["id"])
    raise AssertionError("the demo inbox has no such voicemail")
