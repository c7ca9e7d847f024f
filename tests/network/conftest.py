"""A Phone.inc over TLS under names that do not resolve, reachable only through a CONNECT proxy.

- ``ca``: a throwaway CA (trustme); ``ca_file`` its certificate as PEM, for SSL_CERT_FILE.
- ``tls_server``: the demo server over https, its API origin named ``api.phone.test`` and its
  storage origin ``storage.phone.test`` (both listen on 127.0.0.1; nothing resolves the names).
- ``proxy``: the test proxy, which resolves those two names to 127.0.0.1 itself.
- The machine's own proxy and CA variables (this machine sets SSL_CERT_FILE / SSL_CERT_DIR) are
  removed from this process's environment for every test here, and ``network_env`` builds a
  subprocess environment without them.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
import trustme

from tests.cli.cli_helpers import cli_env
from tests.network.proxy import ConnectProxy
from vm_tui.demo import DemoServer

API_HOST = "api.phone.test"
STORAGE_HOST = "storage.phone.test"
HOSTS = {API_HOST: "127.0.0.1", STORAGE_HOST: "127.0.0.1"}

# Everything that could route or trust on its own: none of it may leak in from the machine.
NETWORK_VARIABLES = (
    "https_proxy",
    "HTTPS_PROXY",
    "http_proxy",
    "HTTP_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "NETRC",
)


@pytest.fixture(autouse=True)
def no_machine_network_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in NETWORK_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "test-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="session")
def other_ca_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA that signed nothing here: trusting it (and not ``ca``) must fail verification."""
    path = tmp_path_factory.mktemp("other-ca") / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="session")
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(API_HOST, STORAGE_HOST).configure_cert(context)
    return context


@pytest.fixture
def tls_server(server_tls: ssl.SSLContext) -> Iterator[DemoServer]:
    with DemoServer(
        new_every=None,
        fill_in_after=None,
        tls=server_tls,
        public_host=API_HOST,
        storage_host=STORAGE_HOST,
    ) as server:
        yield server


@pytest.fixture
def proxy() -> Iterator[ConnectProxy]:
    with ConnectProxy(dict(HOSTS)) as running:
        yield running


def network_env(
    server: DemoServer | None = None, *, key: str | None = None, **extra: str
) -> dict[str, str]:
    """``cli_env`` without any of the machine's proxy or CA variables, then ``extra``."""
    base: Mapping[str, str] = {k: v for k, v in os.environ.items() if k not in NETWORK_VARIABLES}
    return cli_env(server, key=key, base_env=base, **extra)


def ready_ids(server: DemoServer) -> list[str]:
    return [str(vm["id"]) for vm in server.voicemails() if vm["recording_url"]]
