"""Run a command from the user's config: an argv list, never a shell.

What a stranger wrote (a caller's name, a transcription) reaches it only as data: placeholders
replace text inside one argument, never split it, never become the program. No child of
vm-tui gets the API key in its environment.

Two ways to run one: :func:`run_command` waits for it (and stops it after a timeout: the
notification command), :func:`start_command` starts it and leaves it running once it has not
failed at once (a softphone placing a call lives as long as the call).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence

from vm_tui.text.safe import one_line

# Never handed to a child: it has no business with the Phone.inc key.
PRIVATE_ENV = ("PHONE_INC_API_KEY",)


class CommandError(Exception):
    """The command is missing, failed or timed out; ``str()`` is one line for the UI."""


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without the key, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in PRIVATE_ENV}
    env.update(extra or {})
    return env


def expand_argv(argv: Sequence[str], values: Mapping[str, str]) -> list[str]:
    """Replace ``{name}`` placeholders in the arguments (never in the program), one pass each."""
    program, *args = argv
    pattern = re.compile(r"\{(" + "|".join(re.escape(name) for name in values) + r")\}")
    return [program, *(pattern.sub(lambda m: values[m.group(1)], arg) for arg in args)]


def _program_name(argv: Sequence[str], what: str) -> str:
    if not argv or not argv[0].strip():
        raise CommandError(f"the {what} is empty")
    return one_line(argv[0], 60)


@contextlib.contextmanager
def _starting(what: str, name: str) -> Iterator[None]:
    """Why a program could not start, in one line."""
    try:
        yield
    except FileNotFoundError:
        raise CommandError(f"{what} not found: {name}") from None
    except PermissionError:
        raise CommandError(f"{what} is not executable: {name}") from None
    except (OSError, ValueError) as error:
        raise CommandError(f"cannot run the {what} {name}: {error}") from None


async def run_command(
    argv: Sequence[str],
    *,
    what: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 10.0,
) -> None:
    """Run ``argv``; CommandError if it cannot start, fails, or outlives ``timeout`` (then it
    and its children are stopped)."""
    name = _program_name(argv, what)
    with _starting(what, name):
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            env=dict(env) if env is not None else child_environment(),
            start_new_session=True,  # its own process group: a timeout stops its children too
        )
    try:
        async with asyncio.timeout(timeout):  # not wait_for: see vm_tui.application.waiting
            code = await process.wait()
    except TimeoutError:
        await _kill(process)
        raise CommandError(
            f"{what} {name} took longer than {timeout:g} s and was stopped"
        ) from None
    except asyncio.CancelledError:
        await _kill(process)
        raise
    if code != 0:
        raise CommandError(f"{what} {name} failed (exit status {code})")


async def start_command(
    argv: Sequence[str],
    *,
    what: str,
    env: Mapping[str, str] | None = None,
    settle: float = 3.0,
) -> int | None:
    """Start ``argv`` and leave it running; CommandError if it cannot start or fails (a
    non-zero exit) within ``settle`` seconds. Returns its exit status, or None while it runs.

    A plain ``Popen`` in a session of its own, not an asyncio subprocess: an asyncio transport
    kills a child still running when it is closed or collected, and this child is meant to
    outlive the call to this function, the event loop and ``vm-tui call`` itself. A daemon
    thread reaps it when it ends, so it never lingers as a zombie.
    """
    name = _program_name(argv, what)
    with _starting(what, name):
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=dict(env) if env is not None else child_environment(),
            start_new_session=True,  # not stopped by a Ctrl-C meant for vm-tui
        )
    deadline = time.monotonic() + settle
    try:
        while (code := process.poll()) is None and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
    finally:
        if process.returncode is None:  # still running (or we were cancelled): let it be
            threading.Thread(target=process.wait, name=f"reap {name}", daemon=True).start()
    if code is not None and code != 0:
        raise CommandError(f"{what} {name} failed (exit status {code})")
    return code


async def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover
            process.kill()
    with contextlib.suppress(ProcessLookupError):
        await process.wait()
