"""Ids, base URLs, the key header and error mapping, on real httpx objects."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from vm_tui.api import (
    AuthError,
    ConfigError,
    InvalidIdError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from vm_tui.api.auth import ApiKeyAuth, key_format_warning, mask_key, origin_of
from vm_tui.api.download import RecordingDownloader
from vm_tui.api.responses import decode_json, error_for, retry_after_seconds
from vm_tui.api.urls import check_id, is_loopback, normalise_base_url

KEY = "phk_DemoVmTuiKeyNotSecret2345678"


@pytest.mark.parametrize("bad", ["../x", "a/b", "a?b", "a#b", "%2F", "a%2Fb", "", " a", "a b", "é"])
def test_unsafe_ids_are_refused(bad: str) -> None:
    with pytest.raises(InvalidIdError):
        check_id(bad)


def test_uuid_ids_pass_unchanged() -> None:
    assert (
        check_id("0193f4cb-7777-7c00-9e3d-2b2b8a7f1c33") == "0193f4cb-7777-7c00-9e3d-2b2b8a7f1c33"
    )


@pytest.mark.parametrize(
    "url",
    ["http://app.phone.inc/api/v1", "ftp://x/api", "https://", "https://u:p@host/api/v1", "x"],
)
def test_unsafe_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigError):
        normalise_base_url(url)


@pytest.mark.parametrize(
    "url", ["https://app.phone.inc/api/v1/", "http://127.0.0.1:8000/api/v1", "http://[::1]:9/a"]
)
def test_https_or_loopback_base_urls(url: str) -> None:
    assert not str(normalise_base_url(url)).endswith("/")


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "::ffff:127.0.0.1", "localhost", "LocalHost"],
)
def test_literal_loopback(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host",
    [
        "api.localhost",  # a name: a resolver, a hosts file or a proxy may send it anywhere
        "localhost.localdomain",
        "localhost.",
        "localhost.evil.example",
        "127.0.0.1.nip.io",
        "0.0.0.0",  # noqa: S104 - a host name checked, nothing bound
        "::",
        "::ffff:10.0.0.1",
        "10.0.0.1",
        "app.phone.inc",
    ],
)
def test_names_that_only_look_local_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize(
    "url", ["http://api.localhost:8000/api/v1", "http://localhost.localdomain/api/v1"]
)
def test_plain_http_to_a_localhost_like_name_is_refused(url: str) -> None:
    with pytest.raises(ConfigError, match="https"):
        normalise_base_url(url)


async def test_the_downloader_refuses_plain_http_to_a_localhost_like_name() -> None:
    downloader = RecordingDownloader()
    with pytest.raises(Exception, match="must use https"):
        await downloader.fetch("http://storage.localhost/blobs/a.mp3")
    await downloader.aclose()


def test_key_format_warning() -> None:
    assert key_format_warning(KEY) is None
    assert key_format_warning("phk_short") is not None
    assert key_format_warning("phk_" + "0" * 28) is not None  # 0 is not base58
    assert mask_key(KEY) == "phk_…78"
    assert KEY not in mask_key(KEY)


def test_key_is_added_only_for_the_api_origin() -> None:
    auth = ApiKeyAuth(KEY, origin_of(httpx.URL("https://app.phone.inc/api/v1")))
    same = next(auth.auth_flow(httpx.Request("GET", "https://app.phone.inc/api/v1/voicemails")))
    assert same.headers["x-api-key"] == KEY
    other = httpx.Request("GET", "https://storage.example/x", headers={"X-Api-Key": KEY})
    assert "x-api-key" not in next(auth.auth_flow(other)).headers
    port = next(auth.auth_flow(httpx.Request("GET", "https://app.phone.inc:444/api/v1")))
    assert "x-api-key" not in port.headers
    assert KEY not in repr(auth)


def test_key_with_newline_is_refused() -> None:
    with pytest.raises(ConfigError, match="header"):
        ApiKeyAuth("phk_a\r\nX-Evil: 1", ("https", "h", None))


def response(status: int, body: bytes = b"", **headers: str) -> httpx.Response:
    return httpx.Response(status, content=body, headers=headers)


def test_error_messages_come_from_the_body() -> None:
    error = error_for(response(404, b'{"error": "Voicemail not found"}'))
    assert isinstance(error, NotFoundError)
    assert str(error) == "Voicemail not found"


def test_validation_errors_keep_fields() -> None:
    error = error_for(response(422, b'{"errors": {"listened": ["must be a boolean"]}}'))
    assert isinstance(error, ValidationError)
    assert error.errors == {"listened": ["must be a boolean"]}
    assert str(error) == "listened must be a boolean"


def test_html_gateway_page_gives_a_clear_message() -> None:
    error = error_for(
        response(502, b"<html><h1>Bad Gateway</h1></html>", **{"content-type": "text/html"})
    )
    assert isinstance(error, ServerError)
    assert "502" in str(error) and "not JSON" in str(error)
    assert "<html>" not in str(error)


def test_401_and_empty_body() -> None:
    error = error_for(response(401))
    assert isinstance(error, AuthError)
    assert str(error) == "API key rejected"


def test_hostile_error_text_is_one_clean_line() -> None:
    error = error_for(response(500, b'{"error": "boom\\u001b]52;c;aGk=\\u0007\\nline2"}'))
    assert "\x1b" not in str(error) and "\x07" not in str(error) and "\n" not in str(error)


def test_retry_after_seconds_and_date() -> None:
    assert retry_after_seconds(response(429, **{"retry-after": "7"})) == 7.0
    now = datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC)
    dated = response(429, **{"retry-after": "Thu, 01 Jan 2026 00:00:30 GMT"})
    assert retry_after_seconds(dated, now=now) == 30.0
    assert retry_after_seconds(response(429, **{"retry-after": "soon"})) is None
    error = error_for(response(429, b"{}", **{"retry-after": "3"}))
    assert isinstance(error, RateLimitedError) and error.retry_after == 3.0


def test_not_json_is_a_protocol_error_naming_the_type() -> None:
    from vm_tui.api import ProtocolError

    with pytest.raises(ProtocolError, match="text/html"):
        decode_json(response(200, b"<html>", **{"content-type": "text/html"}))
