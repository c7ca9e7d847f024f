"""The client against the demo server over real loopback HTTP."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import RecordingSleep
from vm_tui import __version__
from vm_tui.api import (
    NO_RETRY,
    ApiTimeoutError,
    AuthError,
    InvalidIdError,
    NetworkError,
    NotFoundError,
    PhoneIncClient,
    ProtocolError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from vm_tui.demo import DemoServer, Fault


def api_requests(server: DemoServer, method: str | None = None) -> list[str]:
    return [
        f"{r.method} {r.path}"
        for r in server.requests
        if (method is None or r.method == method) and r.path.startswith("/api/")
    ]


async def test_list_matches_the_server(demo_server: DemoServer, api: PhoneIncClient) -> None:
    inbox = await api.list_voicemails()
    expected = demo_server.voicemails()
    assert [vm.id for vm in inbox.voicemails] == [v["id"] for v in expected]
    assert inbox.unlistened_count == demo_server.unlistened_count()
    first, raw = inbox.voicemails[0], expected[0]
    assert first.caller == raw["from"]
    assert first.line_number == raw["main_number"]
    assert first.line_number_formatted == raw["main_number_formatted"]
    assert inbox.skipped == ()


async def test_retrieve_uses_the_other_spelling(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    raw = next(v for v in demo_server.voicemails() if v["recording_url"])
    vm = await api.get_voicemail(raw["id"])
    assert vm.line_number == raw["main_number"]  # served as main_number_number
    assert vm.line_number_formatted == raw["main_number_formatted"]
    assert vm.recording_url is not None


async def test_every_request_carries_the_key_header_and_user_agent(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    await api.list_voicemails()
    request = demo_server.requests[-1]
    assert request.headers["x-api-key"] == demo_server.api_key
    assert request.headers["user-agent"] == f"vm-tui/{__version__}"
    assert demo_server.api_key not in request.path
    assert "authorization" not in request.headers


async def test_mark_sends_the_documented_form_body(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    target = next(v for v in demo_server.voicemails() if v["listened_at"] is None)
    vm = await api.set_listened(target["id"], True)
    assert vm.listened
    patch = demo_server.requests[-1]
    assert patch.method == "PATCH"
    assert patch.body == b"listened=true"
    assert patch.headers["content-type"].startswith("application/x-www-form-urlencoded")
    vm = await api.set_listened(target["id"], False)
    assert not vm.listened
    assert demo_server.requests[-1].body == b"listened=false"


async def test_delete_then_gone(demo_server: DemoServer, api: PhoneIncClient) -> None:
    vm_id = demo_server.voicemails()[0]["id"]
    await api.delete_voicemail(vm_id)
    assert vm_id not in [v["id"] for v in demo_server.voicemails()]
    with pytest.raises(NotFoundError, match="Voicemail not found"):
        await api.get_voicemail(vm_id)
    with pytest.raises(NotFoundError):
        await api.delete_voicemail(vm_id)  # a first-attempt 404 is an error


async def test_a_retried_delete_that_finds_nothing_is_done(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    vm_id = demo_server.voicemails()[0]["id"]
    demo_server.remove_voicemail(vm_id)  # as if our first attempt had gone through
    demo_server.inject(Fault.status(503), path="/api/v1/voicemails/")
    await api.delete_voicemail(vm_id)
    assert api_requests(demo_server, "DELETE") == [f"DELETE /api/v1/voicemails/{vm_id}"] * 2


async def test_wrong_key_is_an_auth_error(demo_server: DemoServer) -> None:
    async with PhoneIncClient("phk_" + "x" * 28, demo_server.base_url) as client:
        with pytest.raises(AuthError):
            await client.list_voicemails()
    assert len(api_requests(demo_server)) == 1  # never retried


async def test_500_is_retried_with_backoff(
    demo_server: DemoServer, api: PhoneIncClient, sleeps: RecordingSleep
) -> None:
    demo_server.inject(Fault.status(500), times=2)
    inbox = await api.list_voicemails()
    assert inbox.voicemails
    assert len(api_requests(demo_server)) == 3
    assert len(sleeps.delays) == 2
    assert 0.25 <= sleeps.delays[0] <= 0.5 and 0.5 <= sleeps.delays[1] <= 1.0


async def test_retries_are_bounded(
    demo_server: DemoServer, api: PhoneIncClient, sleeps: RecordingSleep
) -> None:
    demo_server.inject(Fault.status(503), times=10)
    with pytest.raises(ServerError, match="unavailable"):
        await api.list_voicemails()
    assert len(api_requests(demo_server)) == 4


async def test_429_honours_retry_after(
    demo_server: DemoServer, api: PhoneIncClient, sleeps: RecordingSleep
) -> None:
    demo_server.inject(Fault.rate_limited(retry_after=7))
    await api.list_voicemails()
    assert sleeps.delays == [7.0]


async def test_429_without_retries_reports_retry_after(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    demo_server.inject(Fault.rate_limited(retry_after=3))
    with pytest.raises(RateLimitedError) as caught:
        await api.list_voicemails(retry=NO_RETRY)
    assert caught.value.retry_after == 3.0


async def test_html_502_is_a_clear_server_error(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    demo_server.inject(Fault.html_502(), times=10)
    with pytest.raises(ServerError) as caught:
        await api.list_voicemails()
    assert "502" in str(caught.value) and "not JSON" in str(caught.value)


async def test_truncated_json_is_a_protocol_error(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    demo_server.inject(Fault.truncated_json())
    with pytest.raises(ProtocolError, match="not JSON"):
        await api.list_voicemails()


async def test_one_malformed_item_is_skipped(demo_server: DemoServer, api: PhoneIncClient) -> None:
    demo_server.inject(Fault.malformed_item())
    inbox = await api.list_voicemails()
    assert len(inbox.voicemails) == len(demo_server.voicemails()) - 1
    assert len(inbox.skipped) == 1


async def test_dropped_connection_is_retried(demo_server: DemoServer, api: PhoneIncClient) -> None:
    demo_server.inject(Fault.drop_connection())
    assert (await api.list_voicemails()).voicemails
    demo_server.inject(Fault.drop_connection(), times=10)
    with pytest.raises(NetworkError):
        await api.list_voicemails()


async def test_timeout(demo_server: DemoServer) -> None:
    import httpx

    demo_server.inject(Fault.delay(2.0))
    async with PhoneIncClient(
        demo_server.api_key, demo_server.base_url, timeout=httpx.Timeout(0.3), retry=NO_RETRY
    ) as client:
        with pytest.raises(ApiTimeoutError, match="did not answer in time"):
            await client.list_voicemails()


async def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with PhoneIncClient("phk_x", f"http://127.0.0.1:{port}/api/v1", retry=NO_RETRY) as c:
        with pytest.raises(NetworkError, match="connection refused"):
            await c.list_voicemails()


async def test_redirect_is_not_followed_and_the_key_goes_nowhere(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    with DemoServer(new_every=None, fill_in_after=None) as elsewhere:
        demo_server.inject(Fault.redirect_to(elsewhere.base_url + "/voicemails"))
        with pytest.raises(ProtocolError, match="redirect"):
            await api.list_voicemails()
        assert elsewhere.requests == []


@pytest.mark.parametrize("bad", ["../voicemails", "x/../../y", "a?b=c", "a#b", "%2F", "a/b"])
async def test_ids_cannot_change_the_path(
    demo_server: DemoServer, api: PhoneIncClient, bad: str
) -> None:
    with pytest.raises(InvalidIdError):
        await api.get_voicemail(bad)
    with pytest.raises(InvalidIdError):
        await api.delete_voicemail(bad)
    assert api_requests(demo_server) == []


async def test_validation_error_from_the_server(demo_server: DemoServer) -> None:
    import httpx

    # The client always sends a valid value; check the 422 mapping against the real server.
    async with httpx.AsyncClient(trust_env=False) as raw:
        vm_id = demo_server.voicemails()[0]["id"]
        response = await raw.patch(
            f"{demo_server.base_url}/voicemails/{vm_id}",
            data={"listened": "maybe"},
            headers={"X-Api-Key": demo_server.api_key},
        )
    from vm_tui.api.responses import error_for

    error = error_for(response)
    assert isinstance(error, ValidationError)
    assert error.errors == {"listened": ["must be a boolean"]}


async def test_a_big_inbox_parses_the_same_either_way() -> None:
    """Above 64 KB the list is parsed in a thread, element by element (incremental) or in one
    call (first load): both must give the same inbox, and the same skipped items."""
    with DemoServer(count=400, new_every=None, fill_in_after=None) as server:
        server.inject(Fault.malformed_item())
        async with PhoneIncClient(server.api_key, server.base_url) as client:
            one_call = await client.list_voicemails(incremental=False)
            server.inject(Fault.malformed_item())
            piecewise = await client.list_voicemails(incremental=True)
    assert len(one_call.voicemails) == 399
    assert one_call == piecewise
    assert len(one_call.skipped) == 1


async def test_a_big_inbox_parsed_on_the_callers_loop_is_decoded_in_one_call(
    streamed_decodes: list[str],
) -> None:
    """Element by element pays only in a thread, where the loop runs between elements; on the
    caller's own loop (the head start's) nothing runs between them and it is only slower."""
    with DemoServer(count=400, new_every=None, fill_in_after=None) as server:
        async with PhoneIncClient(server.api_key, server.base_url) as client:
            inline = await client.list_voicemails(off_loop=False)
            assert streamed_decodes == []
            in_a_thread = await client.list_voicemails()
    assert streamed_decodes == ["voicemails"]
    assert inline == in_a_thread
    assert len(inline.voicemails) == 400
