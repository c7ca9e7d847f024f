"""Whatever a server sends, the client raises an ApiError or returns something every layer can
use: nested JSON, lone surrogates, invalid UTF-8, edge dates, absurd counts, huge strings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from vm_tui.api import (
    ApiError,
    PhoneIncClient,
    ProtocolError,
    RecordingDownloader,
    ServerError,
    parse_inbox,
    parse_voicemail,
)
from vm_tui.api.models import MAX_COUNT
from vm_tui.demo import DemoServer, Fault

LIST = "/api/v1/voicemails"


@pytest.fixture
def big_server() -> Iterator[DemoServer]:
    """An inbox over 64 KB: its list is decoded element by element (the other code path)."""
    with DemoServer(count=400, new_every=None, fill_in_after=None) as server:
        yield server


def first_id(server: DemoServer) -> str:
    return str(server.voicemails()[0]["id"])


@pytest.mark.parametrize("incremental", [True, False])
async def test_json_nested_thousands_deep_is_a_protocol_error(
    big_server: DemoServer, incremental: bool
) -> None:
    async with PhoneIncClient(big_server.api_key, big_server.base_url) as client:
        big_server.inject(Fault.nested_json(100_000))
        with pytest.raises(ProtocolError, match="nested too deeply"):
            await client.list_voicemails(incremental=incremental)
        assert (await client.list_voicemails()).voicemails  # and the next poll works


async def test_nested_json_in_one_voicemail_and_in_a_small_inbox(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    vm_id = first_id(demo_server)
    for call in (
        api.list_voicemails,
        lambda: api.get_voicemail(vm_id),
        lambda: api.set_listened(vm_id, True),
    ):
        demo_server.inject(Fault.nested_json(50_000))
        with pytest.raises(ProtocolError, match="nested too deeply"):
            await call()


async def test_a_nested_error_body_is_still_the_status(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    nested = b'{"error":' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    demo_server.inject(Fault.status(500, nested), times=10)
    with pytest.raises(ServerError, match=r"Phone.inc server error \(HTTP 500\)"):
        await api.list_voicemails()
    errors = b'{"errors":{"listened":' + b"[" * 900 + b"]" * 900 + b"}}"  # decodes; str() is deep
    demo_server.inject(Fault.status(422, errors))
    with pytest.raises(ApiError):
        await api.set_listened(first_id(demo_server), True)


async def test_lone_surrogates_become_replacement_characters(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    demo_server.inject(Fault.lone_surrogates())
    inbox = await api.list_voicemails()
    first = inbox.voicemails[0]
    assert first.caller == "+1415555\ufffd0199"
    assert first.line_name == "Sales \ufffd"
    assert first.transcription == "Hello \ufffd there \ufffd\ufffd end"
    for vm in inbox.voicemails:  # every string of every voicemail can be written anywhere now
        json.dumps(vm.to_json(), ensure_ascii=False).encode("utf-8")
    demo_server.inject(Fault.lone_surrogates())
    one = await api.get_voicemail(first_id(demo_server))
    assert "\ufffd" in one.caller


def test_surrogates_in_every_field_are_replaced() -> None:
    raw = {
        "id": "a\ud800",
        "from": "\udc00",
        "created_at": "2026-05-11T13:48:02Z",
        "transcription": "\udfff",
        "recording_url": "https://x.test/\ud800",
        "main_number_id": "\ud800",
        "main_number_name": "\ud800",
        "main_number": "+1\ud800",
        "main_number_formatted": "\ud800",
    }
    vm = parse_voicemail(raw)
    text = json.dumps(vm.to_json(), ensure_ascii=False) + (vm.recording_url or "")
    text.encode("utf-8")
    assert vm.id == "a\ufffd"
    skipped = parse_inbox({"voicemails": [{"id": "\ud800" * 10_000}]}).skipped[0]
    assert skipped.id is not None and len(skipped.id) <= 200 and "\ud800" not in skipped.id


async def test_a_surrogate_in_a_recording_url_is_a_download_error(demo_server: DemoServer) -> None:
    downloader = RecordingDownloader()
    try:
        with pytest.raises(ApiError):
            await downloader.fetch(demo_server.base_url + "/\ud800")
    finally:
        await downloader.aclose()


async def test_invalid_utf8_is_a_protocol_error(
    big_server: DemoServer,
) -> None:
    async with PhoneIncClient(big_server.api_key, big_server.base_url) as client:
        for incremental in (True, False):
            big_server.inject(Fault.invalid_utf8())
            with pytest.raises(ProtocolError, match="invalid UTF-8"):
                await client.list_voicemails(incremental=incremental)


async def test_edge_dates_parse_as_they_are(demo_server: DemoServer, api: PhoneIncClient) -> None:
    demo_server.inject(Fault.edge_dates())
    vms = (await api.list_voicemails()).voicemails
    by_year = sorted(vm.created_at.year for vm in vms)
    assert by_year[0] == 1 and by_year[-1] == 9999
    latest = max(vms, key=lambda vm: vm.created_at)
    assert latest.created_at == datetime(9999, 12, 31, 23, 30, tzinfo=UTC)
    assert any(vm.listened_at == datetime.max.replace(tzinfo=UTC) for vm in vms)


@pytest.mark.parametrize(
    "raw",
    [
        "1" + "0" * 100,
        str(MAX_COUNT + 1),
        "-3",
        "2.5",
        "3.0",
        "true",
        '"7"',
        "1e999",
        "null",
        "[]",
        "9" * 4000,
    ],
)
async def test_an_absurd_count_is_counted_from_the_voicemails(
    demo_server: DemoServer, api: PhoneIncClient, raw: str
) -> None:
    demo_server.inject(Fault.absurd_count(raw))
    inbox = await api.list_voicemails()
    assert inbox.unlistened_count == sum(1 for vm in inbox.voicemails if not vm.listened)


async def test_a_count_within_reason_is_the_servers(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    demo_server.inject(Fault.absurd_count(str(MAX_COUNT)))
    assert (await api.list_voicemails()).unlistened_count == MAX_COUNT


async def test_megabyte_strings_are_parsed_and_cost_no_more_than_once(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    demo_server.inject(Fault.huge_strings(2_000_000))
    first = (await api.list_voicemails()).voicemails[0]
    assert len(first.id) > 2_000_000 and len(first.caller) > 2_000_000
    assert first.transcription is not None and len(first.transcription) > 1_900_000
