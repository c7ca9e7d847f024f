"""Call a caller back: the user's ``call_command``, else the desktop's handler for ``tel:``.

Softphones (the phone company's own desktop app among them) register for ``tel:`` links, so
without a configured command vm-tui opens ``tel:+E164`` the way a browser would: ``xdg-open``
on Linux, ``open`` on macOS, ``start`` on Windows. A configured command is an argv list run
without a shell, with ``{number}`` (E.164) and ``{name}`` (the contact's name, empty when the
number is not in the address book) replaced inside its arguments, never in the program name;
each stays one argument whatever it holds.

The number is the only thing from the API that reaches the command, and only once it has been
parsed as a phone number and written back in E.164 (``+`` and digits): a caller field saying
``$(rm -rf ~)`` is a withheld number, not an argument. The name comes from the user's own
address book, cleaned of control characters.

Two steps, so a face can say who it is calling before the call starts: :func:`plan_call`
(synchronous: the number, the argv, or a :class:`CallError` saying why not) and
:func:`place_call` (starts it). No Textual here.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass

from vm_tui.text.safe import one_line

from .commands import CommandError, child_environment, expand_argv, start_command

PLACEHOLDERS = ("number", "name")
# Seconds a started command has to fail in; one still running by then is placing the call (a
# softphone's own process, which lives as long as the call) and is left alone.
STARTED_WITHIN = 3.0
EXAMPLE = 'call_command = ["linphonecsh", "dial", "{number}"]'


class CallError(CommandError):
    """Nothing to call (a withheld number) or nothing to call with; ``str()`` is a clause
    for "cannot call back: ..." in a toast or on stderr."""


@dataclass(frozen=True, slots=True)
class Call:
    number: str  # E.164
    argv: tuple[str, ...]
    via: str  # "call command" or "tel: handler", for messages

    @property
    def program(self) -> str:
        return one_line(self.argv[0], 60)


def callable_number(caller: str) -> str | None:
    """The caller's number in E.164, or None when it was withheld or is not a phone number."""
    from vm_tui.contacts.book import normalise

    return normalise(caller) if any(ch.isdigit() for ch in caller) else None


def tel_handler(platform: str | None = None) -> tuple[list[str] | None, str]:
    """The argv prefix that opens a URL with the desktop's default handler (None when there
    is none here), and the program's name for messages."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        path = shutil.which("cmd")
        return ([path, "/c", "start", ""] if path else None), "start"
    program = "open" if platform == "darwin" else "xdg-open"
    path = shutil.which(program)
    return ([path] if path else None), program


def plan_call(
    caller: str,
    name: str | None,
    call_command: tuple[str, ...] | list[str] | None = None,
    *,
    platform: str | None = None,
) -> Call:
    """What to run to call ``caller`` back; CallError (withheld, not a number, no handler)."""
    if not any(ch.isdigit() for ch in caller):
        # "anonymous", "private", "unknown", "restricted", "": what networks send instead.
        raise CallError("the caller withheld their number")
    number = callable_number(caller)
    if number is None:
        raise CallError(f"'{one_line(caller, 40)}' is not a phone number that can be called")
    if call_command:
        values = {"number": number, "name": one_line(name or "")}
        return Call(number, tuple(expand_argv(call_command, values)), "call command")
    handler, program = tel_handler(platform)
    if handler is None:
        raise CallError(
            f"nothing here opens tel: links ({program} not found); set call_command in the "
            f"config, e.g. {EXAMPLE}"
        )
    return Call(number, (*handler, f"tel:{number}"), "tel: handler")


async def place_call(call: Call, *, settle: float = STARTED_WITHIN) -> None:
    """Start the call; CallError when its program is missing or fails at once."""
    try:
        await start_command(call.argv, what=call.via, env=child_environment(), settle=settle)
    except CommandError as error:
        if call.via == "tel: handler" and "exit status" in str(error):
            # xdg-open says 3 or 4 when no application is registered for tel: links.
            raise CallError(
                f"{error}; perhaps no application takes tel: links here: set call_command in "
                f"the config, e.g. {EXAMPLE}"
            ) from None
        raise CallError(str(error)) from None
