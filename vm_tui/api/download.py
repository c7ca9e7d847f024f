"""Recording download: a separate client that has never seen the API key.

``recording_url`` is an ActiveStorage redirect: the API origin answers 302 to a storage host.
httpx would copy ``X-Api-Key`` onto that redirect, so this client has no key at all and follows
redirects itself, checking every hop.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from vm_tui import __version__
from vm_tui.tls import trust_store

from .errors import (
    ApiTimeoutError,
    ConfigError,
    DownloadError,
    DownloadTooLargeError,
    NetworkError,
    RecordingExpiredError,
)
from .urls import check_transport_url

MAX_RECORDING_BYTES = 50 * 1024 * 1024
MAX_REDIRECTS = 5
_ACCEPTED_TYPES = ("audio/", "application/octet-stream", "binary/octet-stream")

# Called with (bytes received so far, total bytes or None when unknown).
Progress = Callable[[int, int | None], None]


class RecordingDownloader:
    def __init__(
        self,
        *,
        max_bytes: int = MAX_RECORDING_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        timeout: httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._timeout = timeout or httpx.Timeout(30.0, connect=5.0)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None  # made on first use: start-up is faster

    @property
    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                headers={"User-Agent": f"vm-tui/{__version__}", "Accept": "audio/*"},
                timeout=self._timeout,
                follow_redirects=False,
                transport=self._transport,
                trust_env=False,
                # A given transport (tests) brings its own TLS; otherwise the shared trust store.
                verify=True if self._transport is not None else trust_store(),
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def fetch(self, url: str, on_progress: Progress | None = None) -> bytes:
        """Download ``url`` into memory, following at most ``max_redirects`` checked hops."""
        current = _parse(url)
        for _hop in range(self.max_redirects + 1):
            try:
                async with self._http.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        current = _parse(str(current.join(location)))
                        continue
                    _check_status(response)
                    _check_type(response)
                    return await self._read_capped(response, on_progress)
            except httpx.TimeoutException:
                raise ApiTimeoutError("the recording download timed out") from None
            except httpx.TransportError:
                raise NetworkError("the recording download failed (network error)") from None
        raise DownloadError("too many redirects while downloading the recording")

    async def _read_capped(self, response: httpx.Response, on_progress: Progress | None) -> bytes:
        total = _content_length(response)
        if total is not None and total > self.max_bytes:
            raise DownloadTooLargeError(_too_large(self.max_bytes))
        chunks: list[bytes] = []
        received = 0
        if on_progress:
            on_progress(0, total)
        async for chunk in response.aiter_bytes():
            received += len(chunk)
            if received > self.max_bytes:
                raise DownloadTooLargeError(_too_large(self.max_bytes))
            chunks.append(chunk)
            if on_progress:
                on_progress(received, total)
        if total is not None and received < total:
            raise DownloadError("the recording download was cut short")
        return b"".join(chunks)


def _parse(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        raise DownloadError("the recording URL is not a valid URL") from None
    try:
        check_transport_url(parsed, "the recording URL")
    except ConfigError as error:
        raise DownloadError(str(error)) from None
    return parsed


def _check_status(response: httpx.Response) -> None:
    status = response.status_code
    if status == 403:
        raise RecordingExpiredError("the recording link expired (storage answered 403)")
    if status == 404:
        raise DownloadError("the recording was not found on storage (404)")
    if status >= 400:
        raise DownloadError(f"storage error while downloading the recording (HTTP {status})")


def _check_type(response: httpx.Response) -> None:
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind and not kind.startswith(_ACCEPTED_TYPES):
        raise DownloadError(f"storage sent {kind or 'unknown content'} instead of audio")


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    return int(value) if value and value.isdigit() else None


def _too_large(limit: int) -> str:
    return f"the recording is larger than {limit // (1024 * 1024)} MB; not downloaded"
