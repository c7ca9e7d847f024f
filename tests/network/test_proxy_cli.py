"""`vm-tui list / show / download` behind a CONNECT proxy, with a company CA, as subprocesses.

The demo server speaks TLS under ``api.phone.test`` / ``storage.phone.test``, names nothing
resolves but the test proxy: a command that works reached it through the proxy, and one that
trusts the wrong CA fails on the certificate.
"""

from __future__ import annotations

import base64
from pathlib import Path

from tests.cli.cli_helpers import command, finish, run_cli, start
from tests.network.conftest import API_HOST, STORAGE_HOST, network_env, ready_ids
from tests.network.proxy import ConnectProxy
from vm_tui.demo import DemoServer

EXIT_USAGE = 2
EXIT_NETWORK = 5
CERTIFICATE_MESSAGE = (
    "vm-tui: certificate verify failed for {host} (a TLS-inspecting proxy? set SSL_CERT_FILE "
    "or add its CA to the system store)"
)


def api_netloc(server: DemoServer) -> str:
    return server.origin.removeprefix("https://")


def check_key_stayed_in_the_tunnel(server: DemoServer, proxy: ConnectProxy) -> None:
    """The proxy saw CONNECTs only, no key in anything it received (TLS inside), and storage
    got no key; the API origin did get it (so the check is not vacuous)."""
    assert proxy.requests, "the proxy was not used"
    assert {r.method for r in proxy.requests} == {"CONNECT"}
    for seen in proxy.requests:
        assert "x-api-key" not in seen.headers
        assert "authorization" not in seen.headers
    assert server.api_key.encode() not in proxy.received
    assert any(r.headers.get("x-api-key") == server.api_key for r in server.requests)
    for request in server.storage_requests:
        assert "x-api-key" not in request.headers and "authorization" not in request.headers
        assert server.api_key not in request.path


def test_list_show_and_download_through_the_proxy_with_the_company_ca(
    tls_server: DemoServer, proxy: ConnectProxy, ca_file: Path, tmp_path: Path
) -> None:
    env = network_env(tls_server, HTTPS_PROXY=proxy.url, SSL_CERT_FILE=str(ca_file))
    vm_id = ready_ids(tls_server)[0]
    target = tmp_path / "message.mp3"
    procs = [
        start(command("list", "--json"), env),
        start(command("show", vm_id), env),
        start(command("download", vm_id, "-o", str(target)), env),
    ]
    listed, shown, downloaded = (finish(p, [tls_server.api_key]) for p in procs)

    assert listed.code == 0, listed.stderr
    assert vm_id in listed.stdout
    assert shown.code == 0, shown.stderr
    assert downloaded.code == 0, downloaded.stderr
    assert target.read_bytes() == tls_server.recording_bytes(vm_id)
    # The download followed the redirect from the API origin to the storage origin, each hop
    # through its own tunnel.
    assert tls_server.storage_requests
    tunnels = set(proxy.tunnelled)
    assert f"{API_HOST}:{tls_server.origin.rsplit(':', 1)[1]}" in tunnels
    assert f"{STORAGE_HOST}:{tls_server.storage_origin.rsplit(':', 1)[1]}" in tunnels
    check_key_stayed_in_the_tunnel(tls_server, proxy)


def test_lower_case_https_proxy_and_all_proxy_work_too(
    tls_server: DemoServer, proxy: ConnectProxy, ca_file: Path
) -> None:
    procs = [
        start(
            command("list"),
            network_env(
                tls_server,
                https_proxy=proxy.url,
                HTTPS_PROXY="http://127.0.0.1:9",  # lower case wins, as with curl
                SSL_CERT_FILE=str(ca_file),
            ),
        ),
        start(
            command("list"),
            network_env(tls_server, ALL_PROXY=proxy.url, SSL_CERT_FILE=str(ca_file)),
        ),
    ]
    for result in (finish(p, [tls_server.api_key]) for p in procs):
        assert result.code == 0, result.stderr
    assert len(proxy.tunnelled) == 2


def test_without_the_company_ca_the_message_names_the_certificate(
    tls_server: DemoServer, proxy: ConnectProxy, other_ca_file: Path
) -> None:
    # The machine's own SSL_CERT_FILE / SSL_CERT_DIR are gone from this environment: only the
    # OS store, certifi and a CA that signed nothing here are trusted.
    without = network_env(tls_server, HTTPS_PROXY=proxy.url)
    wrong = network_env(tls_server, HTTPS_PROXY=proxy.url, SSL_CERT_FILE=str(other_ca_file))
    procs = [start(command("list"), without), start(command("list"), wrong)]
    results = [finish(p, [tls_server.api_key]) for p in procs]

    expected = CERTIFICATE_MESSAGE.format(host=api_netloc(tls_server))
    for result in results:
        assert result.code == EXIT_NETWORK, result.stderr
        assert result.one_error_line() == expected
        assert result.out == b""
    # Not retried: a certificate does not fix itself in a second.
    assert len(proxy.tunnelled) == 2
    assert tls_server.requests == []  # no request got past the handshake


