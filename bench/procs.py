"""Spawn bench children (``python -m bench.child JOB``) and read the result line each prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.child import RESULT_PREFIX

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

_home: str | None = None


class ChildFailed(RuntimeError):
    pass


def _scratch_home() -> str:
    # Children get empty config/state dirs: a developer's config file must not change figures.
    global _home
    if _home is None:
        _home = tempfile.mkdtemp(prefix="vm-tui-bench-")
    return _home


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PHONE_INC_", "VM_TUI_"))}
    home = _scratch_home()
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[name] = os.path.join(home, name.lower())
    # Headless Textual still encodes frames (see painting.py): encode them for a modern terminal.
    env["TERM"] = "xterm-256color"
    env["COLORTERM"] = "truecolor"
    env.pop("TEXTUAL_FPS", None)
    env.update(extra or {})
    return env


def fresh_dirs() -> dict[str, str]:
    """XDG dirs of their own (for one child): no inbox cache or outbox left by an earlier run."""
    root = tempfile.mkdtemp(prefix="run-", dir=_scratch_home())
    names = ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")
    return {name: os.path.join(root, name.lower()) for name in names}


def job_command(job: str, args: dict[str, Any]) -> list[str]:
    return [PYTHON, "-m", "bench.child", job, json.dumps(args)]


def run_job(
    job: str,
    args: dict[str, Any],
    *,
    timeout: float,
    env: dict[str, str] | None = None,
    on_spawn: Callable[[int], None] | None = None,
) -> tuple[float, dict[str, Any]]:
    """Run one child job; return (time.time() just before spawning, its result).
    ``on_spawn`` gets the child's pid as soon as it runs (to watch it from here)."""
    command = job_command(job, args)
    started = time.time()
    proc = subprocess.Popen(
        command,
        cwd=REPO,
        env=env or child_env(fresh_dirs()),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if on_spawn is not None:
        on_spawn(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise ChildFailed(f"{job}: no result within {timeout:.0f} s") from None
    return started, parse_result(job, proc.returncode, out, err)


def parse_result(job: str, code: int, out: str, err: str) -> dict[str, Any]:
    for line in reversed(out.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX) :])
            return result
    lines = err.strip().splitlines() or ["(no stderr)"]
    progress(f"{job} failed; the end of its stderr:\n" + "\n".join(lines[-40:]))
    raise ChildFailed(f"{job} exited {code} without a result: {lines[-1]}")


def wall_time(command: list[str], *, env: dict[str, str], timeout: float = 60) -> float:
    """Seconds from spawn to exit of a command whose output we do not need."""
    started = time.perf_counter()
    proc = subprocess.run(
        command,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=timeout,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        tail = (proc.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1]
        raise ChildFailed(f"{' '.join(command[-3:])} exited {proc.returncode}: {tail}")
    return elapsed


def progress(message: str) -> None:
    # stdout carries only the table; progress goes to stderr.
    print(f"bench: {message}", file=sys.stderr, flush=True)


def cleanup() -> None:
    global _home
    if _home is not None:
        import shutil

        shutil.rmtree(_home, ignore_errors=True)
        _home = None
