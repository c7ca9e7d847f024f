"""The Makefile's virtualenv: a half-made one is rebuilt, a healthy one kept, failures explained.

Each test runs ``make`` in a temporary copy of this checkout's build files (the Makefile, scripts/,
pyproject.toml), never in the checkout itself: its .venv is the one running these tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy2(REPO_ROOT / "Makefile", root)
    shutil.copy2(REPO_ROOT / "pyproject.toml", root)
    shutil.copytree(REPO_ROOT / "scripts", root / "scripts")
    return root


def make(
    project: Path, *targets: str, python: str = sys.executable, **env: str
) -> subprocess.CompletedProcess[str]:
    # Nothing of the make (and virtualenv) running this suite leaks into the one under test.
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "VIRTUAL_ENV"}
    }
    return subprocess.run(
        ["make", "--no-print-directory", *targets, f"PYTHON={python}"],
        cwd=project,
        env={**clean, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def has_pip(venv: Path) -> bool:
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "--version"], capture_output=True, check=False
    )
    return proc.returncode == 0


def last_message(stderr: str) -> str:
    """The last line before make's own "make: *** [target] Error 1"."""
    lines = [line for line in stderr.splitlines() if line and not line.startswith("make: ***")]
    return lines[-1] if lines else ""


def test_a_venv_without_pip_is_rebuilt(project: Path) -> None:
    venv = project / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    assert not has_pip(venv)  # what `python3 -m venv` leaves when ensurepip is missing

    proc = make(project, "venv")
    assert proc.returncode == 0, proc.stderr
    assert ".venv is half-made" in proc.stderr
    assert has_pip(venv)
    assert (venv / ".venv-ok").exists()


def test_a_venv_whose_python_is_gone_is_rebuilt(project: Path) -> None:
    venv = project / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (venv / ".venv-ok").touch()  # it was healthy once...
    for name in ("python", "python3"):
        (venv / "bin" / name).unlink()
        (venv / "bin" / name).symlink_to(project / "uninstalled-python")  # ...then lost its python

    proc = make(project, "venv")
    assert proc.returncode == 0, proc.stderr
    assert "half-made" in proc.stderr
    assert has_pip(venv)


def test_a_healthy_venv_is_kept_and_quick(project: Path) -> None:
    assert make(project, "venv").returncode == 0
    venv = project / ".venv"
    keep = venv / "kept-by-make"
    keep.touch()

    again = make(project, "venv")
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""
    assert keep.exists()  # not rebuilt
    assert has_pip(venv)


def test_no_ensurepip_ends_with_what_to_install(project: Path, tmp_path: Path) -> None:
    """Debian's python3 without python3-venv: `-m venv` makes bin/python, then fails."""
    fake = tmp_path / "python3"
    fake.write_text(
        textwrap.dedent(
            f"""\
            #!/bin/sh
            if [ "$1" = -m ] && [ "$2" = venv ]; then
              {sys.executable} -m venv --without-pip "$3"
              echo "The virtual environment was not created successfully because ensurepip is not"
              echo "available.  On Debian/Ubuntu systems, you need to install the python3-venv"
              exit 1
            fi
            exec {sys.executable} "$@"
            """
        )
    )
    fake.chmod(0o755)
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"

    proc = make(project, "venv", python=str(fake))
    assert proc.returncode != 0
    assert last_message(proc.stderr) == (
        f"make: the virtualenv could not be created ({fake} has no ensurepip); install "
        f"python{version}-venv (sudo apt-get install python{version}-venv) and run make again"
    )
    assert not (project / ".venv").exists()  # nothing half-made left for the next run


def test_a_failed_install_says_what_to_do_and_leaves_no_stamp(project: Path) -> None:
    # No package index: pip cannot fetch the build backend, as on a machine that is offline.
    proc = make(project, "install", PIP_NO_INDEX="1")
    assert proc.returncode != 0
    assert last_message(proc.stderr).startswith("make: installing vm-tui into .venv failed")
    assert "run make again" in last_message(proc.stderr)
    assert not (project / ".venv" / ".installed-stamp").exists()
    assert not (project / ".venv" / ".venv-ok").exists()  # checked again next time
