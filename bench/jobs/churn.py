"""Many polls against a churning inbox: RSS, asyncio tasks and threads must stay flat.

Between polls the server changes a voicemail, and every ``new_every`` polls adds one and deletes
the oldest. The soak variant varies the churn at random (0-3 new, 0-6 changed, 0-3 deleted per
poll) and moves the cursor now and then, so prefetch, decode and the audio cache run too.
"""

from __future__ import annotations

import asyncio
import gc
import random
import time
from typing import Any

from bench.demo_control import RemoteDemo
from bench.harness import (
    SIZE,
    build_app,
    expire_toasts,
    loaded,
    os_threads,
    poll,
    rss_mb,
    task_count,
)
from bench.recording_backend import RecordingBackend
from vm_tui.audio.player import Player
from vm_tui.ui.app import VoicemailApp
from vm_tui.ui.widgets.voicemail_list import VoicemailList


def _sample(app: VoicemailApp, polls: int, started: float) -> dict[str, Any]:
    return {
        "poll": polls,
        "seconds": round(time.monotonic() - started, 1),
        "rss_mb": rss_mb(),
        "tasks": task_count(),
        "threads": os_threads(),
        "shown": len(app.service.state),
    }


async def _measure(demo: RemoteDemo, args: dict[str, Any]) -> dict[str, Any]:
    polls, warmup, every = args["polls"], args["warmup"], args["sample_every"]
    vary = bool(args.get("vary"))
    new_every = int(args.get("new_every", 1))  # polls between a new (and a deleted) voicemail
    rng = random.Random(1)
    player = Player(backend=RecordingBackend())
    app = build_app(demo.base_url, demo.api_key, player=player)
    samples: list[dict[str, Any]] = []
    started = time.monotonic()
    try:
        async with app.run_test(size=SIZE, notifications=True):
            await loaded(app)
            vm_list = app.query_one(VoicemailList)
            for n in range(1, polls + 1):
                if vary:
                    churn = (rng.randint(0, 3), rng.randint(0, 6), rng.randint(0, 3))
                else:
                    arrivals = int(n % new_every == 0)
                    churn = (arrivals, 1, arrivals)
                demo.churn(*churn)  # on the loop: the app's executor stays the app's
                await poll(app, settle=0.005)
                expire_toasts(app)
                if vary and n % 10 == 0 and vm_list.ids:
                    vm_list.select(rng.choice(vm_list.ids[:200]))  # prefetch, decode, cache
                if n in (warmup, polls) or (n > warmup and n % every == 0):
                    gc.collect()  # count what is kept, not what the collector has not freed yet
                    samples.append(_sample(app, n, started))
    finally:
        player.close()
    return {"samples": samples, "seconds": time.monotonic() - started}


def run(args: dict[str, Any]) -> dict[str, Any]:
    with RemoteDemo(args["count"]) as demo:
        return asyncio.run(_measure(demo, args))
