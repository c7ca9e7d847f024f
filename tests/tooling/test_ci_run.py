""".ci/run: make test, then fresh-machine when the workplace has it; exit 3 of that is a warning."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def ci_run(
    tmp_path: Path, *, make_status: int, fresh_status: int | None
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run a copy of .ci/run with a stand-in `make` and (unless None) a stand-in fresh-machine.

    Returns the run and the commands it ran, in order.
    """
    project = tmp_path / "work" / "project"
    (project / ".ci").mkdir(parents=True)
    shutil.copy2(REPO_ROOT / ".ci" / "run", project / ".ci" / "run")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    fake_make = bin_dir / "make"
    fake_make.write_text(f'#!/bin/sh\necho "make $*" >> {calls}\nexit {make_status}\n')
    fake_make.chmod(0o755)
    if fresh_status is not None:
        tools = tmp_path / "work" / "shared" / "tools"
        tools.mkdir(parents=True)
        fresh = tools / "fresh-machine"
        fresh.write_text(f'#!/bin/sh\necho "fresh-machine $*" >> {calls}\nexit {fresh_status}\n')
        fresh.chmod(0o755)
    proc = subprocess.run(
        ["bash", str(project / ".ci" / "run")],
        cwd=tmp_path,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return proc, calls.read_text().splitlines() if calls.exists() else []


@pytest.mark.parametrize(
    ("fresh_status", "expected"),
    [(0, 0), (1, 1), (2, 2), (3, 0), (None, 0)],
    ids=["fresh-passed", "fresh-failed", "fresh-usage", "fresh-no-machine", "no-tool"],
)
def test_exit_status(tmp_path: Path, fresh_status: int | None, expected: int) -> None:
    proc, calls = ci_run(tmp_path, make_status=0, fresh_status=fresh_status)
    assert proc.returncode == expected, proc.stderr
    wanted = ["make test"] + ([] if fresh_status is None else ["fresh-machine "])
    assert calls == wanted
    if fresh_status == 3:
        assert "warning" in proc.stderr
        assert "no verdict" in proc.stderr


def test_a_failing_make_test_fails_ci_before_the_fresh_machine(tmp_path: Path) -> None:
    proc, calls = ci_run(tmp_path, make_status=2, fresh_status=0)
    assert proc.returncode == 1
    assert calls == ["make test"]
