"""A stand-in Phone.inc server on loopback: the API origin plus a separate storage origin.

Standard library only. Used by ``vm-tui --demo``, ``vm-tui demo-server``, tests and benchmarks::

    with DemoServer(new_every=None) as server:
        httpx.get(server.base_url + "/voicemails", headers={"X-Api-Key": server.api_key})
"""

from vm_tui.demo.cli import serve_forever_cli
from vm_tui.demo.faults import Fault
from vm_tui.demo.httpbase import RecordedRequest
from vm_tui.demo.server import DEMO_API_KEY, DemoServer

__all__ = ["DEMO_API_KEY", "DemoServer", "Fault", "RecordedRequest", "serve_forever_cli"]
