"""The outbox sender against the demo server over real loopback HTTP.

Every change is optimistic in the state, kept in the journal until the server confirms it,
and settled by the server's answer: 2xx confirms, 404 forgets, 408/421/425/429/5xx/network
keep and retry, 401 pauses everything until the key works, other 4xx revert with a notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.application.walks import WalkedList, Walks
from vm_tui.api import PhoneIncClient, RetryPolicy
from vm_tui.application.events import AppEvent, InboxChanged, Notice, PendingChanged
from vm_tui.application.outbox_sender import BULK_SLICE, OutboxSender
from vm_tui.demo import DemoServer, Fault
from vm_tui.inbox import InboxDiff, InboxState
from vm_tui.inbox.outbox import Operation
from vm_tui.local.outbox_journal import OutboxJournal

WRONG_KEY = "phk_WrongWrongWrongWrongWrongWrong"
FLUSH = 10.0  # generous: a green run takes milliseconds


@dataclass
class Harness:
    server: DemoServer
    client: PhoneIncClient
    state: InboxState
    outbox: OutboxJournal
    runner: OutboxSender
    events: list[AppEvent] = field(default_factory=list)

    @property
    def diffs(self) -> list[InboxDiff]:
        return [e.diff for e in self.events if isinstance(e, InboxChanged)]

    @property
    def notices(self) -> list[tuple[str, str]]:
        return [(e.text, e.severity) for e in self.events if isinstance(e, Notice)]

    def requests(self, method: str, vm_id: str | None = None) -> list[str]:
        return [
            r.path
            for r in self.server.requests
            if r.method == method and (vm_id is None or r.path.endswith("/" + vm_id))
        ]

    def on_server(self, vm_id: str) -> dict[str, object] | None:
        return next((v for v in self.server.voicemails() if v["id"] == vm_id), None)

    async def poll(self) -> InboxDiff:
        diff = self.state.apply_poll(await self.client.list_voicemails(), self.state.begin_poll())
        self.runner.key_works()
        return diff


def client_for(server: DemoServer, key: str | None = None, timeout: float = 5.0) -> PhoneIncClient:
    return PhoneIncClient(
        key or server.api_key,
        server.base_url,
        retry=RetryPolicy(max_attempts=1),
        timeout=httpx.Timeout(timeout),
    )


@contextlib.asynccontextmanager
async def harness(
    server: DemoServer,
    outbox: OutboxJournal | None = None,
    *,
    key: str | None = None,
    timeout: float = 5.0,
    retry_base: float = 0.01,
    poll_first: bool = True,
    concurrency: int = 8,
) -> AsyncIterator[Harness]:
    """A loaded state and a sender (not yet running) whose client uses ``key``."""
    poller = client_for(server)
    client = client_for(server, key, timeout)
    try:
        state = InboxState()
        box = outbox if outbox is not None else OutboxJournal(None)
        events: list[AppEvent] = []
        runner = OutboxSender(
            client,
            state,
            box,
            emit=events.append,
            retry_base=retry_base,
            retry_ceiling=retry_base * 5,
            concurrency=concurrency,
        )
        h = Harness(server, poller, state, box, runner, events)
        if poll_first:
            await h.poll()
        yield h
    finally:
        await client.aclose()
        await poller.aclose()


@contextlib.asynccontextmanager
async def running(runner: OutboxSender) -> AsyncIterator[None]:
    task = asyncio.create_task(runner.run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def unlistened_id(server: DemoServer, nth: int = 0) -> str:
    return [v["id"] for v in server.voicemails() if v["listened_at"] is None][nth]


def listened_id(server: DemoServer) -> str:
    return next(v["id"] for v in server.voicemails() if v["listened_at"] is not None)


# -- the happy path ----------------------------------------------------------------------------


async def test_mark_reaches_the_server_and_leaves_the_outbox(demo_server: DemoServer) -> None:
    vm_id = unlistened_id(demo_server)
    async with harness(demo_server) as h:
        before = h.state.unlistened_count
        h.runner.submit(Operation.mark(vm_id, True))
        shown = h.state.get(vm_id)
        assert shown is not None and shown.listened  # optimistic, before any request
        assert h.state.unlistened_count == before - 1
        assert len(h.outbox) == 1
        async with running(h.runner):
            assert await h.runner.flush(FLUSH)
        assert len(h.outbox) == 0
        server_vm = h.on_server(vm_id)
        assert server_vm is not None and server_vm["listened_at"] is not None
        patches = [r for r in demo_server.requests if r.method == "PATCH"]
        assert len(patches) == 1 and patches[0].body == b"listened=true"
        assert h.notices == []
        assert h.runner.last_error is None
        # The next poll agrees: nothing flickers.
        diff = await h.poll()
        assert vm_id not in diff.changed
        shown = h.state.get(vm_id)
        assert shown is not None and shown.listened


async def test_mark_unlistened(demo_server: DemoServer) -> None:
    vm_id = listened_id(demo_server)
    async with harness(demo_server) as h, running(h.runner):
        h.runner.submit(Operation.mark(vm_id, False))
        assert await h.runner.flush(FLUSH)
        server_vm = h.on_server(vm_id)
        assert server_vm is not None and server_vm["listened_at"] is None
        shown = h.state.get(vm_id)
        assert shown is not None and not shown.listened


async def test_delete_reaches_the_server(demo_server: DemoServer) -> None:
    vm_id = unlistened_id(demo_server)
    async with harness(demo_server) as h:
        h.runner.submit(Operation.delete(vm_id))
        assert vm_id not in h.state.order
        async with running(h.runner):
            assert await h.runner.flush(FLUSH)
        assert h.on_server(vm_id) is None
        assert len(h.outbox) == 0
        assert vm_id not in h.state.order
        assert h.notices == []
        await h.poll()
        assert vm_id not in h.state.order


async def test_mark_then_delete_sends_only_the_delete(demo_server: DemoServer) -> None:
    vm_id = unlistened_id(demo_server)
    async with harness(demo_server) as h:
        h.runner.submit(Operation.mark(vm_id, True))
        h.runner.submit(Operation.delete(vm_id))
        assert len(h.outbox) == 1
        async with running(h.runner):
            assert await h.runner.flush(FLUSH)
        assert h.requests("PATCH") == []
        assert len(h.requests("DELETE", vm_id)) == 1
        assert h.on_server(vm_id) is None


async def test_several_operations_all_go_out(demo_server: DemoServer) -> None:
    a, b, c = (unlistened_id(demo_server, i) for i in range(3))
    async with harness(demo_server) as h, running(h.runner):
        h.runner.submit(Operation.mark(a, True))
        h.runner.submit(Operation.delete(b))
        h.runner.submit(Operation.mark(c, True))
        assert await h.runner.flush(FLUSH)
        assert len(h.outbox) == 0
        assert h.on_server(b) is None
        for vm_id in (a, c):
            server_vm = h.on_server(vm_id)
            assert server_vm is not None and server_vm["listened_at"] is not None


# -- transient trouble: kept and retried -------------------------------------------------------


async def test_503_then_ok_is_retried(demo_server: DemoServer) -> None:
    vm_id = unlistened_id(demo_server)
    demo_server.inject(Fault.status(503), times=2, path=f"/api/v1/voicemails/{vm_id}")
    async with harness(demo_server) as h, running(h.runner):
        h.runner.submit(Operation.mark(vm_id, True))
        assert await h.runner.flush(FLUSH)
        assert len(h.requests("PATCH", vm_id)) == 3
        server_vm = h.on_server(vm_id)
        assert server_vm is not None and server_vm["listened_at"] is not None
        assert len(h.outbox) == 0
        assert h.notices == []
        assert h.runner.last_error is None  # cleared by the success


async def test_html_502_and_a_dropped_connection_are_retried(demo_server: DemoServer) -> None:
    vm_id = unlistened_id(demo_server)
    path = f"/api/v1/voicemails/{vm_id}"
    demo_server.inject(Fault.html_502(), path=path)
    demo_server.inject(Fault.drop_connection(), path=path)
    async with harness(demo_server) as h, running(h.runner):
        h.runner.submit(Operation.delete(vm_id))
        assert await h.runner.flush(FLUSH)
        assert len(h.requests("DELETE", vm_id)) == 3
        assert h.on_server(vm_id) is None
        assert h.notices == []


async def test_a_poll_during_an_outage_does_not_undo_the_pending_mark(
    demo_server: DemoServer,
) -> None:
    vm_id = unlistened_id(demo_server)
    demo_server.inject(Fault.status(500), times=10_000, path=f"/api/v1/voicemails/{vm_id}")
    async with harness(demo_server) as h, running(h.runner):
        h.runner.submit(Operation.mark(vm_id, True))
        assert not await h.runner.flush(0.3)
        assert len(h.outbox) == 1
        assert h.runner.last_error is not None and "500" in h.runner.last_error
        await h.poll()  # the server still says unlistened
        shown = h.state.get(vm_id)
        assert shown is not None and shown.listened
        assert vm_id in h.state.pending_ids()
        demo_server.clear_faults()
        assert await h.runner.flush(FLUSH)
        assert len(h.outbox) == 0
        server_vm = h.on_server(vm_id)
        assert server_vm is not None and server_vm["listened_at"] is not None


async def test_401_keeps_every_change_until_the_key_works(demo_server: DemoServer) -> None:
    vm_id, other = unlistened_id(demo_server), unlistened_id(demo_server, 1)
    async with harness(demo_server, key=WRONG_KEY) as h:
        async with running(h.runner):
            h.runner.submit(Operation.mark(vm_id, True))
            assert not await h.runner.flush(0.3)
            h.runner.submit(Operation.mark(other, True))
            assert not await h.runner.flush(0.3)
        assert len(h.outbox) == 2
        # Kept, not dropped, and paused: a dead key is not hammered, nor is the next change sent.
        assert len(h.requests("PATCH", vm_id)) == 1
        assert h.requests("PATCH", other) == []
        assert h.runner.key_rejected
        assert h.runner.last_error is not None
        assert WRONG_KEY not in h.runner.last_error
        assert h.notices == []  # not reverted
        shown = h.state.get(vm_id)
        assert shown is not None and shown.listened
        server_vm = h.on_server(vm_id)
        assert server_vm is not None and server_vm["listened_at"] is None
        # The user fixes the key and a poll works: the kept operations go out.
        h.runner.client = h.client
        await h.poll()
        async with running(h.runner):
            assert await h.runner.flush(FLUSH)
        assert len(h.outbox) == 0
        for vm in (vm_id, other):
            server_vm = h.on_server(vm)
            assert server_vm is not None and server_vm["listened_at"] is not None


# -- definite answers --------------------------------------------------------------------------


async def test_404_on_a_mark_drops_it_and_forgets_the_voicemail(demo_server: DemoServer) -> None:
    vm_id = unlistened_id(demo_server)
    async with harness(demo_server) as h:
        demo_server.remove_voicemail(vm_id)  # a colleague deleted it
        before = h.state.unlistened_count
        async with running(h.runner):
            h.runner.submit(Operation.mark(vm_id, True))
            assert await h.runner.flush(FLUSH)
        assert len(h.outbox) == 0
        assert h.state.get(vm_id) is None
        assert vm_id not in h.state.order
        assert h.state.unlistened_count == before - 1
        assert any(vm_id in d.removed for d in h.diffs)
        assert [severity for _, severity in h.notices] == ["warning"]
        assert "deleted" in h.notices[0][0]


async def test_delete_whose_first_attempt_landed_counts_as_done(demo_server: DemoServer) -> None:
    vm_id = unlistened_id(demo_server)
    async with harness(demo_server) as h:
        demo_server.remove_voicemail(vm_id)  # our earlier DELETE landed; its answer was lost
        async with running(h.runner):
            h.runner.submit(Operation.delete(vm_id))
            assert await h.runner.flush(FLUSH)
        assert len(h.outbox) == 0
        assert h.notices == []
        assert vm_id not in h.state.order
        await h.poll()
        assert vm_id not in h.state.order


async def test_delete_timed_out_after_landing_is_retried_and_done(
    demo_server: DemoServer,
) -> None:
    """The first DELETE times out on our side but the server carries it out anyway."""
    vm_id = unlistened_id(demo_server)
    demo_server.inject(Fault.delay(0.5), path=f"/api/v1/voicemails/{vm_id}")
    async with harness(demo_server, timeout=0.2, retry_base=1.0) as h:
        async with running(h.runner):
            h.runner.submit(Operation.delete(vm_id))
            assert await h.runner.flush(FLUSH)
        assert len(h.requests("DELETE", vm_id)) == 2
        assert len(h.outbox) == 0
        assert h.notices == []
        assert h.on_server(vm_id) is None
        assert vm_id not in h.state.order


async def test_422_reverts_the_mark_and_tells_the_user(demo_server: DemoServer) -> None:
    vm_id = unlistened_id(demo_server)
    body = json.dumps({"errors": {"listened": ["must be a boolean"]}}).encode()
    demo_server.inject(Fault.status(422, body=body), path=f"/api/v1/voicemails/{vm_id}")
    async with harness(demo_server) as h:
        before = h.state.unlistened_count
        async with running(h.runner):
            h.runner.submit(Operation.mark(vm_id, True))
            assert await h.runner.flush(FLUSH)
        assert len(h.outbox) == 0
        shown = h.state.get(vm_id)
        assert shown is not None and not shown.listened
        assert h.state.unlistened_count == before
        assert vm_id not in h.state.pending_ids()
        assert len(h.notices) == 1
        message, severity = h.notices[0]
        assert severity == "error"
        assert "mark it listened" in message and "must be a boolean" in message
        assert len(h.requests("PATCH", vm_id)) == 1  # not retried blindly
        server_vm = h.on_server(vm_id)
        assert server_vm is not None and server_vm["listened_at"] is None


async def test_403_on_delete_shows_the_voicemail_again(demo_server: DemoServer) -> None:
    vm_id = unlistened_id(demo_server)
    demo_server.inject(Fault.status(403), path=f"/api/v1/voicemails/{vm_id}")
    async with harness(demo_server) as h:
        order = list(h.state.order)
        async with running(h.runner):
            h.runner.submit(Operation.delete(vm_id))
            assert vm_id not in h.state.order
            assert await h.runner.flush(FLUSH)
        assert h.state.order == order
        assert len(h.outbox) == 0
        assert h.on_server(vm_id) is not None
        assert len(h.notices) == 1
        assert h.notices[0][1] == "error" and "delete" in h.notices[0][0]
        assert len(h.requests("DELETE", vm_id)) == 1


# -- restart: pending operations survive and are replayed --------------------------------------


async def test_replay_after_a_restart_reapplies_and_sends(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    path = tmp_path / "state" / "outbox.jsonl"
    mark_id, delete_id = unlistened_id(demo_server, 0), unlistened_id(demo_server, 1)
    first = OutboxJournal(path)
    first.put([Operation.mark(mark_id, True), Operation.delete(delete_id)])
    del first  # the app stopped before sending

    outbox = OutboxJournal(path)
    assert len(outbox) == 2
    async with harness(demo_server, outbox) as h:
        h.runner.replay()
        shown = h.state.get(mark_id)
        assert shown is not None and shown.listened
        assert delete_id not in h.state.order
        assert h.requests("PATCH") == [] and h.requests("DELETE") == []
        async with running(h.runner):
            assert await h.runner.flush(FLUSH)
        assert h.on_server(delete_id) is None
        server_vm = h.on_server(mark_id)
        assert server_vm is not None and server_vm["listened_at"] is not None
        assert h.notices == []
    assert len(OutboxJournal(path)) == 0


async def test_replay_before_the_first_poll_survives_that_poll(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    """Offline start: the overlays exist before any server view, and the poll keeps them."""
    path = tmp_path / "outbox.jsonl"
    mark_id, delete_id = unlistened_id(demo_server, 0), unlistened_id(demo_server, 1)
    OutboxJournal(path).put([Operation.mark(mark_id, True)])
    OutboxJournal(path).put([Operation.delete(delete_id)])
    async with harness(demo_server, OutboxJournal(path), poll_first=False) as h:
        h.runner.replay()
        await h.poll()  # the server has not seen either change
        shown = h.state.get(mark_id)
        assert shown is not None and shown.listened
        assert delete_id not in h.state.order
        async with running(h.runner):
            assert await h.runner.flush(FLUSH)
        await h.poll()
        shown = h.state.get(mark_id)
        assert shown is not None and shown.listened
        assert delete_id not in h.state.order
    assert len(OutboxJournal(path)) == 0


async def test_flush_with_nothing_pending_is_immediate(demo_server: DemoServer) -> None:
    async with harness(demo_server) as h, running(h.runner):
        assert await h.runner.flush(0.5)
        assert h.requests("PATCH") == [] and h.requests("DELETE") == []


# -- which answers retry and which end a change ------------------------------------------------


@pytest.mark.parametrize("status", [408, 421, 425, 429, 500, 502, 503, 504])
async def test_answers_that_mean_not_now_are_retried(demo_server: DemoServer, status: int) -> None:
    vm_id = unlistened_id(demo_server)
    headers = {"Retry-After": "0"} if status == 429 else None
    demo_server.inject(
        Fault.status(status, headers=headers), times=2, path=f"/api/v1/voicemails/{vm_id}"
    )
    async with harness(demo_server) as h, running(h.runner):
        h.runner.submit(Operation.mark(vm_id, True))
        assert await h.runner.flush(FLUSH)
        assert len(h.requests("PATCH", vm_id)) == 3
        server_vm = h.on_server(vm_id)
        assert server_vm is not None and server_vm["listened_at"] is not None
        assert h.notices == []


@pytest.mark.parametrize("status", [400, 403, 409, 410, 422])
async def test_definite_refusals_end_the_change(demo_server: DemoServer, status: int) -> None:
    vm_id = unlistened_id(demo_server)
    demo_server.inject(Fault.status(status), times=5, path=f"/api/v1/voicemails/{vm_id}")
    async with harness(demo_server) as h, running(h.runner):
        h.runner.submit(Operation.mark(vm_id, True))
        assert await h.runner.flush(FLUSH)
        assert len(h.requests("PATCH", vm_id)) == 1
        assert len(h.outbox) == 0
        shown = h.state.get(vm_id)
        assert shown is not None and not shown.listened  # the server's version again
        assert [severity for _, severity in h.notices] == ["error"]


async def test_a_queued_unlistened_that_someone_overtook_is_dropped_not_replayed(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    vm_id = listened_id(demo_server)
    path = tmp_path / "outbox.jsonl"
    made = datetime.now(UTC) - timedelta(hours=1)  # queued an hour ago, never sent
    OutboxJournal(path).put([Operation("listened", vm_id, False, created=made.timestamp())])
    # Since then a colleague listened to it (the server's listened_at is after the change).
    demo_server.update_voicemail(vm_id, listened=True)
    async with harness(demo_server, OutboxJournal(path)) as h, running(h.runner):
        h.runner.replay()
        assert await h.runner.flush(FLUSH)
        assert h.requests("PATCH", vm_id) == []
        assert len(OutboxJournal(path)) == 0
        shown = h.state.get(vm_id)
        assert shown is not None and shown.listened
        ((text, severity),) = h.notices
        assert severity == "warning" and "Not marked unlistened" in text


async def test_a_queued_unlistened_made_after_the_listen_is_sent(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    vm_id = listened_id(demo_server)
    path = tmp_path / "outbox.jsonl"
    OutboxJournal(path).put([Operation.mark(vm_id, False)])
    async with harness(demo_server, OutboxJournal(path)) as h, running(h.runner):
        h.runner.replay()
        assert await h.runner.flush(FLUSH)
        assert h.requests("PATCH", vm_id) == [f"/api/v1/voicemails/{vm_id}"]
        server_vm = h.on_server(vm_id)
        assert server_vm is not None and server_vm["listened_at"] is None


async def test_one_stuck_change_does_not_hold_the_others(demo_server: DemoServer) -> None:
    stuck, a, b = (unlistened_id(demo_server, i) for i in range(3))
    demo_server.inject(Fault.delay(30), path=f"/api/v1/voicemails/{stuck}")
    async with harness(demo_server, timeout=60) as h, running(h.runner):
        h.runner.submit(Operation.mark(stuck, True))
        await asyncio.sleep(0.05)  # its request is in flight, and hangs
        h.runner.submit_many([Operation.mark(a, True), Operation.mark(b, True)])
        loop = asyncio.get_running_loop()
        deadline = loop.time() + FLUSH
        while len(h.outbox) > 1 and loop.time() < deadline:
            await asyncio.sleep(0.02)
        assert [op.voicemail_id for op in h.outbox.live()] == [stuck]
        for vm_id in (a, b):
            server_vm = h.on_server(vm_id)
            assert server_vm is not None and server_vm["listened_at"] is not None
        demo_server.clear_faults()


async def test_marking_a_thousand_sends_every_mark_and_writes_in_batches(
    tmp_path: Path,
) -> None:
    with DemoServer(count=1000, new_every=None, fill_in_after=None) as server:
        for vm in server.voicemails():
            server.update_voicemail(vm["id"], listened=False)
        path = tmp_path / "outbox.jsonl"
        async with harness(server, OutboxJournal(path)) as h, running(h.runner):
            targets = [vm_id for vm_id in h.state.order if not h.state.get(vm_id).listened]  # type: ignore[union-attr]
            progress: list[PendingChanged] = []
            h.runner.submit_many(Operation.mark(vm_id, True) for vm_id in targets)
            # The first slice at once, then one slice per turn of the event loop: no turn
            # stalls the loop for the whole bulk.
            assert h.state.unlistened_count == len(targets) - BULK_SLICE
            assert h.runner.pending_count() == len(targets)
            await asyncio.sleep(0)
            assert h.state.unlistened_count == len(targets) - 2 * BULK_SLICE
            for _ in range(len(targets) // BULK_SLICE):
                await asyncio.sleep(0)
            assert h.state.unlistened_count == 0
            assert await h.runner.flush(60)
            progress = [e for e in h.events if isinstance(e, PendingChanged)]
        assert len(targets) == 1000
        patched = {r.path.rsplit("/", 1)[1] for r in server.requests if r.method == "PATCH"}
        assert patched == set(targets)
        assert server.unlistened_count() == 0
        # One line per change queued, then "done" lines a batch at a time (or a compaction).
        lines = path.read_text().splitlines()
        assert len(lines) < len(targets) + len(targets) // 10
        assert progress[-1].bulk_total == 0 and progress[-1].count == 0
        assert any(0 < e.bulk_done < e.bulk_total for e in progress)  # progress was shown


@contextlib.asynccontextmanager
async def bulk_mark_begun(path: Path, listened: bool) -> AsyncIterator[tuple[Harness, list[str]]]:
    """1,000 voicemails, all of them marked at once, journaled in ``path``; only the first
    slice is written when this yields (the rest waits for its turns of the loop)."""
    with DemoServer(count=1000, new_every=None, fill_in_after=None) as server:
        async with harness(server, OutboxJournal(path)) as h:
            targets = list(h.state.order)
            h.runner.submit_many(Operation.mark(vm_id, listened) for vm_id in targets)
            yield h, targets


async def test_a_bulk_change_is_all_in_the_journal_once_written_now(tmp_path: Path) -> None:
    """Quitting or a signal in the middle of a bulk mark: nothing of it may be lost."""
    path = tmp_path / "outbox.jsonl"
    async with bulk_mark_begun(path, False) as (h, targets):
        assert len(OutboxJournal(path).live()) == BULK_SLICE  # the rest takes its turns
        h.runner.write_queued()
        assert {op.voicemail_id for op in OutboxJournal(path).live()} == set(targets)
        assert h.state.unlistened_count == len(targets)


async def test_a_change_made_during_a_bulk_one_lands_after_it(tmp_path: Path) -> None:
    path = tmp_path / "outbox.jsonl"
    async with bulk_mark_begun(path, True) as (h, targets):
        last = targets[-1]  # in the bulk's last slice, not written yet
        h.runner.submit(Operation.mark(last, False))  # the user changed their mind
        h.runner.write_queued()
        (latest,) = [op for op in OutboxJournal(path).live() if op.voicemail_id == last]
        assert latest.listened is False
        assert h.state.get(last).listened is False  # type: ignore[union-attr]


async def test_cancelled_just_as_it_is_woken_it_stops(demo_server: DemoServer) -> None:
    """Python 3.11's wait_for swallowed such a cancellation: the app never exited."""
    async with harness(demo_server) as h:
        task = asyncio.create_task(h.runner.run())
        await asyncio.sleep(0.05)  # waiting to be woken
        h.runner.key_works()  # wakes it...
        task.cancel()  # ...in the same step as the shutdown
        with pytest.raises(asyncio.CancelledError):
            async with asyncio.timeout(5):
                await task


