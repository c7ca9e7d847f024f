"""What each network failure is called, for the API client and the recording downloader alike.

Every failure is produced for real on loopback: a closed port, a name that does not resolve, a
proxy that refuses or is not there, a server that never answers, a certificate signed by a CA
nobody trusts. Each message is one line and names no key, no proxy password, no signed URL.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.network.conftest import API_HOST
from tests.network.proxy import ConnectProxy
from vm_tui.api import NO_RETRY, NetworkError, PhoneIncClient, RecordingDownloader
from vm_tui.api.errors import ApiTimeoutError, CertificateError, ProxyError, TlsError
from vm_tui.api.network import NetworkConfig
from vm_tui.demo import DemoServer

KEY = "phk_" + "x" * 28
HINT = "(a TLS-inspecting proxy? set SSL_CERT_FILE or add its CA to the system store)"
QUICK = httpx.Timeout(1.0, connect=1.0)


@contextlib.contextmanager
def silent_server(accept: bool = True) -> Iterator[int]:
    """A port that takes TCP connections and never says a word (with ``accept=False`` it never
    even accepts them: the kernel completes the handshake from the backlog)."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=hold, daemon=True)
    if accept:
        thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        if accept:
            thread.join(2)
        for sock in held:
            sock.close()
        listener.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def api_error(base_url: str, network: NetworkConfig) -> NetworkError:
    client = PhoneIncClient(KEY, base_url, network=network, retry=NO_RETRY, timeout=QUICK)
    try:
        with pytest.raises(NetworkError) as caught:
            await client.list_voicemails()
    finally:
        await client.aclose()
    check_line(caught.value)
    return caught.value


async def download_error(url: str, network: NetworkConfig) -> NetworkError:
    downloader = RecordingDownloader(network=network, timeout=QUICK)
    try:
        with pytest.raises(NetworkError) as caught:
            await downloader.fetch(url)
    finally:
        await downloader.aclose()
    check_line(caught.value)
    assert "/blobs/" not in str(caught.value) and "sig=" not in str(caught.value)
    assert "/rails/" not in str(caught.value)
    return caught.value


def check_line(error: Exception) -> None:
    text = str(error)
    assert text and "\n" not in text and KEY not in text
    assert "s3cret" not in text


def env(**values: str) -> NetworkConfig:
    return NetworkConfig.from_environment(values)


# -- certificates ------------------------------------------------------------------------------


async def test_a_certificate_from_an_unknown_ca(
    tls_server: DemoServer, proxy: ConnectProxy, other_ca_file: Path
) -> None:
    config = env(HTTPS_PROXY=proxy.url, SSL_CERT_FILE=str(other_ca_file))
    api = await api_error(tls_server.base_url, config)
    storage_url = tls_server.storage_origin + "/blobs/x.mp3?expires=1&sig=abc"
    storage = await download_error(storage_url, config)

    host = tls_server.origin.removeprefix("https://")
    assert isinstance(api, CertificateError)
    assert str(api) == f"certificate verify failed for {host} {HINT}"
    assert isinstance(storage, CertificateError)
    storage_host = tls_server.storage_origin.removeprefix("https://")
    assert str(storage) == f"certificate verify failed for {storage_host} {HINT}"
    assert not api.transient


async def test_a_certificate_for_another_host_name(tls_server: DemoServer, ca_file: Path) -> None:
    """Signed by a trusted CA, but for api.phone.test: reached as 127.0.0.1 it must fail."""
    port = tls_server.origin.rsplit(":", 1)[1]
    config = env(SSL_CERT_FILE=str(ca_file))
    api = await api_error(f"https://127.0.0.1:{port}/api/v1", config)
    storage = await download_error(f"https://127.0.0.1:{port}/rails/a/voicemail.mp3", config)
    for error in (api, storage):
        assert isinstance(error, CertificateError)
        assert str(error) == f"certificate verify failed for 127.0.0.1:{port} {HINT}"


async def test_a_server_that_does_not_speak_tls() -> None:
    with DemoServer(new_every=None, fill_in_after=None) as plain:
        port = plain.origin.rsplit(":", 1)[1]
        api = await api_error(f"https://127.0.0.1:{port}/api/v1", env())
        storage = await download_error(f"https://127.0.0.1:{port}/blobs/x.mp3?sig=1", env())
    assert isinstance(api, TlsError) and not isinstance(api, CertificateError)
    assert str(api).startswith(f"TLS handshake with 127.0.0.1:{port} failed (")
    assert str(storage).startswith(
        f"the recording download failed: TLS handshake with 127.0.0.1:{port} failed ("
    )


# -- connections -------------------------------------------------------------------------------


async def test_connection_refused() -> None:
    port = closed_port()
    api = await api_error(f"https://127.0.0.1:{port}/api/v1", env())
    storage = await download_error(f"https://127.0.0.1:{port}/blobs/x.mp3?sig=1", env())
    assert str(api) == f"cannot reach 127.0.0.1:{port}: connection refused"
    assert str(storage) == (
        f"the recording download failed: cannot reach 127.0.0.1:{port}: connection refused"
    )


async def test_host_name_not_found() -> None:
    api = await api_error("https://no-such-host.invalid/api/v1", env())
    storage = await download_error("https://no-such-host.invalid/blobs/x.mp3?sig=1", env())
    assert str(api) == "cannot reach no-such-host.invalid: host name not found"
    assert str(storage) == (
        "the recording download failed: cannot reach no-such-host.invalid: host name not found"
    )


