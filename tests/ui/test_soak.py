"""A short soak: many polls against a churning inbox; tasks, threads and memory stay flat.

Not in the default run (``make test-slow`` runs it); the long version (thousands of polls)
runs in the benchmarks: ``make bench`` / ``--soak``.
"""

from __future__ import annotations

import asyncio
import random
import re
import threading
from collections import Counter

import pytest

from tests.ui.conftest import LoadedApp, next_poll
from vm_tui.demo import DemoServer


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def task_names() -> Counter[str]:
    """Live asyncio tasks by kind (ids stripped; toasts come and go with their timeouts)."""
    names = (re.sub(r"[-#]?[0-9a-f]{3,}.*|\d+", "", t.get_name()) for t in asyncio.all_tasks())
    return Counter(n for n in names if "Toast" not in n)


def churn(server: DemoServer, rng: random.Random) -> None:
    """What colleagues and callers do between two polls."""
    ids = [v["id"] for v in server.voicemails()]
    action = rng.choice(["add", "listen", "unlisten", "remove", "transcribe", "nothing"])
    if action == "add" or len(ids) < 5:
        server.add_voicemail()
    elif action == "remove":
        server.remove_voicemail(rng.choice(ids[1:]))
    elif action in ("listen", "unlisten"):
        server.update_voicemail(rng.choice(ids), listened=action == "listen")
    elif action == "transcribe":
        server.update_voicemail(rng.choice(ids), transcription=f"edited {rng.random()}")


@pytest.mark.slow
async def test_polls_against_a_churning_inbox_stay_flat(
    loaded_app: LoadedApp, fixed_server: DemoServer
) -> None:
    rng = random.Random(7)
    app, pilot = loaded_app
    for _ in range(30):  # warm up: caches, lazily created objects
        churn(fixed_server, rng)
        await next_poll(pilot)
    app.clear_notifications()
    await pilot.pause(0.1)
    threads, tasks, rss = threading.active_count(), task_names(), rss_kib()
    for _ in range(150):
        churn(fixed_server, rng)
        await next_poll(pilot)
        await pilot.press("j")
    app.clear_notifications()
    await pilot.pause(0.1)
    assert threading.active_count() == threads
    grown = task_names() - tasks
    assert not grown, f"tasks left behind: {dict(grown)}"
    assert rss_kib() - rss < 12 * 1024, "memory grows with polls"
    # The list still matches the server after all that churn.
    assert app.service.state.order == [v["id"] for v in fixed_server.voicemails()]
