"""Run the user's notification command for a new voicemail (like mutt's new_mail_command).

The command is an argv list from the config and runs WITHOUT a shell. What a stranger wrote
(caller, transcription) reaches it only as data: environment variables, and placeholders that
replace text inside one argument and never split it or become the program. The API key is not
passed on. No Textual here: the TUI awaits :func:`run_notify_command` in a worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from collections.abc import Sequence

from vm_tui.safe_text import clean, one_line

PLACEHOLDERS = ("caller", "caller_name", "line", "transcription")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
# Never handed to the command: it has no business with the Phone.inc key.
_PRIVATE_ENV = ("PHONE_INC_API_KEY",)


class NotifyError(Exception):
    """The command is missing, failed or timed out; ``str()`` is one line for the UI."""


def _values(
    caller: str, caller_name: str | None, line: str, transcription: str | None
) -> dict[str, str]:
    return {
        "caller": clean(caller),
        "caller_name": clean(caller_name or ""),
        "line": clean(line),
        "transcription": clean(transcription or ""),
    }


def notification_env(
    caller: str, caller_name: str | None, line: str, transcription: str | None
) -> dict[str, str]:
    """``VM_TUI_CALLER`` and friends, cleaned of control characters (NUL cannot be passed)."""
    values = _values(caller, caller_name, line, transcription)
    return {f"VM_TUI_{key.upper()}": value for key, value in values.items()}


def expand_argv(argv: Sequence[str], values: dict[str, str]) -> list[str]:
    """Replace placeholders in the arguments (never in the program), in one pass each."""
    program, *args = argv
    return [program, *(_PLACEHOLDER.sub(lambda m: values[m.group(1)], arg) for arg in args)]


async def run_notify_command(
    argv: Sequence[str],
    *,
    caller: str,
    caller_name: str | None,
    line: str,
    transcription: str | None,
    timeout: float = 10.0,
) -> None:
    """Run ``argv`` for one new voicemail; NotifyError if it can't start, fails or times out."""
    if not argv or not argv[0].strip():
        raise NotifyError("the notification command is empty")
    values = _values(caller, caller_name, line, transcription)
    command = expand_argv(argv, values)
    env = {k: v for k, v in os.environ.items() if k not in _PRIVATE_ENV}
    env.update(notification_env(caller, caller_name, line, transcription))
    name = one_line(argv[0], 60)
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its own process group: a timeout stops its children too
        )
    except FileNotFoundError:
        raise NotifyError(f"notification command not found: {name}") from None
    except PermissionError:
        raise NotifyError(f"notification command is not executable: {name}") from None
    except (OSError, ValueError) as error:
        raise NotifyError(f"cannot run the notification command {name}: {error}") from None
    try:
        code = await asyncio.wait_for(process.wait(), timeout)
    except TimeoutError:
        await _kill(process)
        raise NotifyError(
            f"notification command {name} took longer than {timeout:g} s and was stopped"
        ) from None
    except asyncio.CancelledError:
        await _kill(process)
        raise
    if code != 0:
        raise NotifyError(f"notification command {name} failed (exit status {code})")


async def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover
            process.kill()
    with contextlib.suppress(ProcessLookupError):
        await process.wait()
