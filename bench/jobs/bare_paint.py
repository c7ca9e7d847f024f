"""Baseline of the start-up figure: a bare Textual app that fetches the list and paints a Static.

It does the least a correct app could: one httpx GET, ``json.loads`` to learn the count, one
Static. It must not import vm_tui (only the shared frame meter, which imports Textual alone).
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from textual.app import App, ComposeResult
from textual.widgets import Static

from bench.memory import rss_mb
from bench.painting import FrameMeter

SIZE = (120, 40)  # the same as bench.harness.SIZE, which would import vm_tui


class BareApp(App[None]):
    def __init__(self, base_url: str, api_key: str) -> None:
        super().__init__()
        self.base_url = base_url
        self.api_key = api_key
        self.shown = False

    def compose(self) -> ComposeResult:
        yield Static("Loading…", markup=False)

    def on_mount(self) -> None:
        self.run_worker(self._fetch(), exit_on_error=True)

    async def _fetch(self) -> None:
        headers = {"X-Api-Key": self.api_key}
        async with httpx.AsyncClient(headers=headers, trust_env=False) as client:
            response = await client.get(self.base_url + "/voicemails")
        count = len(json.loads(response.content)["voicemails"])
        self.query_one(Static).update(f"{count} voicemails")
        self.shown = True


def run(args: dict[str, Any]) -> dict[str, Any]:
    app = BareApp(args["base_url"], args["api_key"])
    meter = FrameMeter(app)
    result: dict[str, Any] = {}

    def on_frame(_now: float) -> None:
        if app.shown and not result:
            result.update(painted_at=time.time(), rss_mb=rss_mb(), cpu=time.process_time())
            app.exit()

    meter.listeners.append(on_frame)
    app.run(headless=True, size=SIZE)
    if not result:
        raise RuntimeError("the bare app exited before painting")
    return result
