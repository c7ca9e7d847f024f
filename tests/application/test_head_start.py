"""The first inbox asked for before the UI is built: the first poll takes its answer (or its
error) instead of asking again, and ``vm-tui`` sends it before Textual is imported."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from vm_tui.api import PhoneIncClient, RetryPolicy
from vm_tui.application.connection import Link
from vm_tui.application.events import AppEvent
from vm_tui.application.head_start import HeadStart
from vm_tui.application.poller import Poller
from vm_tui.demo import DemoServer, Fault
from vm_tui.inbox import InboxState

LIST = "/api/v1/voicemails"


def list_requests(server: DemoServer) -> int:
    return sum(1 for r in server.requests if r.method == "GET" and r.path == LIST)


def poller_with(server: DemoServer, head_start: HeadStart | None) -> Poller:
    client = PhoneIncClient(server.api_key, server.base_url, retry=RetryPolicy(max_attempts=1))
    events: list[AppEvent] = []
    return Poller(client, InboxState(), emit=events.append, interval=60, head_start=head_start)


def head_start_for(server: DemoServer) -> HeadStart:
    return HeadStart(lambda: PhoneIncClient(server.api_key, server.base_url)).start()


async def test_the_first_poll_takes_the_head_starts_inbox(demo_server: DemoServer) -> None:
    poller = poller_with(demo_server, head_start_for(demo_server))
    try:
        await poller.poll_once()
        assert poller.state.order == [v["id"] for v in demo_server.voicemails()]
        assert poller.status.link is Link.LIVE
        assert list_requests(demo_server) == 1  # the head start's: the poll did not ask again
        new = demo_server.add_voicemail()
        await poller.poll_once()  # later polls ask themselves
        assert list_requests(demo_server) == 2
        assert poller.state.order[0] == new["id"]
    finally:
        await poller.client.aclose()


async def test_an_error_of_the_head_start_is_the_first_polls(demo_server: DemoServer) -> None:
    demo_server.inject(Fault.status(503), times=1)
    poller = poller_with(demo_server, head_start_for(demo_server))
    try:
        delay = await poller.poll_once()
        # Reported and backed off as the poll's own failure, not asked for a second time.
        assert poller.status.link is Link.OFFLINE and delay is not None
        assert list_requests(demo_server) == 1
        await poller.poll_once()
        assert poller.status.link is Link.LIVE and list_requests(demo_server) == 2
    finally:
        await poller.client.aclose()


async def test_a_head_start_that_broke_leaves_the_poll_to_ask(demo_server: DemoServer) -> None:
    def broken() -> PhoneIncClient:
        raise RuntimeError("not the network's doing")

    poller = poller_with(demo_server, HeadStart(broken).start())
    try:
        await poller.poll_once()
        assert poller.status.link is Link.LIVE and list_requests(demo_server) == 1
    finally:
        await poller.client.aclose()


async def arrived(head_start: HeadStart) -> None:
    for _ in range(500):
        if head_start._future.done():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the head start never answered")


async def test_an_inbox_that_arrived_is_shown_at_once_and_not_asked_for_again(
    demo_server: DemoServer,
) -> None:
    """The app shows it before its first frame; the poller then waits a whole interval."""
    head_start = head_start_for(demo_server)
    poller = poller_with(demo_server, head_start)
    poller.interval = 0.3
    await arrived(head_start)
    try:
        assert poller.show_head_start_if_ready()  # synchronously: no await in between
        assert poller.state.order == [v["id"] for v in demo_server.voicemails()]
        assert poller.status.link is Link.LIVE and poller.polls_completed == 1
        running = asyncio.create_task(poller.run())
        await asyncio.sleep(0.1)
        assert list_requests(demo_server) == 1  # not asked again at once
        await asyncio.sleep(0.4)
        assert list_requests(demo_server) == 2  # a poll interval later
        running.cancel()
    finally:
        await poller.client.aclose()


async def test_an_inbox_still_on_its_way_or_an_error_is_left_to_the_first_poll(
    demo_server: DemoServer,
) -> None:
    demo_server.inject(Fault.status(503), times=1)
    head_start = head_start_for(demo_server)
    poller = poller_with(demo_server, head_start)
    await arrived(head_start)
    try:
        assert not poller.show_head_start_if_ready()
        assert not poller.state.loaded
        await poller.poll_once()  # meets the head start's error as its own
        assert poller.status.link is Link.OFFLINE and list_requests(demo_server) == 1
    finally:
        await poller.client.aclose()


def test_vm_tui_asks_for_the_inbox_before_it_imports_textual(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    # The real entry point up to the app, which is replaced by a probe that notes whether
    # Textual was loaded when the inbox was asked for (a subprocess: this one has Textual).
    probe = textwrap.dedent(
        """
        import asyncio, json, sys
        import vm_tui.ui.launch as launch_module

        def probe(settings, *, demo=False, head_start=None):
            textual = "textual" in sys.modules
            inbox = asyncio.run(head_start.take()) if head_start else None
            print(json.dumps({"textual_before": textual,
                              "count": len(inbox.voicemails) if inbox else None}))
            return 0

        launch_module.launch = probe
        from vm_tui.cli import main
        sys.argv = ["vm-tui"]
        main()
        """
    )
    env = {
        **os.environ,
        "PHONE_INC_BASE_URL": demo_server.base_url,
        "PHONE_INC_API_KEY": demo_server.api_key,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.splitlines()[-1])
    assert answer == {"textual_before": False, "count": len(demo_server.voicemails())}
    assert list_requests(demo_server) == 1
