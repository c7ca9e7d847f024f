"""Run Python code without root's override of file permissions.

Tests of read-only folders are meaningless as root: root writes anyway. As root, the child drops
``CAP_DAC_OVERRIDE`` and ``CAP_DAC_READ_SEARCH`` from its capability bounding set before it
starts, so it is root that obeys file modes; as anyone else it runs as itself. The folder it
must not write comes from ``unwritable_folder`` (mode 0555; the test makes it writable with
``.chmod(0o755)``).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _drop_the_override() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def unprivileged_preexec() -> object:
    """For ``subprocess.Popen(preexec_fn=...)``: None when not root (nothing to drop)."""
    return _drop_the_override if os.geteuid() == 0 else None


def start_unprivileged(
    code: str, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.Popen[str]:
    child_env = dict(os.environ if env is None else env)
    child_env["PYTHONPATH"] = str(REPO_ROOT)
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env,
        preexec_fn=unprivileged_preexec(),  # type: ignore[arg-type]
    )


@contextmanager
def unwritable_folder() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="vm-tui-ro-"))
    folder = base / "state"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        for path in (base, *base.rglob("*")):
            if path.is_dir():
                path.chmod(0o700)
        shutil.rmtree(base, ignore_errors=True)