# -- proxies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (407, "HTTP 407, it asks for credentials (user:password@ in the proxy URL)"),
        (403, "HTTP 403, forbidden by the proxy (it asks for no credentials)"),
    ],
)
async def test_a_proxy_that_refuses_the_tunnel(
    tls_server: DemoServer, proxy: ConnectProxy, ca_file: Path, status: int, words: str
) -> None:
    proxy.refuse = status
    config = env(HTTPS_PROXY=proxy.url, SSL_CERT_FILE=str(ca_file))
    api = await api_error(tls_server.base_url, config)
    storage = await download_error(tls_server.storage_origin + "/blobs/x.mp3?sig=1", config)
    host = tls_server.origin.removeprefix("https://")
    storage_host = tls_server.storage_origin.removeprefix("https://")
    via = f"the proxy 127.0.0.1:{proxy.port}"
    assert isinstance(api, ProxyError) and api.proxy_status == status and not api.transient
    assert api.status is None  # not an answer from Phone.inc: the CLI must not say "not allowed"
    assert str(api) == f"{via} refused to connect to {host}: {words}"
    assert str(storage) == (
        f"the recording download failed: {via} refused to connect to {storage_host}: {words}"
    )


async def test_rejected_proxy_credentials_are_not_shown(
    tls_server: DemoServer, proxy: ConnectProxy, ca_file: Path
) -> None:
    proxy.credentials = ("alice", "right")
    config = env(HTTPS_PROXY=proxy.url_with("alice", "s3cret"), SSL_CERT_FILE=str(ca_file))
    api = await api_error(tls_server.base_url, config)
    assert str(api).endswith("HTTP 407, it rejected the credentials in the proxy URL")
    assert "alice" not in str(api)


async def test_a_proxy_that_cannot_reach_the_host(
    tls_server: DemoServer, proxy: ConnectProxy, ca_file: Path
) -> None:
    proxy.hosts.clear()  # the proxy's own DNS knows nothing: it answers 502
    config = env(HTTPS_PROXY=proxy.url, SSL_CERT_FILE=str(ca_file))
    api = await api_error(tls_server.base_url, config)
    host = tls_server.origin.removeprefix("https://")
    assert str(api) == f"the proxy 127.0.0.1:{proxy.port} could not connect to {host} (HTTP 502)"
    assert isinstance(api, ProxyError) and api.transient


async def test_a_proxy_that_is_not_there(tls_server: DemoServer, ca_file: Path) -> None:
    port = closed_port()
    config = env(HTTPS_PROXY=f"http://alice:s3cret@127.0.0.1:{port}", SSL_CERT_FILE=str(ca_file))
    api = await api_error(tls_server.base_url, config)
    storage = await download_error(tls_server.storage_origin + "/blobs/x.mp3?sig=1", config)
    assert isinstance(api, ProxyError)
    assert str(api) == f"cannot reach the proxy 127.0.0.1:{port}: connection refused"
    assert str(storage) == (
        f"the recording download failed: cannot reach the proxy 127.0.0.1:{port}: "
        "connection refused"
    )
    unknown = await api_error(
        tls_server.base_url, env(HTTPS_PROXY="http://no-such-proxy.invalid:3128")
    )
    assert str(unknown) == "cannot reach the proxy no-such-proxy.invalid:3128: host name not found"


# -- timeouts ----------------------------------------------------------------------------------


async def test_a_server_that_never_answers() -> None:
    with silent_server() as port:
        api = await api_error(f"http://127.0.0.1:{port}/api/v1", env())
        storage = await download_error(f"http://127.0.0.1:{port}/blobs/x.mp3?sig=1", env())
    assert isinstance(api, ApiTimeoutError)
    assert str(api) == f"127.0.0.1:{port} did not answer in time"
    assert str(storage) == f"the recording download failed: 127.0.0.1:{port} did not answer in time"


async def test_a_tls_handshake_that_never_ends() -> None:
    with silent_server(accept=False) as port:
        api = await api_error(f"https://127.0.0.1:{port}/api/v1", env())
        storage = await download_error(f"https://127.0.0.1:{port}/blobs/x.mp3?sig=1", env())
    assert isinstance(api, ApiTimeoutError)
    assert str(api) == f"timed out connecting to 127.0.0.1:{port}"
    assert (
        str(storage) == f"the recording download failed: timed out connecting to 127.0.0.1:{port}"
    )


async def test_a_proxy_that_never_answers_connect() -> None:
    with silent_server() as port:
        api = await api_error(f"https://{API_HOST}/api/v1", env(HTTPS_PROXY=f"127.0.0.1:{port}"))
    assert isinstance(api, ApiTimeoutError)
    assert str(api) == f"{API_HOST} did not answer in time (through the proxy 127.0.0.1:{port})"


# -- only the configuration passed counts ---------------------------------------------------


async def test_a_given_config_is_all_the_clients_read(
    monkeypatch: pytest.MonkeyPatch, ca_file: Path
) -> None:
    """The process environment names a dead proxy; the config passed names none. httpx with
    trust_env would take the variable (and route even loopback through it)."""
    dead = f"http://127.0.0.1:{closed_port()}"
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, dead)
    config = env(SSL_CERT_FILE=str(ca_file))
    with DemoServer(new_every=None, fill_in_after=None) as plain:
        client = PhoneIncClient(plain.api_key, plain.base_url, network=config, retry=NO_RETRY)
        downloader = RecordingDownloader(network=config)
        try:
            inbox = await client.list_voicemails()
            url = next(vm.recording_url for vm in inbox.voicemails if vm.recording_url)
            assert await downloader.fetch(url)
        finally:
            await client.aclose()
            await downloader.aclose()


# -- the errors are what the CLI and the retry logic expect ------------------------------------


def test_tls_and_proxy_errors_are_network_errors() -> None:
    for kind in (TlsError, CertificateError, ProxyError, ApiTimeoutError):
        assert issubclass(kind, NetworkError)
    assert isinstance(ssl.SSLCertVerificationError(), ssl.SSLError)
