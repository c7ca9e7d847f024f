"""The demo server in its own process, driven by JSON lines on stdin (see demo_control.py).

Its own process, because a server sharing the app's interpreter would hold the GIL while it
renders 6 MB of JSON and show up as event-loop stalls that are not the app's.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

from vm_tui.demo import DemoServer, recordings


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


def long_text(chars: int) -> str:
    """A transcription of ``chars`` characters: the demo's sentences over and over, in
    paragraphs of ten, as a speech-to-text service writes a very long call."""
    sentences = list(recordings.manifest().values())
    parts: list[str] = []
    size = 0
    while size < chars:
        for i, sentence in enumerate(sentences):
            piece = sentence + ("\n\n" if i % 10 == 9 else " ")
            parts.append(piece)
            size += len(piece)
    return "".join(parts)[:chars]


def add_voicemail(server: DemoServer, command: dict[str, Any]) -> str:
    fields: dict[str, Any] = {}
    if "recording" in command:
        fields["recording"] = command["recording"]
        fields["transcription"] = command.get("transcription", f"Recording {command['recording']}")
    if "transcription_chars" in command:
        fields["transcription"] = long_text(int(command["transcription_chars"]))
    return str(server.add_voicemail(**fields)["id"])


def handle(churner: Churner, command: dict[str, Any]) -> dict[str, Any]:
    name = command["cmd"]
    server = churner.server
    if name == "add_recording":  # serve the mp3 at ``path`` as recording ``name``
        recordings.add(command["name"], Path(command["path"]).read_bytes())
        return {}
    if name == "add_voicemail":  # newest first: it becomes the inbox's first row
        vm_id = add_voicemail(server, command)
        churner.ids.insert(0, vm_id)
        return {"id": vm_id}
    if name == "unlisten_all":
        for vm_id in churner.ids:
            server.update_voicemail(vm_id, listened=False)
        return {"unlistened": server.unlistened_count()}
    if name == "requests":  # how many requests of ``method`` the API origin answered so far
        method = command["method"]
        return {"count": sum(1 for r in list(server.requests) if r.method == method)}
    if name == "top":  # the newest voicemail, as the list sends it (without its transcription)
        top = dict(server.voicemails()[0])
        top.pop("transcription", None)
        return {"voicemail": top}
    if name == "unlistened":
        return {"count": server.unlistened_count()}
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