def test_proxy_refusals_say_what_the_proxy_wants(
    tls_server: DemoServer, proxy: ConnectProxy, ca_file: Path
) -> None:
    env = network_env(tls_server, HTTPS_PROXY=proxy.url, SSL_CERT_FILE=str(ca_file))
    host = api_netloc(tls_server)
    proxy.refuse = 407
    wants = run_cli("list", env=env)
    proxy.refuse = 403
    forbidden = run_cli("list", env=env)

    assert wants.code == forbidden.code == EXIT_NETWORK
    assert wants.one_error_line() == (
        f"vm-tui: the proxy 127.0.0.1:{proxy.port} refused to connect to {host}: HTTP 407, "
        "it asks for credentials (user:password@ in the proxy URL)"
    )
    assert forbidden.one_error_line() == (
        f"vm-tui: the proxy 127.0.0.1:{proxy.port} refused to connect to {host}: HTTP 403, "
        "forbidden by the proxy (it asks for no credentials)"
    )
    assert tls_server.requests == []


def test_proxy_credentials_go_to_the_proxy_only_and_are_never_printed(
    tls_server: DemoServer, proxy: ConnectProxy, ca_file: Path, tmp_path: Path
) -> None:
    proxy.credentials = ("alice", "pr0xy-s3cret")
    good = network_env(
        tls_server,
        HTTPS_PROXY=proxy.url_with("alice", "pr0xy-s3cret"),
        SSL_CERT_FILE=str(ca_file),
    )
    bad = network_env(
        tls_server, HTTPS_PROXY=proxy.url_with("alice", "wr0ng-s3cret"), SSL_CERT_FILE=str(ca_file)
    )
    vm_id = ready_ids(tls_server)[0]
    procs = [
        start(command("download", vm_id, "-o", str(tmp_path / "a.mp3")), good),
        start(command("list"), bad),
    ]
    worked, refused = (
        finish(p, [tls_server.api_key, "pr0xy-s3cret", "wr0ng-s3cret"]) for p in procs
    )

    assert worked.code == 0, worked.stderr
    assert refused.code == EXIT_NETWORK
    assert refused.one_error_line().endswith(
        "HTTP 407, it rejected the credentials in the proxy URL"
    )
    token = base64.b64encode(b"alice:pr0xy-s3cret").decode()
    connects = [
        r for r in proxy.requests if r.headers.get("proxy-authorization") == f"Basic {token}"
    ]
    assert connects, "the proxy credentials were not sent"
    # Neither origin ever saw them (nor any other credential).
    for request in [*tls_server.requests, *tls_server.storage_requests]:
        assert "proxy-authorization" not in request.headers
        assert "authorization" not in request.headers
    check_key_stayed_in_the_tunnel(tls_server, proxy)


def test_netrc_is_never_read(
    tls_server: DemoServer, proxy: ConnectProxy, ca_file: Path, tmp_path: Path
) -> None:
    """No credential from the environment: a .netrc naming every host is never used. (httpx
    0.28 reads .netrc only through an explicit NetRCAuth; this keeps it that way.)"""
    netrc = tmp_path / ".netrc"
    netrc.write_text(
        f"machine {API_HOST} login netrc-user password netrc-pass\n"
        f"machine {STORAGE_HOST} login netrc-user password netrc-pass\n"
        f"machine 127.0.0.1 login netrc-user password netrc-pass\n"
    )
    netrc.chmod(0o600)
    env = network_env(
        tls_server,
        HTTPS_PROXY=proxy.url,
        SSL_CERT_FILE=str(ca_file),
        NETRC=str(netrc),
        HOME=str(tmp_path),
    )
    vm_id = ready_ids(tls_server)[0]
    result = run_cli("download", vm_id, "-o", str(tmp_path / "a.mp3"), env=env)

    assert result.code == 0, result.stderr
    for request in [*tls_server.requests, *tls_server.storage_requests]:
        assert "authorization" not in request.headers
    assert all("proxy-authorization" not in r.headers for r in proxy.requests)


def test_no_proxy_sends_the_named_hosts_direct(
    tls_server: DemoServer, proxy: ConnectProxy, ca_file: Path, tmp_path: Path
) -> None:
    """Direct, these names do not resolve: "host name not found" proves the proxy was skipped.
    Storage alone in NO_PROXY: the API hops go through the proxy, the storage hop does not."""
    vm_id = ready_ids(tls_server)[0]
    everything = network_env(
        tls_server, HTTPS_PROXY=proxy.url, SSL_CERT_FILE=str(ca_file), NO_PROXY=".phone.test"
    )
    storage_only = network_env(
        tls_server, HTTPS_PROXY=proxy.url, SSL_CERT_FILE=str(ca_file), no_proxy=STORAGE_HOST
    )
    star = network_env(tls_server, HTTPS_PROXY=proxy.url, SSL_CERT_FILE=str(ca_file), NO_PROXY="*")

    listed = run_cli("list", env=everything)
    assert listed.code == EXIT_NETWORK
    assert (
        listed.one_error_line()
        == f"vm-tui: cannot reach {api_netloc(tls_server)}: host name not found"
    )
    assert run_cli("list", env=star).code == EXIT_NETWORK
    assert proxy.requests == []

    downloaded = run_cli("download", vm_id, "-o", str(tmp_path / "a.mp3"), env=storage_only)
    assert downloaded.code == EXIT_NETWORK
    storage = tls_server.storage_origin.removeprefix("https://")
    assert downloaded.one_error_line() == (
        f"vm-tui: the recording download failed: cannot reach {storage}: host name not found"
    )
    assert proxy.tunnelled and all(t.startswith(f"{API_HOST}:") for t in proxy.tunnelled)
    assert tls_server.storage_requests == []


