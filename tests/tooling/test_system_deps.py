"""scripts/system-deps.sh: what it installs follows from what the interpreter and the machine lack.

The interpreter, apt-get, apt-cache, id and sudo are stand-ins that record what they were asked;
the rest (ffmpeg, gcc, the ALSA headers) is this machine's, which `make` has already completed.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "system-deps.sh"


@dataclass
class Run:
    code: int
    stderr: str
    calls: list[str]


def _stub(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


def system_deps(
    tmp_path: Path,
    *,
    probe: str,
    known_packages: tuple[str, ...] = ("python3.11-venv", "python3.11-dev"),
    uid: int = 0,
    venv: Path | None = None,
) -> Run:
    """Run the script with a python whose probe answers ``probe`` ("3.11 venv header prefix")."""
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    calls = tmp_path / "calls"
    _stub(stubs / "python3", f'cat >/dev/null\necho "{probe}"\n')
    _stub(stubs / "apt-get", f'echo "apt-get $*" >> {calls}\n')
    known = " ".join(known_packages)
    # apt-cache show --no-all-versions NAME: known or not
    _stub(stubs / "apt-cache", f'for p in {known}; do [ "$3" = "$p" ] && exit 0; done\nexit 100\n')
    _stub(stubs / "id", f"echo {uid}\n")
    _stub(stubs / "sudo", f'echo "sudo $*" >> {calls}\nexec "$@"\n')
    proc = subprocess.run(
        ["bash", str(SCRIPT)],
        env={
            **os.environ,
            "PATH": f"{stubs}{os.pathsep}{os.environ['PATH']}",
            "PYTHON": str(stubs / "python3"),
            "VENV": str(venv or tmp_path / "no-venv"),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = calls.read_text().splitlines() if calls.exists() else []
    return Run(proc.returncode, proc.stderr, lines)


def installed(run: Run) -> list[str]:
    [install] = [c for c in run.calls if c.startswith("apt-get install")]
    return install.split()[5:]  # after: apt-get install -y -qq --no-install-recommends


def test_nothing_missing_does_nothing(tmp_path: Path) -> None:
    run = system_deps(tmp_path, probe="3.11 1 1 /usr")
    assert (run.code, run.stderr, run.calls) == (0, "", [])


def test_debian_python_without_venv_and_headers(tmp_path: Path) -> None:
    run = system_deps(tmp_path, probe="3.11 0 0 /usr")
    assert run.code == 0, run.stderr
    assert run.calls[0] == "apt-get update -qq"
    assert installed(run) == ["python3.11-venv", "python3.11-dev"]
    assert "Installing system packages: python3.11-venv python3.11-dev" in run.stderr


def test_only_what_is_missing(tmp_path: Path) -> None:
    run = system_deps(tmp_path, probe="3.11 1 0 /usr")
    assert installed(run) == ["python3.11-dev"]


def test_generic_package_when_the_archive_has_no_versioned_one(tmp_path: Path) -> None:
    run = system_deps(tmp_path, probe="3.11 0 1 /usr", known_packages=("python3-venv",))
    assert installed(run) == ["python3-venv"]


def test_through_sudo_when_not_root(tmp_path: Path) -> None:
    run = system_deps(tmp_path, probe="3.11 0 1 /usr", uid=1000)
    assert run.code == 0, run.stderr
    assert "sudo apt-get install -y -qq --no-install-recommends python3.11-venv" in run.calls


def test_a_healthy_venv_needs_no_venv_package(tmp_path: Path) -> None:
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    _stub(venv / "bin" / "python", "exit 0\n")
    (venv / ".venv-ok").touch()
    run = system_deps(tmp_path, probe="3.11 0 1 /usr", venv=venv)
    assert (run.code, run.calls) == (0, [])


@pytest.mark.parametrize(
    ("probe", "message"),
    [
        ("3.12 0 1 /root/.pyenv/versions/3.12.1", "has no ensurepip (venv with pip); reinstall"),
        ("3.12 1 0 /opt/python", "has no Python.h; reinstall it complete"),
        ("3.10 1 1 /usr", "vm-tui needs Python 3.11 or newer"),
    ],
    ids=["pyenv-no-ensurepip", "no-headers", "too-old"],
)
def test_what_apt_cannot_fix_is_one_line(tmp_path: Path, probe: str, message: str) -> None:
    run = system_deps(tmp_path, probe=probe)
    assert run.code == 1
    assert run.calls == []  # apt-get is not asked for what it cannot fix
    [line] = run.stderr.splitlines()
    assert line.startswith("make: ")
    assert message in line
