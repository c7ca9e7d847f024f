"""The outbox runner against the demo server over real loopback HTTP.

Every mutation is optimistic in the state, kept in the outbox until the server confirms it, and
settled by the server's answer: 2xx confirms, 404 forgets, 5xx/429/network/401 keep and back off,
other 4xx revert with a notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from vm_tui.api import PhoneIncClient, RetryPolicy
from vm_tui.demo import DemoServer, Fault
from vm_tui.inbox import Backoff, InboxDiff, InboxState
from vm_tui.inbox.outbox import Operation, Outbox
from vm_tui.inbox.sync import OutboxRunner

WRONG_KEY = "phk_WrongWrongWrongWrongWrongWrong"
FLUSH = 10.0  # generous: a green run takes milliseconds


@dataclass
class Harness:
    server: DemoServer
    client: PhoneIncClient
    state: InboxState
    outbox: Outbox
    runner: OutboxRunner
    diffs: list[InboxDiff] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)

    def requests(self, method: str, vm_id: str | None = None) -> list[str]:
        return [
            r.path
            for r in self.server.requests
            if r.method == method and (vm_id is None or r.path.endswith("/" + vm_id))
        ]

    def on_server(self, vm_id: str) -> dict[str, object] | None:
        return next((v for v in self.server.voicemails() if v["id"] == vm_id), None)

    async def poll(self) -> InboxDiff:
        return self.state.apply_poll(await self.client.list_voicemails(), self.state.begin_poll())


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
    outbox: Outbox | None = None,
    *,
    key: str | None = None,
    timeout: float = 5.0,
    backoff: Backoff | None = None,
    poll_first: bool = True,
) -> AsyncIterator[Harness]:
    """A loaded state and a runner (not yet running) whose client uses ``key``."""
    poller = client_for(server)
    client = client_for(server, key, timeout)
    try:
        state = InboxState()
        if poll_first:
            state.apply_poll(await poller.list_voicemails(), state.begin_poll())
        box = outbox if outbox is not None else Outbox(None)
        diffs: list[InboxDiff] = []
        notices: list[tuple[str, str]] = []
        runner = OutboxRunner(
            client,
            state,
            box,
            on_diff=diffs.append,
            on_notice=lambda message, severity: notices.append((message, severity)),
            backoff=backoff or Backoff(base=0.01, ceiling=0.05),
        )
        yield Harness(server, poller, state, box, runner, diffs, notices)
    finally:
        await client.aclose()
        await poller.aclose()


@contextlib.asynccontextmanager
async def running(runner: OutboxRunner) -> AsyncIterator[None]:
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


async def test_401_keeps_the_operation_until_the_key_is_fixed(demo_server: DemoServer) -> None:
    vm_id = unlistened_id(demo_server)
    async with harness(demo_server, key=WRONG_KEY) as h:
        async with running(h.runner):
            h.runner.submit(Operation.mark(vm_id, True))
            assert not await h.runner.flush(0.3)
        assert len(h.outbox) == 1
        attempts = len(h.requests("PATCH", vm_id))
        assert attempts >= 2  # kept and retried with backoff, not dropped
        assert h.runner.last_error is not None
        assert WRONG_KEY not in h.runner.last_error
        assert h.notices == []  # not reverted
        shown = h.state.get(vm_id)
        assert shown is not None and shown.listened
        server_vm = h.on_server(vm_id)
        assert server_vm is not None and server_vm["listened_at"] is None
        # The user fixes the key: the kept operation goes out.
        h.runner.client = h.client
        async with running(h.runner):
            assert await h.runner.flush(FLUSH)
        assert len(h.outbox) == 0
        server_vm = h.on_server(vm_id)
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
    async with harness(demo_server, timeout=0.2, backoff=Backoff(base=1.0, ceiling=1.0)) as h:
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
    path = tmp_path / "state" / "outbox.json"
    mark_id, delete_id = unlistened_id(demo_server, 0), unlistened_id(demo_server, 1)
    first = Outbox(path)
    first.put(Operation.mark(mark_id, True))
    first.put(Operation.delete(delete_id))
    del first  # the app stopped before sending

    outbox = Outbox(path)
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
    assert len(Outbox(path)) == 0
    assert json.loads(path.read_text())["operations"] == []


async def test_replay_before_the_first_poll_survives_that_poll(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    """Offline start: the overlays exist before any server view, and the poll keeps them."""
    path = tmp_path / "outbox.json"
    mark_id, delete_id = unlistened_id(demo_server, 0), unlistened_id(demo_server, 1)
    Outbox(path).put(Operation.mark(mark_id, True))
    Outbox(path).put(Operation.delete(delete_id))
    async with harness(demo_server, Outbox(path), poll_first=False) as h:
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
    assert len(Outbox(path)) == 0


async def test_flush_with_nothing_pending_is_immediate(demo_server: DemoServer) -> None:
    async with harness(demo_server) as h, running(h.runner):
        assert await h.runner.flush(0.5)
        assert h.requests("PATCH") == [] and h.requests("DELETE") == []
