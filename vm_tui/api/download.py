"""Recording download: a separate client that has never seen the API key.

``recording_url`` is an ActiveStorage redirect: the API origin answers 302 to a storage host.
httpx would copy ``X-Api-Key`` onto that redirect, so this client has no key at all and follows
redirects itself, checking every hop.

The whole download (every hop, the headers, the body) has one deadline, scaled to the announced
size (``vm_tui.api.limits``), and the body is capped after decompression.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable

import httpx

from vm_tui import __version__

from .bodies import ACCEPT_ENCODING, capped_chunks
from .errors import (
    CertificateError,
    ConfigError,
    DeadlineError,
    DownloadError,
    DownloadTooLargeError,
    NetworkError,
    ProtocolError,
    RecordingExpiredError,
)
from .limits import RECORDING_MAX_BYTES, Limits, bytes_text, seconds_text
from .network import (
    NetworkConfig,
    default_config,
    describe_transport_error,
    httpx_proxy,
    trusts_nothing,
)
from .urls import check_transport_url

MAX_RECORDING_BYTES = RECORDING_MAX_BYTES
MAX_REDIRECTS = 5
_ACCEPTED_TYPES = ("audio/", "application/octet-stream", "binary/octet-stream")

# Called with (bytes received so far, total bytes or None when unknown).
Progress = Callable[[int, int | None], None]


class RecordingDownloader:
    """``network``: proxies and extra CAs (default: read from ``os.environ`` when first used).
    Each hop is routed on its own (the storage host may be in NO_PROXY while the API origin is
    not): one pooled client per proxy decision."""

    def __init__(
        self,
        *,
        max_bytes: int = MAX_RECORDING_BYTES,
        max_redirects: int = MAX_REDIRECTS,
        timeout: httpx.Timeout | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        network: NetworkConfig | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.limits = limits or Limits.current()
        self.max_redirects = max_redirects
        self._timeout = timeout or httpx.Timeout(30.0, connect=5.0)
        self._transport = transport
        self._network = network
        # Made on first use (start-up is faster): one per (https?, proxy) decision. Plain http
        # hops (loopback only, never proxied) need no trust store.
        self._clients: dict[tuple[bool, str | None], httpx.AsyncClient] = {}

    @property
    def _http(self) -> httpx.AsyncClient:
        """The direct https client (or the test transport's)."""
        return self._client_for(True, None)

    def _config(self) -> NetworkConfig:
        if self._network is None:
            self._network = default_config(None)
        return self._network

    def _route(self, url: httpx.URL) -> str | None:
        return None if self._transport is not None else self._config().proxy_for(url)

    def _client_for(self, tls: bool, proxy: str | None) -> httpx.AsyncClient:
        client = self._clients.get((tls, proxy))
        if client is None:
            context: ssl.SSLContext | bool
            if self._transport is not None:
                context = True  # a given transport (tests) brings its own TLS
            else:
                context = self._config().ssl_context() if tls else trusts_nothing()
            client = self._clients[(tls, proxy)] = httpx.AsyncClient(
                headers={
                    "User-Agent": f"vm-tui/{__version__}",
                    "Accept": "audio/*",
                    "Accept-Encoding": ACCEPT_ENCODING,  # what bodies.py inflates with a cap
                },
                timeout=self._timeout,
                follow_redirects=False,
                transport=self._transport,
                # Never from the environment (.netrc): proxy and trust store are explicit.
                trust_env=False,
                verify=context,
                proxy=httpx_proxy(proxy, context) if isinstance(context, ssl.SSLContext) else None,
            )
        return client

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    async def fetch(self, url: str, on_progress: Progress | None = None) -> bytes:
        """Download ``url`` into memory, following at most ``max_redirects`` checked hops.

        Within the deadline for its size: DeadlineError when storage sends too slowly."""
        current = _parse(url)
        limits = self.limits
        deadline = asyncio.timeout(limits.download_seconds(0))  # until the size is known
        progress = _Progress(on_progress)
        try:
            async with deadline:
                return await self._fetch(current, deadline, progress)
        except TimeoutError:
            if not deadline.expired():
                raise
            budget = limits.download_seconds(progress.total)
            raise DeadlineError(
                f"the recording download took longer than {seconds_text(budget)} "
                f"({progress.describe()} received)",
                seconds=budget,
            ) from None

    async def _fetch(
        self, current: httpx.URL, deadline: asyncio.Timeout, progress: _Progress
    ) -> bytes:
        started = asyncio.get_running_loop().time()
        for _hop in range(self.max_redirects + 1):
            proxy = self._route(current)
            try:
                client = self._client_for(current.scheme == "https", proxy)
                async with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        current = _parse(str(current.join(location)))
                        continue
                    _check_status(response)
                    _check_type(response)
                    total = _content_length(response)
                    deadline.reschedule(started + self.limits.download_seconds(total))
                    return await self._read_capped(response, total, progress)
            except httpx.TransportError as error:
                raise _download_error(error, current, proxy) from None
        raise DownloadError("too many redirects while downloading the recording")

    async def _read_capped(
        self, response: httpx.Response, total: int | None, progress: _Progress
    ) -> bytes:
        """The body, decompressed, at most ``max_bytes`` of it (counted after decompression:
        a small gzip bomb stops at the cap). Progress counts the bytes on the wire, as the
        announced length does."""
        if total is not None and total > self.max_bytes:
            raise DownloadTooLargeError(_too_large(self.max_bytes))
        chunks: list[bytes] = []
        progress.start(total)
        try:
            async for chunk in capped_chunks(response, self.max_bytes, self._too_large):
                chunks.append(chunk)
                progress.update(response.num_bytes_downloaded)
        except ProtocolError as error:  # a damaged or unsupported compression
            raise DownloadError(f"the recording download failed: {error}") from None
        if total is not None and response.num_bytes_downloaded < total:
            raise DownloadError("the recording download was cut short")
        return b"".join(chunks)

    def _too_large(self) -> DownloadTooLargeError:
        return DownloadTooLargeError(_too_large(self.max_bytes))


class _Progress:
    """What arrived so far (for the progress callback, and for a deadline's message)."""

    def __init__(self, report: Progress | None) -> None:
        self.report = report
        self.total: int | None = None
        self.received = 0

    def start(self, total: int | None) -> None:
        self.total = total
        if self.report:
            self.report(0, total)

    def update(self, received: int) -> None:
        self.received = received
        if self.report:
            self.report(received, self.total)

    def describe(self) -> str:
        of = f" of {bytes_text(self.total)}" if self.total is not None else ""
        return f"{bytes_text(self.received)}{of}"


def _download_error(error: httpx.TransportError, url: httpx.URL, proxy: str | None) -> NetworkError:
    """What went wrong, naming the host (never the signed URL)."""
    found = describe_transport_error(error, url.netloc.decode("ascii", "replace"), proxy)
    if not isinstance(found, CertificateError):  # that one reads the same everywhere
        found.message = f"the recording download failed: {found.message}"
    return found


def _parse(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):  # UnicodeError is a ValueError
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
    return int(value) if value and value.isascii() and value.isdigit() else None


def _too_large(limit: int) -> str:
    return f"the recording is larger than {limit // (1024 * 1024)} MB; not downloaded"
