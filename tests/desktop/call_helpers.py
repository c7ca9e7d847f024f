"""Stand-ins for a softphone: a command and a ``tel:`` handler that record what they got."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# argv[1] is where to write; the rest (what vm-tui passed) and whether the key leaked are kept.
DUMP = (
    "import json, os, sys\n"
    "json.dump({'argv': sys.argv[2:], 'key': os.environ.get('PHONE_INC_API_KEY')},"
    " open(sys.argv[1], 'w'))\n"
)


def recorder(dump: Path, *args: str) -> list[str]:
    """A call_command: ``python -c DUMP <dump> ARGS...``."""
    return [sys.executable, "-c", DUMP, str(dump), *args]


def write_handler(path: Path, dump: Path, exit_status: int = 0) -> Path:
    """An executable named like the desktop's handler (``xdg-open``) that records its argv."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"json.dump({{'argv': sys.argv[1:], 'key': os.environ.get('PHONE_INC_API_KEY')}},"
        f" open({str(dump)!r}, 'w'))\n"
        f"sys.exit({exit_status})\n"
    )
    path.chmod(0o755)
    return path


def alive(pid: int) -> bool:
    """Running (a zombie counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
