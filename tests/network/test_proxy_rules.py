"""Which proxy a URL goes through: the variables curl reads, NO_PROXY, loopback, the config."""

from __future__ import annotations

import os

import httpx
import pytest

from vm_tui.api import PhoneIncClient, RecordingDownloader
from vm_tui.api.errors import ConfigError
from vm_tui.api.network import (
    NetworkConfig,
    describe_proxy,
    mask_proxy_url,
    no_proxy_matches,
)

API = "https://app.phone.inc/api/v1"
PROXY = "http://proxy.corp:3128"
OTHER = "http://other.corp:8080"


def proxy_for(url: str, env: dict[str, str], **config: str) -> str | None:
    return NetworkConfig.from_environment(env, **config).proxy_for(url)


# -- which variable ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"])
def test_https_urls_use_https_proxy_or_all_proxy(name: str) -> None:
    assert proxy_for(API, {name: PROXY}) == PROXY


@pytest.mark.parametrize("name", ["HTTP_PROXY", "http_proxy"])
def test_http_proxy_is_for_http_urls_only(name: str) -> None:
    assert proxy_for("http://example.com/x", {name: PROXY}) == PROXY
    assert proxy_for(API, {name: PROXY}) is None


def test_lower_case_wins_as_with_curl() -> None:
    assert proxy_for(API, {"HTTPS_PROXY": OTHER, "https_proxy": PROXY}) == PROXY
    assert proxy_for(API, {"ALL_PROXY": OTHER, "all_proxy": PROXY}) == PROXY
    assert (
        proxy_for(API, {"NO_PROXY": "elsewhere", "no_proxy": "phone.inc", "https_proxy": PROXY})
        is None
    )
    assert (
        proxy_for(API, {"NO_PROXY": "phone.inc", "no_proxy": "elsewhere", "https_proxy": PROXY})
        == PROXY
    )


def test_the_scheme_specific_variable_beats_all_proxy() -> None:
    assert proxy_for(API, {"ALL_PROXY": OTHER, "HTTPS_PROXY": PROXY}) == PROXY
    assert proxy_for(API, {"all_proxy": OTHER, "HTTPS_PROXY": PROXY}) == PROXY


def test_an_empty_value_counts_as_unset() -> None:
    assert proxy_for(API, {"https_proxy": "", "HTTPS_PROXY": PROXY}) == PROXY
    assert proxy_for(API, {"HTTPS_PROXY": ""}) is None
    assert proxy_for(API, {"HTTPS_PROXY": PROXY, "no_proxy": "", "NO_PROXY": "*"}) is None


def test_a_bare_host_and_port_means_http() -> None:
    assert proxy_for(API, {"HTTPS_PROXY": "proxy.corp:3128"}) == "http://proxy.corp:3128"


def test_nothing_set_means_direct() -> None:
    assert proxy_for(API, {}) is None


# -- the config file's proxy -------------------------------------------------------------------


def test_the_config_proxy_is_used_when_no_variable_names_one() -> None:
    assert proxy_for(API, {}, proxy=PROXY) == PROXY
    assert proxy_for(API, {"HTTPS_PROXY": OTHER}, proxy=PROXY) == OTHER  # env > file
    assert proxy_for(API, {"ALL_PROXY": OTHER}, proxy=PROXY) == OTHER
    assert proxy_for(API, {"NO_PROXY": "app.phone.inc"}, proxy=PROXY) is None  # still applies


# -- loopback ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/api/v1",
        "http://127.1.2.3/x",
        "https://localhost:8443/api",
        "http://LOCALHOST/",
        "http://[::1]:9000/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_loopback_never_goes_through_a_proxy(url: str) -> None:
    env = {"HTTPS_PROXY": PROXY, "HTTP_PROXY": PROXY, "ALL_PROXY": PROXY, "http_proxy": PROXY}
    assert proxy_for(url, env, proxy=PROXY) is None


@pytest.mark.parametrize("host", ["api.localhost", "localhost.localdomain", "127.0.0.1.nip.io"])
def test_names_that_merely_look_local_are_proxied(host: str) -> None:
    assert proxy_for(f"https://{host}/x", {"HTTPS_PROXY": PROXY}) == PROXY


# -- NO_PROXY ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "host", "port", "matches"),
    [
        ("*", "anything.example", 443, True),
        ("corp.example", "corp.example", 443, True),
        ("corp.example", "api.corp.example", 443, True),
        ("corp.example", "a.b.corp.example", 443, True),
        (".corp.example", "corp.example", 443, True),
        (".corp.example", "api.corp.example", 443, True),
        ("*.corp.example", "api.corp.example", 443, True),
        ("corp.example", "evilcorp.example", 443, False),
        ("corp.example", "corp.example.evil", 443, False),
        ("CORP.Example", "Api.corp.EXAMPLE", 443, True),
        ("corp.example.", "api.corp.example", 443, True),
        ("corp.example", "api.corp.example.", 443, True),
        ("a.example, corp.example", "x.corp.example", 443, True),
        ("a.example,corp.example", "x.corp.example", 443, True),
        ("a.example corp.example", "x.corp.example", 443, True),
        (" , ,corp.example, ", "corp.example", 443, True),
        ("corp.example:8443", "corp.example", 8443, True),
        ("corp.example:8443", "corp.example", 443, False),
        ("10.1.2.3", "10.1.2.3", 443, True),
        ("10.1.2.3", "10.1.2.4", 443, False),
        ("10.1.2.3:443", "10.1.2.3", 443, True),
        ("10.1.2.3:80", "10.1.2.3", 443, False),
        ("10.0.0.0/8", "10.200.3.4", 443, True),
        ("10.0.0.0/8", "11.0.0.1", 443, False),
        ("192.168.1.7/24", "192.168.1.200", 443, True),
        ("10.0.0.0/8", "ten.example", 443, False),
        ("fd00::/8", "fd12:3456::1", 443, True),
        ("fd00::/8", "fe80::1", 443, False),
        ("2001:db8::1", "2001:db8::1", 443, True),
        ("[2001:db8::1]:443", "2001:db8::1", 443, True),
        ("[2001:db8::1]:80", "2001:db8::1", 443, False),
        ("10.1.2.3", "10.1.2.3.example", 443, False),
        ("example", "10.1.2.3", 443, False),
        ("", "corp.example", 443, False),
        ("not/a/cidr", "10.0.0.1", 443, False),
    ],
)
def test_no_proxy_matching(value: str, host: str, port: int, matches: bool) -> None:
    assert no_proxy_matches(value, host, port) is matches


