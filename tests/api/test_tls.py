"""The shared TLS trust store: verified certificates, the OS store + certifi + SSL_CERT_FILE /
SSL_CERT_DIR + ca_bundle, built once per set of sources, preloadable in a thread."""

from __future__ import annotations

import ssl
import sys
import threading
import time
from pathlib import Path

import certifi
import pytest
import trustme

from vm_tui.api import PhoneIncClient, RecordingDownloader, tls
from vm_tui.api.errors import CaFileError
from vm_tui.api.network import NetworkConfig
from vm_tui.api.tls import TrustSources, TrustStoreError


@pytest.fixture
def fresh_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tls, "_contexts", {})


@pytest.fixture
def ca_file(tmp_path: Path) -> tuple[trustme.CA, Path]:
    ca = trustme.CA()
    path = tmp_path / "company-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, path


def ca_subjects(context: ssl.SSLContext) -> list[object]:
    inner = getattr(context, "_ctx", context)  # truststore's context wraps an ssl.SSLContext
    return [cert["subject"] for cert in inner.get_ca_certs()]


def subject_of(ca: trustme.CA, tmp_path: Path) -> object:
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    probe.load_verify_locations(cadata=ca.cert_pem.bytes().decode())
    return probe.get_ca_certs()[0]["subject"]


def test_it_verifies_certificates_and_host_names(fresh_store: None) -> None:
    context = tls.trust_store(TrustSources())
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    inner = getattr(context, "_ctx", context)
    assert inner.cert_store_stats()["x509_ca"] > 50  # certifi's bundle (and the OS's), loaded


def test_certifi_is_trusted_besides_the_os_store(fresh_store: None) -> None:
    probe = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    probe.load_verify_locations(cafile=certifi.where())
    certifi_subjects = {repr(c["subject"]) for c in probe.get_ca_certs()}
    trusted = {repr(s) for s in ca_subjects(tls.trust_store(TrustSources()))}
    assert certifi_subjects <= trusted


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="there truststore asks the OS")
def test_on_linux_the_os_store_is_loaded_once_not_per_connection(fresh_store: None) -> None:
    """truststore's OpenSSL backend reloads the default paths before every handshake (~20 ms
    of PEM parsing on the event loop); here they are loaded into the context once."""
    context = tls.trust_store(TrustSources())
    assert type(context) is ssl.SSLContext


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="there truststore asks the OS")
def test_the_os_store_is_openssls_default_paths(
    fresh_store: None, monkeypatch: pytest.MonkeyPatch, ca_file: tuple[trustme.CA, Path]
) -> None:
    """What OpenSSL itself reads (it honours the process's SSL_CERT_FILE), not passed in."""
    ca, path = ca_file
    monkeypatch.setenv("SSL_CERT_FILE", str(path))
    assert subject_of(ca, path) in ca_subjects(tls.trust_store(TrustSources()))


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="there truststore asks the OS")
def test_without_openssl_defaults_the_first_distribution_bundle_is_used(
    fresh_store: None, monkeypatch: pytest.MonkeyPatch, ca_file: tuple[trustme.CA, Path]
) -> None:
    """A Python built against another OpenSSL (pyenv, python.org) may have empty defaults:
    then, as truststore does, the first distribution bundle that exists."""
    ca, path = ca_file
    empty = ssl.DefaultVerifyPaths(None, None, "SSL_CERT_FILE", "/none", "SSL_CERT_DIR", "/none")  # type: ignore[arg-type]
    monkeypatch.setattr(ssl, "get_default_verify_paths", lambda: empty)
    monkeypatch.setattr(tls, "_CA_FILE_CANDIDATES", ("/nonexistent/ca.pem", str(path)))
    assert subject_of(ca, path) in ca_subjects(tls.trust_store(TrustSources()))


def test_it_is_built_once_per_set_of_sources(
    fresh_store: None, ca_file: tuple[trustme.CA, Path]
) -> None:
    _, path = ca_file
    assert tls.trust_store() is tls.trust_store()
    with_ca = TrustSources(ca_bundle=str(path))
    assert tls.trust_store(with_ca) is tls.trust_store(TrustSources(ca_bundle=str(path)))
    assert tls.trust_store(with_ca) is not tls.trust_store(TrustSources())


def test_ssl_cert_file_dir_and_ca_bundle_are_added(
    fresh_store: None, tmp_path: Path, ca_file: tuple[trustme.CA, Path]
) -> None:
    file_ca, file_path = ca_file
    bundle_ca = trustme.CA()
    bundle = tmp_path / "bundle.pem"
    bundle_ca.cert_pem.write_to_path(str(bundle))
    sources = TrustSources(cert_file=str(file_path), ca_bundle=str(bundle))
    trusted = ca_subjects(tls.trust_store(sources))
    assert subject_of(file_ca, tmp_path) in trusted
    assert subject_of(bundle_ca, tmp_path) in trusted
    assert len(trusted) > 50  # added to, not instead of


def test_the_sources_come_from_the_environment_read(tmp_path: Path) -> None:
    env = {"SSL_CERT_FILE": "/a.pem", "SSL_CERT_DIR": "/certs", "PATH": "/bin"}
    config = NetworkConfig.from_environment(env, ca_bundle="/c.pem")
    assert config.trust == TrustSources("/a.pem", "/certs", "/c.pem")
    assert NetworkConfig.from_environment({}).trust == TrustSources()


