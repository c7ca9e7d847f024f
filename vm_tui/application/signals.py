"""Signals that end the TUI (SIGTERM, SIGHUP, SIGINT) and a terminal that has gone away.

They behave like ``q``: deletes in their undo window are committed to the journal at once (on
disk before anything else happens), then the outbox gets its moment, the cache is saved and
the terminal is restored. A second signal ends the process without waiting; a third, without
even restoring the terminal.

After SIGHUP the terminal is usually gone (the window was closed, ssh dropped): every write
to it fails with EIO, and Textual's output thread dies on the first one, after which the app
would block writing its last frames. So when the terminal no longer answers, this process's
standard streams are pointed at ``/dev/null``: what is left to draw goes nowhere, and shutting
down cannot fail or hang.
"""

from __future__ import annotations

import errno
import os
import signal
import termios

TERMINATING = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


def status_for_signal(signum: int) -> int:
    """What a shell reports for a process ended by ``signum``: 143 for SIGTERM, 130 for
    SIGINT, 129 for SIGHUP."""
    return 128 + signum


def terminal_gone(fd: int = 2) -> bool:
    """The terminal on ``fd`` was hung up (its window closed). False for a terminal that still
    answers, and for anything that never was a terminal (a file, a pipe)."""
    try:
        termios.tcgetattr(fd)
    except termios.error as error:
        return bool(error.args) and error.args[0] == errno.EIO
    except (OSError, ValueError):
        return False
    return False


def detach_from_terminal() -> None:
    """Point stdin, stdout and stderr at /dev/null: reads end at once, writes go nowhere."""
    for fd, mode in ((0, os.O_RDONLY), (1, os.O_WRONLY), (2, os.O_WRONLY)):
        null = os.open(os.devnull, mode)
        try:
            os.dup2(null, fd)
        finally:
            os.close(null)
