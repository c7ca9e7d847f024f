"""Run the user's notification command for a new voicemail (like mutt's new_mail_command).

The values are in its environment as ``VM_TUI_CALLER``, ``VM_TUI_CALLER_NAME``, ``VM_TUI_LINE``
and ``VM_TUI_TRANSCRIPTION`` too, cleaned of control characters. No Textual here: the TUI
awaits :func:`run_notify_command` in a worker.
"""

from __future__ import annotations

from collections.abc import Sequence

from vm_tui.text.safe import clean

from .commands import CommandError, child_environment, expand_argv, run_command

PLACEHOLDERS = ("caller", "caller_name", "line", "transcription")
NotifyError = CommandError


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
    await run_command(
        expand_argv(argv, values),
        what="notification command",
        env=child_environment(notification_env(caller, caller_name, line, transcription)),
        timeout=timeout,
    )