class WalkCountingJournal(OutboxJournal):
    """Counts the versions of its live list (one per change to what is pending) and the walks
    over a whole version."""

    def __init__(self, path: Path) -> None:
        self.versions = 0
        self.walks = Walks()
        self._seen: list[Operation] | None = None
        self._walked: WalkedList | None = None
        super().__init__(path)

    def live(self) -> list[Operation]:
        ops = super().live()
        if ops is not self._seen or self._walked is None:
            self._seen, self._walked = ops, WalkedList(ops, self.walks)
            self.versions += 1
        return self._walked


async def test_a_bulk_mark_walks_the_outbox_once_per_change_to_it_not_once_per_answer(
    tmp_path: Path,
) -> None:
    """Every answer wakes the sender; walking the whole outbox each time made marking n
    voicemails cost n * n (3,000: 9 million steps on the event loop)."""
    with DemoServer(count=1000, new_every=None, fill_in_after=None) as server:
        for vm in server.voicemails():
            server.update_voicemail(vm["id"], listened=False)
        journal = WalkCountingJournal(tmp_path / "outbox.jsonl")
        async with harness(server, journal) as h, running(h.runner):
            h.runner.submit_many(Operation.mark(vm_id, True) for vm_id in h.state.order)
            assert await h.runner.flush(60)
        answers = sum(1 for r in server.requests if r.method == "PATCH")
    assert answers == 1000
    assert server.unlistened_count() == 0
    # Answers are settled in batches (each one a new version); a version is walked by the
    # look that finds it, and by the start of sends once nothing more can start.
    assert journal.walks.count <= 2 * journal.versions + 20 < answers
