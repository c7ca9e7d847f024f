"""Keep httpx from importing its command-line tool, which vm-tui never runs.

``import httpx`` also imports ``httpx._main`` whenever click and rich are installed (they are: for
vm-tui's own command line and for Textual), and with it pygments and rich's syntax highlighting:
~15 ms of every start, the inbox's and ``vm-tui list``'s alike. A stand-in module takes its place
before httpx is first imported; if httpx is already loaded (a host program), nothing changes.
"""

from __future__ import annotations

import sys
import types


def _unavailable() -> None:
    raise SystemExit("httpx's command line is not available inside vm-tui")


def install() -> None:
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return
    stand_in = types.ModuleType("httpx._main", "vm-tui's stand-in (see vm_tui.api._httpx_cli)")
    stand_in.main = _unavailable  # type: ignore[attr-defined]
    sys.modules["httpx._main"] = stand_in


install()  # on import: vm_tui.api imports this module before anything imports httpx
