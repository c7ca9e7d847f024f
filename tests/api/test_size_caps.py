"""Answers are capped after decompression: a gzip bomb stops at the cap, in time and memory."""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable

import pytest

from vm_tui.api import (
    NO_RETRY,
    DownloadTooLargeError,
    NetworkError,
    PhoneIncClient,
    ProtocolError,
    RecordingDownloader,
)
from vm_tui.api.limits import MB, Limits
from vm_tui.demo import DemoServer, Fault
from vm_tui.demo.faults import gzip_bomb_body

GIB = 1024**3
STORAGE_BOMB = 256 * 1024**2
LIST = "/api/v1/voicemails"


async def peak_memory(call: Callable[[], Awaitable[object]]) -> tuple[BaseException | None, int]:
    """What ``call`` raised, and the most memory Python held meanwhile (bytes)."""
    tracemalloc.start()
    try:
        await call()
    except Exception as error:  # what it raised is the subject
        return error, tracemalloc.get_traced_memory()[1]
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return None, peak


@pytest.fixture(scope="module", autouse=True)
def bombs_made() -> None:
    """Made once (a quarter of a second each), outside what is measured."""
    gzip_bomb_body(GIB, b'{"unlistened_count":0,"voicemails":[', b" ")
    gzip_bomb_body(STORAGE_BOMB, b"", b"\0")


async def test_a_gigabyte_gzip_bomb_for_the_inbox_stops_at_the_cap(
    demo_server: DemoServer,
) -> None:
    limits = Limits(list_max_bytes=4 * MB)
    async with PhoneIncClient(demo_server.api_key, demo_server.base_url, limits=limits) as client:
        demo_server.inject(Fault.gzip_bomb(GIB))
        error, peak = await peak_memory(client.list_voicemails)
    assert isinstance(error, ProtocolError)
    assert str(error) == (
        "Phone.inc sent more than the 4 MB the inbox may take (decompressed); not read further"
    )
    assert peak < 12 * MB  # the cap and a step of a megabyte, not a gigabyte


async def test_the_shipped_cap_holds_a_gigabyte_bomb_to_it(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    demo_server.inject(Fault.gzip_bomb(GIB))
    error, peak = await peak_memory(api.list_voicemails)
    assert isinstance(error, ProtocolError) and "128 MB" in str(error)
    assert peak < 140 * MB


async def test_one_voicemail_has_a_smaller_cap(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    demo_server.inject(Fault.gzip_bomb(64 * MB))
    vm_id = str(demo_server.voicemails()[0]["id"])
    error, peak = await peak_memory(lambda: api.get_voicemail(vm_id))
    assert isinstance(error, ProtocolError) and "16 MB one answer may take" in str(error)
    assert peak < 24 * MB


async def test_an_announced_length_past_the_cap_reads_nothing(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    demo_server.inject(Fault.content_length("99999999999999999999"))
    with pytest.raises(ProtocolError, match=r"announced an answer of .* more than the 128 MB"):
        await api.list_voicemails()


@pytest.mark.parametrize("value", ["-5", "abc", "1e3", "", "100000"])
async def test_a_nonsense_or_lying_content_length_is_a_network_error(
    demo_server: DemoServer, api: PhoneIncClient, value: str
) -> None:
    demo_server.inject(Fault.content_length(value))
    with pytest.raises(NetworkError, match="closed before a complete answer"):
        await api.list_voicemails(retry=NO_RETRY)


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers do
        ("identity", lambda data: data),
    ],
)
async def test_compressed_answers_still_read_the_same(
    demo_server: DemoServer, api: PhoneIncClient, encoding: str, pack: Callable[[bytes], bytes]
) -> None:
    body = json.dumps({"unlistened_count": 3, "voicemails": demo_server.voicemails()}).encode()
    demo_server.inject(Fault.status(200, pack(body), {"Content-Encoding": encoding}))
    inbox = await api.list_voicemails()
    assert [vm.id for vm in inbox.voicemails] == [v["id"] for v in demo_server.voicemails()]
    assert inbox.unlistened_count == 3


async def test_a_damaged_or_unknown_compression_is_a_protocol_error(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    demo_server.inject(Fault.status(200, b"not gzip at all", {"Content-Encoding": "gzip"}))
    with pytest.raises(ProtocolError, match="damaged gzip"):
        await api.list_voicemails()
    demo_server.inject(Fault.status(200, b"{}", {"Content-Encoding": "br"}))
    with pytest.raises(ProtocolError, match="unsupported Content-Encoding"):
        await api.list_voicemails()


async def test_the_clients_ask_only_for_what_they_inflate_with_a_cap(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    await api.list_voicemails()
    assert demo_server.requests[-1].headers["accept-encoding"] == "gzip, deflate"


# -- recordings ------------------------------------------------------------------------------


def recording_url(server: DemoServer) -> str:
    return str(next(v for v in server.voicemails() if v["recording_url"])["recording_url"])


async def test_a_gzip_bomb_from_storage_stops_at_the_recording_cap(
    demo_server: DemoServer,
) -> None:
    downloader = RecordingDownloader(max_bytes=2 * MB)
    try:
        demo_server.inject_storage(Fault.gzip_bomb(STORAGE_BOMB))
        error, peak = await peak_memory(lambda: downloader.fetch(recording_url(demo_server)))
    finally:
        await downloader.aclose()
    assert isinstance(error, DownloadTooLargeError), error
    assert peak < 8 * MB
    assert demo_server.storage_requests[-1].headers["accept-encoding"] == "gzip, deflate"


async def test_a_gzipped_recording_is_counted_and_read_as_audio(demo_server: DemoServer) -> None:
    """Progress counts bytes on the wire (as Content-Length does); a compressed recording is
    not mistaken for one cut short."""
    url = recording_url(demo_server)
    downloader = RecordingDownloader()
    try:
        plain = await downloader.fetch(url)
        seen: list[tuple[int, int | None]] = []
        packed = gzip.compress(plain)
        demo_server.inject_storage(
            Fault.status(200, packed, {"Content-Encoding": "gzip", "Content-Type": "audio/mpeg"})
        )
        assert await downloader.fetch(url, lambda got, total: seen.append((got, total))) == plain
    finally:
        await downloader.aclose()
    assert seen[-1] == (len(packed), len(packed))
