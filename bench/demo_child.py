"""The demo server in its own process, driven by JSON lines on stdin (see demo_control.py).

Its own process, because a server sharing the app's interpreter would hold the GIL while it
renders 6 MB of JSON and show up as event-loop stalls that are not the app's.
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

from vm_tui.demo import DemoServer


class Churner:
    """Adds, changes and deletes voicemails as colleagues and callers would between polls."""

    def __init__(self, server: DemoServer, seed: int) -> None:
        self.server = server
        self.rng = random.Random(seed)
        self.ids = [vm["id"] for vm in server.voicemails()]  # newest first

    def add(self) -> str:
        vm_id = str(self.server.add_voicemail()["id"])
        self.ids.insert(0, vm_id)
        return vm_id

    def churn(self, adds: int, changes: int, deletes: int) -> None:
        for _ in range(adds):
            self.add()
        for _ in range(min(changes, len(self.ids))):
            vm_id = self.rng.choice(self.ids)
            self.server.update_voicemail(vm_id, listened=self.rng.random() < 0.5)
        for _ in range(min(deletes, len(self.ids))):
            self.server.remove_voicemail(self.ids.pop())  # the oldest

    def playable(self, skip: int) -> str:
        """A voicemail with a recording, ``skip`` playable ones down from the top."""
        ready = [vm["id"] for vm in self.server.voicemails() if vm["recording_url"]]
        return str(ready[min(skip, len(ready) - 1)])


def handle(churner: Churner, command: dict[str, Any]) -> dict[str, Any]:
    name = command["cmd"]
    if name == "add":
        return {"id": churner.add()}
    if name == "churn":
        churner.churn(command["adds"], command["changes"], command["deletes"])
        return {"count": len(churner.ids)}
    if name == "playable":
        return {"id": churner.playable(command.get("skip", 0))}
    raise ValueError(f"unknown command {name!r}")


def main() -> int:
    count = int(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    with DemoServer(count=count, seed=seed, new_every=None, fill_in_after=None) as server:
        churner = Churner(server, seed)
        print(json.dumps({"base_url": server.base_url, "api_key": server.api_key}), flush=True)
        for line in sys.stdin:  # EOF (the parent went away) stops the server
            command = json.loads(line)
            if command["cmd"] == "stop":
                break
            try:
                reply = handle(churner, command)
            except Exception as error:  # reported to the caller, who raises it
                reply = {"error": f"{type(error).__name__}: {error}"}
            print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
