"""The ``vm-tui`` command: the TUI by default, plus scripting subcommands (``root.py``).

Errors become one line on stderr and a distinct exit code (``errors.py``), never a traceback;
the API key never appears in any output.
"""

from .errors import (
    EXIT_AUTH,
    EXIT_INTERRUPTED,
    EXIT_NETWORK,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_OTHER,
    EXIT_USAGE,
)
from .root import cli, main

__all__ = [
    "EXIT_AUTH",
    "EXIT_INTERRUPTED",
    "EXIT_NETWORK",
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_OTHER",
    "EXIT_USAGE",
    "cli",
    "main",
]