def test_no_proxy_uses_the_default_port_of_the_scheme() -> None:
    env = {"HTTPS_PROXY": PROXY, "HTTP_PROXY": PROXY, "NO_PROXY": "corp.example:443"}
    assert proxy_for("https://corp.example/x", env) is None
    assert proxy_for("https://corp.example:8443/x", env) == PROXY
    assert proxy_for("http://corp.example/x", env) == PROXY


# -- unusable proxies, and the password in messages -------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("socks5://alice:s3cret@proxy:1080", "socks5:// proxies are not supported"),
        ("http://alice:s3cret@", "not a valid proxy URL"),
        ("http://alice:s3cret@pro xy:80", "not a valid proxy URL"),
        ("http://alice:s3cret@proxy:notaport", "not a valid proxy URL"),
        ("http://alice:s3cret@proxy:99999", "not a valid proxy URL"),
    ],
)
def test_an_unusable_proxy_names_the_variable_and_hides_the_password(
    value: str, words: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        proxy_for(API, {"https_proxy": value})
    message = str(caught.value)
    assert message.startswith("https_proxy")
    assert words in message
    assert "s3cret" not in message and "\n" not in message


def test_an_unusable_proxy_fails_when_the_client_is_built() -> None:
    with pytest.raises(ConfigError, match="HTTPS_PROXY"):
        PhoneIncClient(
            "phk_" + "x" * 28,
            API,
            network=NetworkConfig.from_environment({"HTTPS_PROXY": "socks5://p:1"}),
        )


def test_masking_and_naming_proxies() -> None:
    assert (
        mask_proxy_url("http://alice:s%40cret@proxy.corp:3128")
        == "http://alice:***@proxy.corp:3128"
    )
    assert mask_proxy_url("alice:pw@proxy.corp:3128") == "alice:***@proxy.corp:3128"
    assert mask_proxy_url(PROXY) == PROXY
    assert describe_proxy("http://alice:s3cret@proxy.corp:3128") == "proxy.corp:3128"
    assert describe_proxy("https://proxy.corp") == "proxy.corp:443"
    assert describe_proxy("http://[fd00::1]:3128") == "[fd00::1]:3128"
    config = NetworkConfig.from_environment({}, proxy="http://alice:s3cret@proxy.corp:3128")
    assert "s3cret" not in repr(config)


# -- defaults: the clients read os.environ -----------------------------------------------------


async def test_clients_read_the_process_environment_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", PROXY)
    monkeypatch.setenv("NO_PROXY", "storage.example")
    client = PhoneIncClient("phk_" + "x" * 28, API)
    downloader = RecordingDownloader()
    try:
        assert client.proxy == PROXY
        assert downloader._route(httpx.URL("https://cdn.example/a")) == PROXY
        assert downloader._route(httpx.URL("https://storage.example/a")) is None
    finally:
        await client.aclose()
        await downloader.aclose()


def test_the_config_keeps_only_the_variables_it_reads() -> None:
    env = {**os.environ, "PHONE_INC_API_KEY": "phk_secret", "HTTPS_PROXY": PROXY}
    config = NetworkConfig.from_environment(env)
    assert "PHONE_INC_API_KEY" not in config.environ
    assert config.environ["HTTPS_PROXY"] == PROXY


# -- the key never travels in clear to a proxy -------------------------------------------------


async def test_the_key_can_only_reach_a_proxy_inside_tls() -> None:
    """A proxied API origin is always https (the tunnel is CONNECT, the key inside TLS); the
    only plain-http origins allowed are loopback, and those are never proxied."""
    everything = {
        "HTTP_PROXY": PROXY,
        "http_proxy": PROXY,
        "HTTPS_PROXY": PROXY,
        "ALL_PROXY": PROXY,
    }
    config = NetworkConfig.from_environment(everything, proxy=PROXY)
    key = "phk_" + "x" * 28
    for base in ("http://127.0.0.1:8000/api/v1", "http://localhost/api/v1", "http://[::1]:1/a"):
        client = PhoneIncClient(key, base, network=config)
        assert client.proxy is None
        await client.aclose()
    for base in ("http://app.phone.inc/api/v1", "http://api.localhost/api/v1"):
        with pytest.raises(ConfigError, match="https"):
            PhoneIncClient(key, base, network=config)
    client = PhoneIncClient(key, API, network=config)
    assert client.proxy == PROXY and client.base_url.scheme == "https"
    await client.aclose()
