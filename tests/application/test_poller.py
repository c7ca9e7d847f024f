"""The poller without a terminal: against the demo server over loopback HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from vm_tui.api import PhoneIncClient, RetryPolicy
from vm_tui.api.models import Inbox
from vm_tui.application.announcements import Announcements
from vm_tui.application.connection import Link
from vm_tui.application.events import AppEvent, ConnectionChanged, InboxChanged, Notice
from vm_tui.application.poller import CACHE_WRITE_WAIT, Poller
from vm_tui.demo import DemoServer, Fault
from vm_tui.inbox import InboxState
from vm_tui.local.inbox_cache import InboxCache
from vm_tui.local.seen import SeenFile

LIST = "/api/v1/voicemails"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@contextlib.asynccontextmanager
async def poller_for(
    server: DemoServer,
    *,
    announcements: Announcements | None = None,
    cache: InboxCache | None = None,
    timeout_key: str | None = None,
) -> AsyncIterator[tuple[Poller, list[AppEvent]]]:
    client = PhoneIncClient(
        timeout_key or server.api_key, server.base_url, retry=RetryPolicy(max_attempts=1)
    )
    events: list[AppEvent] = []
    poller = Poller(
        client,
        InboxState(),
        emit=events.append,
        interval=60,
        announcements=announcements,
        cache=cache,
        clock=Clock(),
        rng=random.Random(1),
    )
    try:
        yield poller, events
    finally:
        await client.aclose()


def announced(events: list[AppEvent]) -> list[str]:
    return [i for e in events if isinstance(e, InboxChanged) for i in e.announce]


async def test_a_poll_loads_the_inbox_and_goes_live(demo_server: DemoServer) -> None:
    async with poller_for(demo_server) as (poller, events):
        delay = await poller.poll_once()
        assert delay is not None and 54 <= delay <= 66  # the interval, jittered
        assert poller.state.order == [v["id"] for v in demo_server.voicemails()]
        assert poller.status.link is Link.LIVE and poller.polls_completed == 1
        assert any(isinstance(e, ConnectionChanged) for e in events)
        assert announced(events) == []  # the first inbox ever seen is the baseline


async def test_each_voicemail_is_announced_once(demo_server: DemoServer) -> None:
    async with poller_for(demo_server) as (poller, events):
        await poller.poll_once()
        new = demo_server.add_voicemail()
        await poller.poll_once()
        assert announced(events) == [new["id"]]
        # An empty answer (a glitch upstream), then everything again: nothing is new.
        demo_server.inject(Fault.status(200, b'{"unlistened_count": 0, "voicemails": []}'))
        await poller.poll_once()
        assert poller.state.order == []
        await poller.poll_once()
        assert announced(events) == [new["id"]]


async def test_announcements_survive_a_restart(demo_server: DemoServer, tmp_path: Path) -> None:
    seen = SeenFile(tmp_path / "seen.json")
    async with poller_for(demo_server, announcements=Announcements(seen)) as (poller, _):
        await poller.poll_once()
    seen.flush()
    arrived_while_closed = demo_server.add_voicemail()
    again = Announcements(SeenFile(tmp_path / "seen.json"))
    async with poller_for(demo_server, announcements=again) as (poller, events):
        await poller.poll_once()
        assert announced(events) == [arrived_while_closed["id"]]


async def test_a_failure_backs_off_and_honours_retry_after(demo_server: DemoServer) -> None:
    async with poller_for(demo_server) as (poller, _):
        await poller.poll_once()
        demo_server.inject(Fault.status(503), times=3, path=LIST)
        first = await poller.poll_once()
        second = await poller.poll_once()
        assert first is not None and second is not None and 1 <= first <= 2 < second <= 4
        assert poller.status.link is Link.OFFLINE and poller.status.stale
        demo_server.inject(Fault.rate_limited(retry_after=40), path=LIST)
        await poller.poll_once()  # the third 503
        delay = await poller.poll_once()
        assert delay == 40
        assert poller.status.retry_at == poller.clock() + 40
        assert await poller.poll_once() is not None
        assert poller.status.link is Link.LIVE and poller.backoff.failures == 0


async def test_a_rejected_key_waits_for_the_user(demo_server: DemoServer) -> None:
    async with poller_for(demo_server, timeout_key="phk_WrongWrongWrongWrongWrongWrong") as (
        poller,
        events,
    ):
        assert await poller.poll_once() is None  # no timer: only refresh() polls again
        assert poller.status.link is Link.KEY_REJECTED
        assert any(isinstance(e, Notice) and e.title == "API key rejected" for e in events)
        poller.refresh()
        assert poller.status.link is Link.REFRESHING


async def test_refresh_replaces_a_poll_that_hangs(demo_server: DemoServer) -> None:
    async with poller_for(demo_server) as (poller, _):
        demo_server.inject(Fault.delay(30), path=LIST)
        task = asyncio.create_task(poller.run())
        try:
            await asyncio.sleep(0.3)
            assert poller.polls_completed == 0  # stuck in the slow answer
            poller.refresh()
            for _ in range(200):
                if poller.polls_completed:
                    break
                await asyncio.sleep(0.01)
            assert poller.polls_completed == 1
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        assert sum(r.path == LIST for r in demo_server.requests) == 2


async def test_unreadable_voicemails_are_reported_once(demo_server: DemoServer) -> None:
    async with poller_for(demo_server) as (poller, events):
        demo_server.inject(Fault.malformed_item(), times=2, path=LIST)
        await poller.poll_once()
        await poller.poll_once()
        warnings = [e for e in events if isinstance(e, Notice) and e.severity == "warning"]
        assert len(warnings) == 1 and "could not be read" in warnings[0].text
        assert len(poller.state) == len(demo_server.voicemails()) - 1


async def test_offline_start_shows_the_cache_then_the_server(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    cache = InboxCache(tmp_path / "cache.json")
    async with poller_for(demo_server, cache=cache) as (poller, _):
        await poller.poll_once()
        await poller.save_cache_now()
    async with poller_for(demo_server, cache=cache) as (poller, events):
        await poller.show_cached_inbox()
        assert poller.state.order == [v["id"] for v in demo_server.voicemails()]
        assert poller.status.link is Link.CONNECTING and poller.status.stale
        assert isinstance(events[0], InboxChanged)


async def test_cancelled_just_as_it_is_asked_to_poll_it_stops(demo_server: DemoServer) -> None:
    async with poller_for(demo_server) as (poller, _):
        task = asyncio.create_task(poller.run())
        for _ in range(200):
            if poller.polls_completed:
                break
            await asyncio.sleep(0.01)
        poller.refresh()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            async with asyncio.timeout(5):
                await task


async def test_a_poll_keeps_the_objects_of_what_did_not_change(demo_server: DemoServer) -> None:
    """The parsing thread hands back the last poll's voicemail for each one that did not
    change, so the diff on the event loop compares identities, not 10,000 pairs of fields."""
    async with poller_for(demo_server) as (poller, events):
        await poller.poll_once()
        before = {i: poller.state.get(i) for i in poller.state.order}
        changed = poller.state.order[1]
        demo_server.update_voicemail(changed, transcription="Edited elsewhere")
        events.clear()
        await poller.poll_once()
        after = {i: poller.state.get(i) for i in poller.state.order}
        assert [i for i in after if after[i] is not before[i]] == [changed]
        diffs = [e.diff for e in events if isinstance(e, InboxChanged)]
        assert [d.changed for d in diffs] == [(changed,)]


class HeldCache(InboxCache):
    """The real cache on disk, whose writes wait until the test lets them go."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.writing = threading.Event()
        self.release = threading.Event()

    def save(self, inbox: Inbox) -> None:
        self.writing.set()
        self.release.wait(10)
        super().save(inbox)


