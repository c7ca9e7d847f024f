"""The suite started with SIGINT ignored (``nohup make test &``, some CI runners) still passes.

An ignored signal is inherited across fork and exec, so without tests/conftest.py's reset the
Ctrl-C tests' children would never see the SIGINT they are sent, and hang until their timeout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# Two of the tests that press Ctrl-C on a child: the demo server and `vm-tui play`.
CTRL_C_TESTS = (
    "tests/demo/test_demo_live.py::test_module_entry_point_stops_cleanly_on_signal[2]",  # SIGINT
    "tests/cli/test_cli_play.py::test_ctrl_c_stops_playback_cleanly_and_marks_nothing",
)


def _ignore_sigint() -> None:  # runs in the child between fork and exec
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_ignoring_sigint(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_ignore_sigint,  # only a sigaction between fork and exec
        check=False,
    )


def test_the_child_really_starts_with_sigint_ignored() -> None:
    probe = _run_ignoring_sigint(
        "-c", "import signal; print(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)", timeout=30
    )
    assert probe.stdout.strip() == "True", probe.stderr


def test_ctrl_c_tests_pass_when_started_with_sigint_ignored() -> None:
    proc = _run_ignoring_sigint(
        # -n 0: two tests need no worker processes of their own.
        *("-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", *CTRL_C_TESTS),
        timeout=240,
    )
    tail = (proc.stdout + proc.stderr)[-3000:]
    assert proc.returncode == 0, tail
    assert f"{len(CTRL_C_TESTS)} passed" in proc.stdout, tail
