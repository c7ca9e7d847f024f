"""The poller and the outbox sender against a slow or hostile server: every failure is an error
they report and recover from, never one that ends their loop."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator

import pytest

from tests.application.test_outbox_sender import FLUSH, harness, running, unlistened_id
from vm_tui.api import PhoneIncClient, RetryPolicy
from vm_tui.api import limits as limits_module
from vm_tui.application.connection import Link
from vm_tui.application.events import AppEvent
from vm_tui.application.outbox_sender import Outcome
from vm_tui.application.poller import Poller
from vm_tui.demo import DemoServer, Fault
from vm_tui.inbox import InboxState
from vm_tui.inbox.outbox import Operation

LIST = "/api/v1/voicemails"
BUDGET = 0.25


@pytest.fixture
def quick_budgets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients made from now on have 0.25 s for each request (the shipped: 15-30 s)."""
    for name in ("LIST_SECONDS", "CHANGE_SECONDS", "RETRIEVE_SECONDS"):
        monkeypatch.setattr(limits_module, name, BUDGET)


@contextlib.asynccontextmanager
async def poller_for(server: DemoServer) -> AsyncIterator[tuple[Poller, list[AppEvent]]]:
    client = PhoneIncClient(server.api_key, server.base_url, retry=RetryPolicy(max_attempts=1))
    events: list[AppEvent] = []
    poller = Poller(client, InboxState(), emit=events.append, interval=60, rng=random.Random(1))
    try:
        yield poller, events
    finally:
        await client.aclose()


# -- the poller ------------------------------------------------------------------------------


@pytest.mark.usefixtures("quick_budgets")
async def test_a_trickled_poll_ends_at_its_deadline_and_the_next_one_works(
    demo_server: DemoServer,
) -> None:
    async with poller_for(demo_server) as (poller, _):
        await poller.poll_once()
        demo_server.inject(Fault.trickle(50), path=LIST)
        started = time.monotonic()
        delay = await poller.poll_once()
        assert time.monotonic() - started < BUDGET + 1.5
        assert poller.status.link is Link.OFFLINE and poller.status.stale
        assert poller.status.message == "Phone.inc took longer than 0.25 s to send the inbox"
        assert delay is not None
        await poller.poll_once()
        assert poller.status.link is Link.LIVE


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        pytest.param(Fault.nested_json(100_000), "nested too deeply", id="nested-json"),
        pytest.param(Fault.invalid_utf8(), "invalid UTF-8", id="invalid-utf8"),
        pytest.param(Fault.gzip_bomb(64 * 1024**2), "4 MB the inbox may take", id="gzip-bomb"),
    ],
)
async def test_a_hostile_inbox_is_an_error_the_poller_reports(
    demo_server: DemoServer, fault: Fault, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits_module, "LIST_MAX_BYTES", 4 * 1024**2)
    async with poller_for(demo_server) as (poller, _):
        await poller.poll_once()
        shown = list(poller.state.order)
        demo_server.inject(fault, path=LIST)
        task = asyncio.ensure_future(poller.run())  # the loop itself, not one poll
        try:
            for _ in range(300):
                if poller.status.link is Link.OFFLINE:
                    break
                await asyncio.sleep(0.01)
            assert poller.status.message is not None and message in poller.status.message
            assert not task.done(), "the poller's loop ended"
            assert poller.state.order == shown  # the last good inbox stays
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def test_edge_dates_surrogates_and_absurd_counts_load(demo_server: DemoServer) -> None:
    async with poller_for(demo_server) as (poller, _):
        for fault in (Fault.edge_dates(), Fault.lone_surrogates(), Fault.absurd_count("-1")):
            demo_server.inject(fault, path=LIST)
            await poller.poll_once()
            assert poller.status.link is Link.LIVE
            assert len(poller.state.order) == len(demo_server.voicemails())


# -- the outbox sender ---------------------------------------------------------------------


@pytest.mark.usefixtures("quick_budgets")
async def test_a_trickled_mark_is_kept_and_sent_again(demo_server: DemoServer) -> None:
    vm_id = unlistened_id(demo_server)
    async with harness(demo_server) as h:
        demo_server.inject(Fault.trickle(20), path=f"{LIST}/{vm_id}")
        op = Operation.mark(vm_id, True)
        h.runner.submit(op)
        started = time.monotonic()
        outcome = await h.runner.send(op)
        assert time.monotonic() - started < BUDGET + 1.5
        assert outcome is Outcome.RETRY
        assert h.runner.last_error == "Phone.inc took longer than 0.25 s to confirm the mark"
        assert len(h.outbox) == 1  # kept
        async with running(h.runner):
            assert await h.runner.flush(FLUSH)
        server_vm = h.on_server(vm_id)
        assert server_vm is not None and server_vm["listened_at"] is not None


@pytest.mark.usefixtures("quick_budgets")
async def test_one_stuck_change_does_not_hold_the_others(demo_server: DemoServer) -> None:
    stuck, other = unlistened_id(demo_server, 0), unlistened_id(demo_server, 1)
    async with harness(demo_server) as h, running(h.runner):
        demo_server.inject(Fault.trickle(5), times=50, path=f"{LIST}/{stuck}")
        h.runner.submit(Operation.mark(stuck, True))
        h.runner.submit(Operation.mark(other, True))
        for _ in range(200):
            done = h.on_server(other)
            if done is not None and done["listened_at"] is not None:
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("the other change waited for the stuck one")


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(Fault.nested_json(100_000), id="nested-json"),
        pytest.param(Fault.invalid_utf8(), id="invalid-utf8"),
        pytest.param(Fault.gzip_bomb(64 * 1024**2), id="gzip-bomb"),
        pytest.param(Fault.edge_dates(), id="edge-dates"),
        pytest.param(Fault.lone_surrogates(), id="surrogates"),
    ],
)
async def test_a_hostile_answer_to_a_change_never_ends_the_sender(
    demo_server: DemoServer, fault: Fault
) -> None:
    first, second = unlistened_id(demo_server, 0), unlistened_id(demo_server, 1)
    async with harness(demo_server) as h:
        # One send, as the CLI makes it: an answer it can read or an error it reports.
        demo_server.inject(fault, path=f"{LIST}/{first}")
        alone = Operation.mark(first, True)
        h.runner.submit(alone)
        outcome = await h.runner.send(alone)
        assert outcome in (Outcome.SENT, Outcome.RETRY)
        if outcome is Outcome.RETRY:
            assert h.runner.last_error, "a retry says why"
        h.runner.settle()
        # And the loop, with the others: it goes on, and everything reaches the server.
        demo_server.inject(fault, path=f"{LIST}/{first}")
        task = asyncio.ensure_future(h.runner.run())
        try:
            h.runner.submit(Operation.mark(first, True))
            h.runner.submit(Operation.delete(second))
            assert await h.runner.flush(FLUSH)
            assert not task.done(), "the sender's loop ended"
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        server_vm = h.on_server(first)
        assert server_vm is not None and server_vm["listened_at"] is not None
        assert h.on_server(second) is None
