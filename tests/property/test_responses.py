"""Property tests: any error response, however odd, becomes the client's own error."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vm_tui.api import ApiError, PhoneIncClient, RateLimitedError, RetryPolicy
from vm_tui.api.errors import HttpStatusError, ProtocolError
from vm_tui.api.responses import decode_json, error_for, retry_after_seconds
from vm_tui.demo import DemoServer, Fault

SETTINGS = settings(deadline=None, max_examples=200)

# Header values travel as latin-1 bytes; httpx decodes them back to latin-1 text.
header_text = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"),
    max_size=40,
)
bodies = (
    st.binary(max_size=200)
    | st.text(max_size=100).map(str.encode)
    | st.sampled_from(
        [b'{"error": "Voicemail not found"}', b'{"errors": {"listened": ["must be a boolean"]}}']
    )
)


def response(
    status: int, body: bytes, content_type: str | None, retry_after: str | None
) -> httpx.Response:
    headers: list[tuple[bytes, bytes]] = []
    if content_type is not None:
        headers.append((b"content-type", content_type.encode("latin-1")))
    if retry_after is not None:
        headers.append((b"retry-after", retry_after.encode("latin-1")))
    return httpx.Response(status, headers=headers, content=body)


@SETTINGS
@given(
    status=st.integers(min_value=400, max_value=599),
    body=bodies,
    content_type=st.none() | st.sampled_from(["application/json", "text/html"]) | header_text,
)
def test_any_error_body_becomes_an_http_status_error(
    status: int, body: bytes, content_type: str | None
) -> None:
    error = error_for(response(status, body, content_type, None))
    assert isinstance(error, HttpStatusError)
    assert error.status == status
    assert str(error) and "\n" not in str(error)


@SETTINGS
@given(body=bodies, content_type=st.none() | header_text)
def test_decode_json_raises_only_protocol_error(body: bytes, content_type: str | None) -> None:
    try:
        decode_json(response(200, body, content_type, None))
    except ProtocolError as error:
        assert "not JSON" in str(error)


@SETTINGS
@given(retry_after=header_text)
@example(retry_after="²")
def test_any_retry_after_header_is_survived(retry_after: str) -> None:
    error = error_for(response(429, b'{"error": "Rate limit exceeded"}', None, retry_after))
    assert isinstance(error, RateLimitedError)
    seconds = retry_after_seconds(response(429, b"", None, retry_after))
    assert seconds is None or seconds >= 0


async def test_odd_retry_after_over_loopback_is_an_api_error() -> None:
    with DemoServer(new_every=None, fill_in_after=None) as server:
        server.inject(Fault.status(429, headers={"Retry-After": "²"}))
        async with PhoneIncClient(
            server.api_key, server.base_url, retry=RetryPolicy(max_attempts=1)
        ) as client:
            with pytest.raises(ApiError):
                await client.list_voicemails()
