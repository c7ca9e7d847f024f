"""The shared TLS trust store: verified certificates, built once, preloadable in a thread."""

from __future__ import annotations

import ssl
import threading
import time

import pytest

from vm_tui import tls
from vm_tui.api import PhoneIncClient, RecordingDownloader


@pytest.fixture
def fresh_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tls, "_context", None)


def test_it_verifies_certificates_and_host_names(fresh_store: None) -> None:
    context = tls.trust_store()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 50  # certifi's bundle, loaded


def test_it_is_built_once(fresh_store: None) -> None:
    assert tls.trust_store() is tls.trust_store()


def test_preload_builds_it_in_a_thread(fresh_store: None) -> None:
    builders: list[str] = []
    real_create = ssl.create_default_context

    def create(*args: object, **kwargs: object) -> ssl.SSLContext:
        builders.append(threading.current_thread().name)
        return real_create(*args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ssl, "create_default_context", create)
        tls.preload()
        deadline = time.monotonic() + 10
        while tls._context is None and time.monotonic() < deadline:
            time.sleep(0.005)
        assert tls.trust_store() is tls._context
    assert builders == ["vm-tui-tls-preload"]


async def test_both_clients_use_it() -> None:
    """httpx's pool keeps the context it was given: the API client and the downloader share
    the one trust store (no second 15 ms build on the first download)."""
    client = PhoneIncClient("phk_" + "x" * 28, "https://app.phone.inc/api/v1")
    downloader = RecordingDownloader()
    try:
        contexts = {
            id(client._http._transport._pool._ssl_context),  # type: ignore[attr-defined]
            id(downloader._http._transport._pool._ssl_context),  # type: ignore[attr-defined]
        }
        assert contexts == {id(tls.trust_store())}
    finally:
        await client.aclose()
        await downloader.aclose()
