"""The async Phone.inc Voicemails API client (httpx, no UI)."""

from __future__ import annotations

import asyncio
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any

import httpx

from vm_tui import __version__

from .auth import ApiKeyAuth, origin_of
from .bodies import ACCEPT_ENCODING, capped_chunks
from .errors import (
    ApiError,
    ConfigError,
    DeadlineError,
    NotFoundError,
    ProtocolError,
)
from .jsonstream import loads_object_streaming
from .limits import Kind, Limits, bytes_text, seconds_text
from .models import Inbox, Voicemail, parse_inbox, parse_voicemail
from .network import (
    NetworkConfig,
    default_config,
    describe_transport_error,
    httpx_proxy,
    trusts_nothing,
)
from .responses import decode_json, error_for
from .retry import RetryPolicy
from .urls import DEFAULT_BASE_URL, check_id, normalise_base_url

USER_AGENT = f"vm-tui/{__version__}"
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
# Parsing a big inbox takes tens of milliseconds: above this size do it off the event loop.
_PARSE_IN_THREAD_BYTES = 64 * 1024

Sleep = Callable[[float], Awaitable[None]]


class PhoneIncClient:
    """List, retrieve, mark and delete voicemails.

    Idempotent calls are retried on network errors, 5xx and 429 (honouring ``Retry-After``).
    The key is sent as ``X-Api-Key`` to the API origin only; redirects are never followed here.
    Every call has an overall deadline and a size cap for its answer (``vm_tui.api.limits``);
    a 421 (misdirected request) is tried again at once on a new connection.

    ``network``: proxies and extra CAs (default: read from ``os.environ`` now). The proxy is
    chosen once, for the API origin. The base URL is https unless it is loopback, and loopback
    is never proxied: through a proxy the key only ever travels inside the TLS tunnel.
    """

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
        network: NetworkConfig | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        self.retry = retry or RetryPolicy()
        self.limits = limits or Limits.current()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._clock = clock
        auth = ApiKeyAuth(api_key, origin_of(self.base_url))
        if transport is not None:
            # A given transport (tests) brings its own TLS and goes nowhere else.
            self.proxy: str | None = None
            context: ssl.SSLContext | bool = True
        else:
            config = default_config(network)
            self.proxy = config.proxy_for(self.base_url)
            if self.proxy is not None and self.base_url.scheme != "https":
                # Unreachable (plain http is loopback only, never proxied); kept as a guard.
                raise ConfigError("refusing to send the API key in clear text through a proxy")
            # Plain http (loopback: the demo, tests) needs no trust store, nor its CA files.
            context = config.ssl_context() if self.base_url.scheme == "https" else trusts_nothing()
        self._transport = transport
        settings: dict[str, Any] = {
            "auth": auth,
            "headers": {
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
                # Only what vm_tui.api.bodies inflates with a cap.
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            "timeout": timeout,
            "follow_redirects": False,
            "transport": transport,
            # Never from the environment: httpx would read .netrc too. Proxy and trust store
            # are passed explicitly instead.
            "trust_env": False,
            "verify": context,
            "proxy": (
                httpx_proxy(self.proxy, context) if isinstance(context, ssl.SSLContext) else None
            ),
        }
        self._settings = settings
        self._pool = _Pool(httpx.AsyncClient(**settings))
        self._retired: list[_Pool] = []

    @property
    def _http(self) -> httpx.AsyncClient:
        return self._pool.http

    async def __aenter__(self) -> PhoneIncClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        pools, self._retired = [self._pool, *self._retired], []
        for pool in pools:
            pool.retired = True
            await pool.http.aclose()

    def __repr__(self) -> str:
        return f"PhoneIncClient({str(self.base_url)!r})"

    # -- the four calls ---------------------------------------------------------------------

    async def list_voicemails(
        self,
        *,
        retry: RetryPolicy | None = None,
        incremental: bool = True,
        off_loop: bool = True,
        reuse: Mapping[str, Voicemail] | None = None,
    ) -> Inbox:
        """The inbox. A big answer is parsed in a thread, and by default decoded element by
        element so that thread lets the event loop run between elements. ``incremental=False``
        decodes it in one call instead (a third faster, but the loop waits for it): for a first
        load, when there is nothing on screen yet to keep moving. ``off_loop=False`` parses it
        right here, in one call, for a loop with nothing else to run (the head start's, a
        command's). ``reuse``: see ``parse_inbox``."""
        response = await self._request("GET", "/voicemails", "list", retry=retry)
        content = response.content
        if off_loop and len(content) > _PARSE_IN_THREAD_BYTES:
            return await asyncio.to_thread(
                _parse_inbox_response, response, content, incremental, reuse
            )
        # On the loop nothing runs between elements: decoding them one by one would only be
        # slower.
        return _parse_inbox_response(response, content, incremental=False, reuse=reuse)

    async def get_voicemail(self, voicemail_id: str) -> Voicemail:
        response = await self._request("GET", f"/voicemails/{check_id(voicemail_id)}", "retrieve")
        return parse_voicemail(decode_json(response))

    async def set_listened(self, voicemail_id: str, listened: bool) -> Voicemail:
        response = await self._request(
            "PATCH",
            f"/voicemails/{check_id(voicemail_id)}",
            "change",
            data={"listened": "true" if listened else "false"},
        )
        return parse_voicemail(decode_json(response))

    async def delete_voicemail(self, voicemail_id: str) -> None:
        await self._request(
            "DELETE", f"/voicemails/{check_id(voicemail_id)}", "change", gone_is_done=True
        )

    # -- plumbing ---------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        kind: Kind,
        *,
        data: dict[str, str] | None = None,
        retry: RetryPolicy | None = None,
        gone_is_done: bool = False,
    ) -> httpx.Response:
        """One call: its attempts (and the waits between them) under one deadline."""
        budget = self.limits.seconds_for(kind)
        deadline = asyncio.timeout(budget)
        try:
            async with deadline:
                return await self._attempts(
                    method, path, kind, data, retry or self.retry, gone_is_done, deadline
                )
        except TimeoutError:
            if not deadline.expired():
                raise
            raise DeadlineError(_too_slow(method, kind, budget), seconds=budget) from None

    async def _attempts(
        self,
        method: str,
        path: str,
        kind: Kind,
        data: dict[str, str] | None,
        policy: RetryPolicy,
        gone_is_done: bool,
        deadline: asyncio.Timeout,
    ) -> httpx.Response:
        url = self.base_url.copy_with(path=self.base_url.path + path)
        started = self._clock()
        attempt = 0
        new_connection_tried = False
        while True:
            attempt += 1
            try:
                return await self._send_once(method, url, data, kind)
            except NotFoundError:
                # A DELETE whose earlier attempt reached the server but whose answer was lost.
                if gone_is_done and attempt > 1:
                    return httpx.Response(204)
                raise
            except ApiError as error:
                if error.status == 421 and not new_connection_tried:
                    # Misdirected: this connection reached a server that does not serve this
                    # origin. Once, at once, on a new connection (even for a poll).
                    new_connection_tried = True
                    await self._new_connections()
                    continue
                delay = policy.delay_for(attempt, error, self._rng)
                waited = self._clock() - started
                # An untrusted certificate or a proxy asking for credentials stays so, and an
                # answer we cannot use would come back the same.
                if isinstance(error, ProtocolError) or not getattr(error, "transient", True):
                    raise
                if not policy.should_retry(attempt, error, waited, delay):
                    raise
                when = deadline.when()
                if when is not None and asyncio.get_running_loop().time() + delay >= when:
                    raise  # the next attempt could not finish in time: this answer is the news
                await self._sleep(delay)

    async def _send_once(
        self, method: str, url: httpx.URL, data: dict[str, str] | None, kind: Kind
    ) -> httpx.Response:
        pool = self._pool
        pool.users += 1
        try:
            http = pool.http
            response = await http.send(http.build_request(method, url, data=data), stream=True)
            try:
                if response.is_redirect:
                    raise ProtocolError(
                        f"unexpected redirect (HTTP {response.status_code}) from the API; "
                        "not followed"
                    )
                response = await _read_capped(response, self.limits.bytes_for(kind), kind)
            finally:
                await response.aclose()
        except httpx.TransportError as error:
            raise describe_transport_error(error, self._host(), self.proxy) from None
        finally:
            pool.users -= 1
            if pool.retired and not pool.users:
                await self._close_retired(pool)
        if response.is_error:
            raise error_for(response)
        return response

    async def _new_connections(self) -> None:
        """New requests go through a new pool (so a new connection); the old one closes when
        the requests still using it end. A transport given by a test is kept (it has no
        connections to renew)."""
        if self._transport is not None:
            return
        old, self._pool = self._pool, _Pool(httpx.AsyncClient(**self._settings))
        old.retired = True
        if old.users:
            self._retired.append(old)
        else:
            await old.http.aclose()

    async def _close_retired(self, pool: _Pool) -> None:
        if pool in self._retired:
            self._retired.remove(pool)
        await pool.http.aclose()

    def _host(self) -> str:
        return self.base_url.netloc.decode("ascii", "replace")