def list_requests(server: DemoServer) -> int:
    return sum(1 for r in server.requests if r.method == "GET" and r.path == LIST)


@contextlib.asynccontextmanager
async def cache_write_in_flight(
    server: DemoServer, folder: Path
) -> AsyncIterator[tuple[Poller, HeldCache]]:
    """A loaded poller whose cache write has started and waits for ``cache.release``."""
    cache = HeldCache(folder / "cache.json")
    async with poller_for(server, cache=cache) as (poller, _):
        await poller.poll_once()
        poller.save_cache_soon()
        assert await asyncio.to_thread(cache.writing.wait, 5)
        try:
            yield poller, cache
        finally:
            cache.release.set()
            await poller.save_cache_now()


async def test_a_poll_waits_for_the_cache_write_in_flight(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    """A refresh right after a change: the cache is written first, then the inbox is asked for
    and parsed, not both at once in two threads."""
    async with cache_write_in_flight(demo_server, tmp_path) as (poller, cache):
        asked = list_requests(demo_server)
        poll = asyncio.ensure_future(poller.poll_once())
        await asyncio.sleep(0.3)
        assert not poll.done() and list_requests(demo_server) == asked
        cache.release.set()
        async with asyncio.timeout(5):
            await poll
        assert list_requests(demo_server) == asked + 1
        assert cache.load() is not None


async def test_a_cache_write_that_hangs_holds_a_poll_back_a_second_at_most(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    async with cache_write_in_flight(demo_server, tmp_path) as (poller, _):
        demo_server.add_voicemail()
        started = time.monotonic()
        async with asyncio.timeout(5):
            await poller.poll_once()
        waited = time.monotonic() - started
        assert CACHE_WRITE_WAIT <= waited < CACHE_WRITE_WAIT + 2
        assert len(poller.state.order) == len(demo_server.voicemails())
