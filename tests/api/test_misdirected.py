"""421 Misdirected Request: the connection reached a server that does not serve this origin.
The client tries once more at once, on a new connection (even a poll, which retries nothing
else), and the pool it left is closed."""

from __future__ import annotations

import pytest

from tests.conftest import RecordingSleep
from vm_tui.api import NO_RETRY, HttpStatusError, PhoneIncClient
from vm_tui.demo import DemoServer, Fault

LIST = "/api/v1/voicemails"


def peers(server: DemoServer, path: str = LIST) -> list[str]:
    return [r.peer for r in server.requests if r.path == path]


async def test_421_is_tried_again_at_once_on_a_new_connection(
    demo_server: DemoServer, api: PhoneIncClient, sleeps: RecordingSleep
) -> None:
    await api.list_voicemails()  # a connection in the pool, kept alive
    demo_server.inject(Fault.status(421, body=b'{"error":"Misdirected Request"}'))
    inbox = await api.list_voicemails()
    assert len(inbox.voicemails) == len(demo_server.voicemails())
    first, misdirected, retried = peers(demo_server)
    assert misdirected == first  # keep-alive: the 421 came on the pooled connection
    assert retried != misdirected  # and the retry on a new one
    assert sleeps.delays == []
    assert api._retired == []  # the old pool is closed, not leaked
    await api.list_voicemails()
    assert peers(demo_server)[-1] == retried  # the new pool is the pool now


async def test_a_poll_retries_a_421_too(demo_server: DemoServer, api: PhoneIncClient) -> None:
    demo_server.inject(Fault.status(421))
    inbox = await api.list_voicemails(retry=NO_RETRY)
    assert inbox.voicemails


async def test_a_second_421_follows_the_retry_policy(
    demo_server: DemoServer, api: PhoneIncClient, sleeps: RecordingSleep
) -> None:
    demo_server.inject(Fault.status(421), times=2)
    assert (await api.list_voicemails()).voicemails
    assert len(sleeps.delays) == 1  # the new connection at once, then one backoff
    demo_server.inject(Fault.status(421), times=2)
    with pytest.raises(HttpStatusError) as caught:
        await api.list_voicemails(retry=NO_RETRY)
    assert caught.value.status == 421


async def test_a_change_answered_421_is_sent_again_on_a_new_connection(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    vm_id = next(str(v["id"]) for v in demo_server.voicemails() if v["listened_at"] is None)
    demo_server.inject(Fault.status(421))
    vm = await api.set_listened(vm_id, True)
    assert vm.listened
    patches = [r.peer for r in demo_server.requests if r.method == "PATCH"]
    assert len(patches) == 2 and patches[0] != patches[1]