class _Pool:
    """One httpx client (its connection pool) and how many requests are using it now."""

    __slots__ = ("http", "retired", "users")

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.users = 0
        self.retired = False


_WHAT = {"list": "send the inbox", "retrieve": "send the voicemail"}
_BODY_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})


def _too_slow(method: str, kind: Kind, budget: float) -> str:
    what = _WHAT.get(kind) or ("confirm the delete" if method == "DELETE" else "confirm the mark")
    return f"Phone.inc took longer than {seconds_text(budget)} to {what}"


async def _read_capped(response: httpx.Response, cap: int, kind: Kind) -> httpx.Response:
    """The streamed response with its body read, inflated, and at most ``cap`` bytes of it (a
    gzip bomb stops at the cap, not at the end of memory)."""
    what = "the inbox" if kind == "list" else "one answer"
    declared = response.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > cap:
        raise ProtocolError(
            f"Phone.inc announced an answer of {bytes_text(int(declared))}, more than the "
            f"{bytes_text(cap)} {what} may take; not read"
        )

    def too_large() -> ProtocolError:
        return ProtocolError(
            f"Phone.inc sent more than the {bytes_text(cap)} {what} may take (decompressed); "
            "not read further"
        )

    chunks = [chunk async for chunk in capped_chunks(response, cap, too_large)]
    # The body is decoded already: the new response must not decode it again.
    headers = [(k, v) for k, v in response.headers.raw if k.lower() not in _BODY_HEADERS]
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=b"".join(chunks),
        request=response.request,
        extensions=response.extensions,
    )


def _parse_inbox_response(
    response: httpx.Response,
    content: bytes,
    incremental: bool = True,
    reuse: Mapping[str, Voicemail] | None = None,
) -> Inbox:
    if len(content) <= _PARSE_IN_THREAD_BYTES or not incremental:
        data: Any = decode_json(response, content)
    else:
        try:
            data = loads_object_streaming(content.decode("utf-8"), "voicemails")
        except (ValueError, UnicodeDecodeError, RecursionError):
            data = decode_json(response, content)  # raises the usual "not JSON" error
    return parse_inbox(data, reuse)