def test_a_stray_proxy_never_breaks_loopback(tmp_path: Path) -> None:
    """HTTP_PROXY / HTTPS_PROXY / ALL_PROXY at a dead port: the demo server on 127.0.0.1
    (plain http, as `--demo` runs it) is reached directly, list and download both."""
    dead = "http://127.0.0.1:9"
    with DemoServer(new_every=None, fill_in_after=None) as server:
        env = network_env(
            server, HTTP_PROXY=dead, HTTPS_PROXY=dead, ALL_PROXY=dead, http_proxy=dead
        )
        vm_id = ready_ids(server)[0]
        listed = run_cli("list", env=env)
        downloaded = run_cli("download", vm_id, "-o", str(tmp_path / "a.mp3"), env=env)
        assert listed.code == 0, listed.stderr
        assert downloaded.code == 0, downloaded.stderr
        assert (tmp_path / "a.mp3").read_bytes() == server.recording_bytes(vm_id)


def write_config(folder: Path, text: str) -> Path:
    path = folder / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_config_file_proxy_and_ca_bundle_without_any_variable(
    tls_server: DemoServer, proxy: ConnectProxy, ca_file: Path, tmp_path: Path
) -> None:
    (tmp_path / "company-ca.pem").write_bytes(ca_file.read_bytes())
    config = write_config(
        tmp_path,
        f'proxy = "{proxy.url}"\nca_bundle = "company-ca.pem"\n',  # relative to the file
    )
    env = network_env(tls_server, VM_TUI_CONFIG=str(config))
    vm_id = ready_ids(tls_server)[0]
    target = tmp_path / "a.mp3"

    listed = run_cli("list", env=env)
    downloaded = run_cli("download", vm_id, "-o", str(target), env=env)

    assert listed.code == 0, listed.stderr
    assert downloaded.code == 0, downloaded.stderr
    assert target.read_bytes() == tls_server.recording_bytes(vm_id)
    check_key_stayed_in_the_tunnel(tls_server, proxy)


def test_the_environment_proxy_beats_the_config_file(
    tls_server: DemoServer, proxy: ConnectProxy, ca_file: Path, tmp_path: Path
) -> None:
    config = write_config(tmp_path, 'proxy = "http://127.0.0.1:9"\n')
    env = network_env(
        tls_server, VM_TUI_CONFIG=str(config), HTTPS_PROXY=proxy.url, SSL_CERT_FILE=str(ca_file)
    )
    result = run_cli("list", env=env)
    assert result.code == 0, result.stderr
    assert proxy.tunnelled

    alone = run_cli("list", env=network_env(tls_server, VM_TUI_CONFIG=str(config)))
    assert alone.code == EXIT_NETWORK
    assert (
        alone.one_error_line() == "vm-tui: cannot reach the proxy 127.0.0.1:9: connection refused"
    )


def test_an_unreadable_ca_file_is_named(tls_server: DemoServer, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "ca.pem"
    not_pem = tmp_path / "notes.txt"
    not_pem.write_text("not a certificate\n")
    config = write_config(tmp_path, f'ca_bundle = "{not_pem}"\n')
    procs = [
        start(command("list"), network_env(tls_server, SSL_CERT_FILE=str(missing))),
        start(command("list"), network_env(tls_server, VM_TUI_CONFIG=str(config))),
    ]
    from_env, from_file = (finish(p, [tls_server.api_key]) for p in procs)

    assert from_env.code == from_file.code == EXIT_USAGE
    assert from_env.one_error_line() == (
        f"vm-tui: cannot read the CA file {missing} (SSL_CERT_FILE): No such file or directory"
    )
    assert from_file.one_error_line() == (
        f"vm-tui: the CA file {not_pem} (ca_bundle) holds no PEM certificate OpenSSL can read"
    )
    assert tls_server.requests == []


def test_config_show_masks_the_proxy_password(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'proxy = "http://alice:pr0xy-s3cret@proxy.corp:3128"\n')
    result = run_cli("config", "show", env=network_env(VM_TUI_CONFIG=str(config)))
    assert result.code == 0, result.stderr
    assert "pr0xy-s3cret" not in result.stdout + result.stderr
    assert 'proxy = "http://alice:***@proxy.corp:3128"' in result.stdout
