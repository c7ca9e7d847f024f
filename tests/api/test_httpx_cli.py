"""httpx's command-line tool (and pygments with it) is not imported by vm-tui: ~15 ms a start."""

from __future__ import annotations

import json
import subprocess
import sys


def test_importing_the_api_leaves_httpxs_command_line_out() -> None:
    probe = (
        "import json, sys, vm_tui.api, httpx; "
        "print(json.dumps({'pygments': 'pygments' in sys.modules, "
        "'stand_in': 'stand-in' in (sys.modules['httpx._main'].__doc__ or ''), "
        "'client': hasattr(httpx, 'AsyncClient')}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == {"pygments": False, "stand_in": True, "client": True}


def test_an_httpx_already_imported_is_left_alone() -> None:
    probe = (
        "import httpx, vm_tui.api, json, sys; "
        "print(json.dumps('stand-in' in (sys.modules['httpx._main'].__doc__ or '')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) is False  # httpx's own, as the host program has it
