"""Recording downloads over real loopback HTTP: exact bytes, no key on any hop, every cap."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from vm_tui.api import (
    ApiError,
    DownloadError,
    DownloadTooLargeError,
    PhoneIncClient,
    RecordingDownloader,
    RecordingExpiredError,
    RecordingProcessingError,
    fetch_recording,
)
from vm_tui.api.download import MAX_RECORDING_BYTES, MAX_REDIRECTS
from vm_tui.demo import DemoServer, Fault, RecordedRequest


class LoopbackOnly(httpx.AsyncBaseTransport):
    """The real transport, but it records every URL and refuses anything off 127.0.0.1.

    With ``strip_length`` the response loses its Content-Length (the streaming cap's case).
    """

    def __init__(self, *, strip_length: bool = False) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.seen: list[httpx.URL] = []
        self.strip_length = strip_length

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.url)
        if request.url.host != "127.0.0.1":
            raise httpx.ConnectError("test transport: loopback only", request=request)
        response = await self.inner.handle_async_request(request)
        if not self.strip_length:
            return response
        headers = [(k, v) for k, v in response.headers.raw if k.lower() != b"content-length"]
        return httpx.Response(
            response.status_code,
            headers=headers,
            stream=response.stream,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


@contextlib.asynccontextmanager
async def guarded(
    *,
    strip_length: bool = False,
    max_bytes: int = MAX_RECORDING_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> AsyncIterator[tuple[RecordingDownloader, LoopbackOnly]]:
    transport = LoopbackOnly(strip_length=strip_length)
    downloader = RecordingDownloader(
        transport=transport, max_bytes=max_bytes, max_redirects=max_redirects
    )
    try:
        yield downloader, transport
    finally:
        await downloader.aclose()


@contextlib.contextmanager
def third_server() -> Iterator[DemoServer]:
    with DemoServer(new_every=None, fill_in_after=None, seed=7) as server:
        yield server


def with_recording(server: DemoServer, nth: int = 0) -> tuple[str, str]:
    """(id, freshly signed recording_url) of the nth voicemail that has a recording."""
    ready = [(v["id"], v["recording_url"]) for v in server.voicemails() if v["recording_url"]]
    return ready[nth]


def assert_no_key(requests: list[RecordedRequest], key: str) -> None:
    for request in requests:
        assert "x-api-key" not in request.headers, request.path
        assert "authorization" not in request.headers, request.path
        assert "api_key" not in request.path, request.path
        assert key not in str(request.headers) and key not in request.path


def rails_requests(server: DemoServer) -> list[RecordedRequest]:
    return [r for r in server.requests if r.path.startswith("/rails/")]


# -- the bytes, and where the key goes ---------------------------------------------------------


async def test_download_gives_the_servers_exact_bytes(
    demo_server: DemoServer, api: PhoneIncClient, downloader: RecordingDownloader
) -> None:
    vm_id, _ = with_recording(demo_server)
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    progress: list[tuple[int, int | None]] = []
    data = await downloader.fetch(
        vm.recording_url, lambda got, total: progress.append((got, total))
    )
    expected = demo_server.recording_bytes(vm_id)
    assert data == expected and len(data) > 1000
    assert progress[-1] == (len(expected), len(expected))
    assert [got for got, _ in progress] == sorted(got for got, _ in progress)


async def test_no_hop_of_a_download_sees_the_key(
    demo_server: DemoServer, api: PhoneIncClient, downloader: RecordingDownloader
) -> None:
    vm_id, _ = with_recording(demo_server)
    vm = await api.get_voicemail(vm_id)  # this request carries the key: the API origin
    assert vm.recording_url is not None
    await downloader.fetch(vm.recording_url)
    assert len(rails_requests(demo_server)) == 1
    assert len(demo_server.storage_requests) == 1
    assert_no_key(rails_requests(demo_server), demo_server.api_key)
    assert_no_key(demo_server.storage_requests, demo_server.api_key)
    api_calls = [r for r in demo_server.requests if r.path.startswith("/api/")]
    assert api_calls and all(r.headers.get("x-api-key") == demo_server.api_key for r in api_calls)


async def test_redirect_to_a_third_host_carries_no_key(
    demo_server: DemoServer, api: PhoneIncClient, downloader: RecordingDownloader
) -> None:
    with third_server() as third:
        third_id, third_url = with_recording(third)
        demo_server.inject(Fault.redirect_to(third_url), path="/rails/")
        vm_id, _ = with_recording(demo_server)
        vm = await api.get_voicemail(vm_id)
        assert vm.recording_url is not None
        data = await downloader.fetch(vm.recording_url)
        assert data == third.recording_bytes(third_id)
        assert len(third.requests) == 1 and third.requests[0].path.startswith("/rails/")
        assert len(third.storage_requests) == 1
        assert_no_key(third.requests, demo_server.api_key)
        assert_no_key(third.storage_requests, demo_server.api_key)
        assert_no_key(rails_requests(demo_server), demo_server.api_key)
        assert demo_server.storage_requests == []  # the chain really went elsewhere


async def test_storage_redirecting_to_a_third_host_carries_no_key(
    demo_server: DemoServer, api: PhoneIncClient, downloader: RecordingDownloader
) -> None:
    with third_server() as third:
        third_id, third_url = with_recording(third)
        demo_server.inject_storage(Fault.redirect_to(third_url))
        vm_id, _ = with_recording(demo_server)
        vm = await api.get_voicemail(vm_id)
        assert vm.recording_url is not None
        assert await downloader.fetch(vm.recording_url) == third.recording_bytes(third_id)
        assert len(demo_server.storage_requests) == 1
        assert len(third.requests) == 1 and len(third.storage_requests) == 1
        for requests in (third.requests, third.storage_requests, demo_server.storage_requests):
            assert_no_key(requests, demo_server.api_key)


async def test_fetch_recording_end_to_end(
    demo_server: DemoServer, api: PhoneIncClient, downloader: RecordingDownloader
) -> None:
    vm_id, _ = with_recording(demo_server)
    vm, data = await fetch_recording(api, downloader, vm_id)
    assert vm.id == vm_id
    assert data == demo_server.recording_bytes(vm_id)
    assert_no_key(demo_server.storage_requests, demo_server.api_key)


# -- size and type caps ------------------------------------------------------------------------


async def test_size_cap_from_content_length_reads_nothing(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    vm_id, _ = with_recording(demo_server)
    size = len(demo_server.recording_bytes(vm_id))
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    progress: list[tuple[int, int | None]] = []
    async with guarded(max_bytes=size - 1) as (downloader, _):
        with pytest.raises(DownloadTooLargeError):
            await downloader.fetch(vm.recording_url, lambda g, t: progress.append((g, t)))
    assert progress == []  # refused on the announced length, before reading a byte


async def test_size_cap_while_streaming_without_content_length(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    vm_id, _ = with_recording(demo_server)
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    progress: list[tuple[int, int | None]] = []
    async with guarded(strip_length=True, max_bytes=1000) as (downloader, _):
        with pytest.raises(DownloadTooLargeError):
            await downloader.fetch(vm.recording_url, lambda g, t: progress.append((g, t)))
    assert progress and all(total is None for _, total in progress)
    assert all(got <= 1000 for got, _ in progress)


async def test_exact_size_is_allowed(demo_server: DemoServer, api: PhoneIncClient) -> None:
    vm_id, _ = with_recording(demo_server)
    expected = demo_server.recording_bytes(vm_id)
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    async with guarded(strip_length=True, max_bytes=len(expected)) as (downloader, _):
        assert await downloader.fetch(vm.recording_url) == expected


@pytest.mark.parametrize("content_type", ["text/html", "application/json", "text/plain"])
async def test_storage_answering_not_audio_is_refused(
    demo_server: DemoServer,
    api: PhoneIncClient,
    downloader: RecordingDownloader,
    content_type: str,
) -> None:
    body = b"<html><body>Sign in to continue</body></html>"
    demo_server.inject_storage(Fault.status(200, body=body, headers={"Content-Type": content_type}))
    vm_id, _ = with_recording(demo_server)
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    with pytest.raises(DownloadError) as caught:
        await downloader.fetch(vm.recording_url)
    assert not isinstance(caught.value, RecordingExpiredError)
    assert content_type in str(caught.value)


@pytest.mark.parametrize("content_type", ["audio/mpeg", "application/octet-stream"])
async def test_audio_and_octet_stream_are_accepted(
    demo_server: DemoServer,
    api: PhoneIncClient,
    downloader: RecordingDownloader,
    content_type: str,
) -> None:
    body = b"ID3" + bytes(range(256)) * 4
    demo_server.inject_storage(Fault.status(200, body=body, headers={"Content-Type": content_type}))
    vm_id, _ = with_recording(demo_server)
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    assert await downloader.fetch(vm.recording_url) == body


# -- storage errors and expired links ----------------------------------------------------------


async def test_storage_403_is_an_expired_link(
    demo_server: DemoServer, api: PhoneIncClient, downloader: RecordingDownloader
) -> None:
    demo_server.inject_storage(Fault.status(403))
    vm_id, _ = with_recording(demo_server)
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    with pytest.raises(RecordingExpiredError):
        await downloader.fetch(vm.recording_url)


async def test_an_expired_signature_is_an_expired_link(
    demo_server: DemoServer, api: PhoneIncClient, downloader: RecordingDownloader
) -> None:
    vm_id, _ = with_recording(demo_server)
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    demo_server.expire_urls()
    with pytest.raises(RecordingExpiredError):
        await downloader.fetch(vm.recording_url)


@pytest.mark.parametrize("status", [404, 500, 503])
async def test_other_storage_errors_are_download_errors(
    demo_server: DemoServer, api: PhoneIncClient, downloader: RecordingDownloader, status: int
) -> None:
    demo_server.inject_storage(Fault.status(status))
    vm_id, _ = with_recording(demo_server)
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    with pytest.raises(DownloadError) as caught:
        await downloader.fetch(vm.recording_url)
    assert not isinstance(caught.value, RecordingExpiredError)
    assert str(status) in str(caught.value)


async def test_a_cut_short_download_is_an_error_not_half_a_file(
    demo_server: DemoServer, api: PhoneIncClient, downloader: RecordingDownloader
) -> None:
    demo_server.inject_storage(Fault.truncated_json())  # storage: promise all, send half
    vm_id, _ = with_recording(demo_server)
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    with pytest.raises(ApiError):
        await downloader.fetch(vm.recording_url)


async def test_fetch_recording_retries_once_after_an_expired_link(
    demo_server: DemoServer, api: PhoneIncClient, downloader: RecordingDownloader
) -> None:
    vm_id, _ = with_recording(demo_server)
    demo_server.inject_storage(Fault.status(403), times=1)
    _, data = await fetch_recording(api, downloader, vm_id)
    assert data == demo_server.recording_bytes(vm_id)
    retrieves = [r for r in demo_server.requests if r.path == f"/api/v1/voicemails/{vm_id}"]
    assert len(retrieves) == 2  # a fresh signed URL for the second try
    assert len(demo_server.storage_requests) == 2
    first, second = (r.path for r in demo_server.storage_requests)
    assert first != second


async def test_fetch_recording_gives_up_cleanly_after_two_expired_links(
    demo_server: DemoServer, api: PhoneIncClient, downloader: RecordingDownloader
) -> None:
    vm_id, _ = with_recording(demo_server)
    demo_server.inject_storage(Fault.status(403), times=2)
    with pytest.raises(RecordingExpiredError) as caught:
        await fetch_recording(api, downloader, vm_id)
    assert "expired" in str(caught.value)
    assert demo_server.api_key not in str(caught.value)
    retrieves = [r for r in demo_server.requests if r.path == f"/api/v1/voicemails/{vm_id}"]
    assert len(retrieves) == 2
    assert len(demo_server.storage_requests) == 2


async def test_fetch_recording_of_a_processing_voicemail(
    demo_server: DemoServer, api: PhoneIncClient, downloader: RecordingDownloader
) -> None:
    demo_server.add_voicemail(id="0193f4cb-proc-0001", recording=None)
    with pytest.raises(RecordingProcessingError):
        await fetch_recording(api, downloader, "0193f4cb-proc-0001")
    assert demo_server.storage_requests == []


# -- redirects: bounded and checked ------------------------------------------------------------


async def test_redirect_loop_stops_after_max_redirects(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    vm_id, _ = with_recording(demo_server)
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    demo_server.inject(Fault.redirect_to(vm.recording_url), times=1000, path="/rails/")
    async with guarded(max_redirects=3) as (downloader, transport):
        with pytest.raises(DownloadError, match="redirect"):
            await downloader.fetch(vm.recording_url)
    assert len(rails_requests(demo_server)) == 4
    assert len(transport.seen) == 4
    assert demo_server.storage_requests == []


async def test_too_many_hops_is_refused_but_enough_hops_work(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    vm_id, _ = with_recording(demo_server)
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    async with guarded(max_redirects=0) as (downloader, _):
        with pytest.raises(DownloadError, match="redirect"):
            await downloader.fetch(vm.recording_url)  # one hop needed: rails -> storage
    assert demo_server.storage_requests == []
    async with guarded(max_redirects=1) as (downloader, _):
        assert await downloader.fetch(vm.recording_url) == demo_server.recording_bytes(vm_id)


async def test_non_loopback_http_url_is_refused_without_a_request() -> None:
    async with guarded() as (downloader, transport):
        for url in (
            "http://example.com/rails/active_storage/blobs/redirect/x/voicemail.mp3",
            "http://10.0.0.1/x.mp3",
            "ftp://127.0.0.1/x.mp3",
            "file:///etc/passwd",
            "not a url",
        ):
            with pytest.raises(DownloadError):
                await downloader.fetch(url)
    assert transport.seen == []


@pytest.mark.parametrize(
    "location",
    ["http://example.com/evil.mp3", "//example.com/evil.mp3", "file:///etc/passwd"],
)
async def test_redirect_to_plain_http_elsewhere_is_not_followed(
    demo_server: DemoServer, api: PhoneIncClient, location: str
) -> None:
    vm_id, _ = with_recording(demo_server)
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    demo_server.inject(Fault.redirect_to(location), path="/rails/")
    async with guarded() as (downloader, transport):
        with pytest.raises(DownloadError):
            await downloader.fetch(vm.recording_url)
    assert [url.host for url in transport.seen] == ["127.0.0.1"]


async def test_the_downloader_never_sends_a_key_even_to_the_api_origin(
    demo_server: DemoServer, api: PhoneIncClient
) -> None:
    vm_id, _ = with_recording(demo_server)
    vm = await api.get_voicemail(vm_id)
    assert vm.recording_url is not None
    async with guarded() as (downloader, transport):
        await downloader.fetch(vm.recording_url)
    assert [url.host for url in transport.seen] == ["127.0.0.1", "127.0.0.1"]
    assert_no_key(rails_requests(demo_server), demo_server.api_key)
    assert all(r.headers.get("accept") == "audio/*" for r in demo_server.storage_requests)