def test_ssl_cert_dir_is_used_for_lookups(fresh_store: None, tmp_path: Path) -> None:
    context = tls.trust_store(TrustSources(cert_dir=str(tmp_path)))
    assert context.verify_mode == ssl.CERT_REQUIRED  # a folder costs nothing until a lookup


@pytest.mark.parametrize(
    ("field", "name"),
    [("cert_file", "SSL_CERT_FILE"), ("ca_bundle", "ca_bundle")],
)
def test_an_unusable_ca_file_is_named(
    fresh_store: None, tmp_path: Path, field: str, name: str
) -> None:
    missing = tmp_path / "missing.pem"
    with pytest.raises(TrustStoreError) as caught:
        tls.trust_store(TrustSources(**{field: str(missing)}))
    assert (
        str(caught.value)
        == f"cannot read the CA file {missing} ({name}): No such file or directory"
    )

    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    with pytest.raises(TrustStoreError) as caught:
        tls.trust_store(TrustSources(**{field: str(junk)}))
    assert (
        str(caught.value)
        == f"the CA file {junk} ({name}) holds no PEM certificate OpenSSL can read"
    )

    with pytest.raises(TrustStoreError, match=f"cannot read the CA file {tmp_path} .{name}.: "):
        tls.trust_store(TrustSources(**{field: str(tmp_path)}))  # a folder


def test_a_missing_ssl_cert_dir_is_named(fresh_store: None, tmp_path: Path) -> None:
    with pytest.raises(TrustStoreError) as caught:
        tls.trust_store(TrustSources(cert_dir=f"{tmp_path}:{tmp_path / 'gone'}"))
    assert str(caught.value) == f"the CA folder {tmp_path / 'gone'} (SSL_CERT_DIR) does not exist"


async def test_the_clients_report_it_as_a_config_error(tmp_path: Path) -> None:
    config = NetworkConfig.from_environment({"SSL_CERT_FILE": str(tmp_path / "gone.pem")})
    with pytest.raises(CaFileError, match=r"gone\.pem"):
        PhoneIncClient("phk_" + "x" * 28, "https://app.phone.inc/api/v1", network=config)
    downloader = RecordingDownloader(network=config)
    with pytest.raises(CaFileError, match=r"gone\.pem"):
        await downloader.fetch("https://storage.example/blobs/a.mp3")
    await downloader.aclose()


async def test_plain_http_on_loopback_needs_no_trust_store(
    fresh_store: None, tmp_path: Path
) -> None:
    """`--demo` must work whatever SSL_CERT_FILE says: no CA file is opened for it."""
    config = NetworkConfig.from_environment({"SSL_CERT_FILE": str(tmp_path / "gone.pem")})
    client = PhoneIncClient("phk_" + "x" * 28, "http://127.0.0.1:9/api/v1", network=config)
    await client.aclose()
    assert tls._contexts == {}


def test_preload_builds_it_in_a_thread(fresh_store: None) -> None:
    builders: list[str] = []
    real_build = tls._build

    def build(sources: TrustSources) -> ssl.SSLContext:
        builders.append(threading.current_thread().name)
        return real_build(sources)

    sources = TrustSources()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tls, "_build", build)
        tls.preload(sources)
        deadline = time.monotonic() + 10
        while sources not in tls._contexts and time.monotonic() < deadline:
            time.sleep(0.005)
        assert tls.trust_store(sources) is tls._contexts[sources]
    assert builders == ["vm-tui-tls-preload"]


def test_preload_defaults_to_the_process_environment(
    fresh_store: None, monkeypatch: pytest.MonkeyPatch, ca_file: tuple[trustme.CA, Path]
) -> None:
    _, path = ca_file
    monkeypatch.setenv("SSL_CERT_FILE", str(path))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    tls.preload()
    deadline = time.monotonic() + 10
    expected = TrustSources(cert_file=str(path))
    while expected not in tls._contexts and time.monotonic() < deadline:
        time.sleep(0.005)
    assert expected in tls._contexts


async def test_both_clients_use_it() -> None:
    """httpx's pool keeps the context it was given: the API client and the downloader share
    the one trust store (no second build on the first download), and so do their proxies."""
    network = NetworkConfig.from_environment({"HTTPS_PROXY": "https://proxy.corp:3128"})
    for config in (None, network):
        client = PhoneIncClient("phk_" + "x" * 28, "https://app.phone.inc/api/v1", network=config)
        downloader = RecordingDownloader(network=config)
        try:
            expected = (config or NetworkConfig.from_environment()).ssl_context()
            if config is None:
                api_pool = client._http._transport._pool  # type: ignore[attr-defined]
                download_pool = downloader._http._transport._pool  # type: ignore[attr-defined]
                assert api_pool._ssl_context is expected
                assert download_pool._ssl_context is expected
            else:
                proxied = next(iter(client._http._mounts.values()))._pool  # type: ignore[union-attr]
                assert proxied._ssl_context is expected
                assert proxied._proxy_ssl_context is expected  # an https proxy is verified too
        finally:
            await client.aclose()
            await downloader.aclose()
