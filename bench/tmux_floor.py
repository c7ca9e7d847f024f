"""The floor of the terminal first-paint figure: the least an inbox in a terminal can do.

Run as a script (``python bench/tmux_floor.py``) inside tmux: one httpx GET of the list
(PHONE_INC_BASE_URL, PHONE_INC_API_KEY), json.loads, and one Static showing a line of text per
row that fits the screen. Imports nothing of vm_tui or bench; runs until its session is killed.
"""

from __future__ import annotations

import json
import os

import httpx
from textual.app import App, ComposeResult
from textual.widgets import Static

ROWS = 40


class FloorApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Loading…", markup=False)

    def on_mount(self) -> None:
        self.run_worker(self._fetch(), exit_on_error=True)

    async def _fetch(self) -> None:
        headers = {"X-Api-Key": os.environ["PHONE_INC_API_KEY"]}
        async with httpx.AsyncClient(headers=headers, trust_env=False) as client:
            response = await client.get(os.environ["PHONE_INC_BASE_URL"] + "/voicemails")
        rows = []
        for vm in json.loads(response.content)["voicemails"][:ROWS]:
            text = (vm["transcription"] or "transcribing…").replace("\n", " ")[:40]
            mark = " " if vm["listened_at"] else "●"
            rows.append(f"{mark} {vm['from']:<16} {vm['main_number_name'] or '':<14} {text}")
        self.query_one(Static).update("\n".join(rows))


if __name__ == "__main__":
    FloorApp().run()
