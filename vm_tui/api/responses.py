"""Turn an httpx response into data or into the right ApiError, whatever the body holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from vm_tui.text.safe import one_line

from .errors import (
    AuthError,
    BadRequestError,
    ForbiddenError,
    HttpStatusError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    ValidationError,
)

_DEFAULT_MESSAGES = {
    400: "bad request",
    401: "API key rejected",
    403: "not allowed for this API key",
    404: "voicemail not found",
    422: "validation failed",
    429: "rate limited",
}


def decode_json(response: httpx.Response, content: bytes | None = None) -> Any:
    """The body as JSON, or a ProtocolError that says what came instead."""
    body = response.content if content is None else content
    try:
        return json.loads(body)
    except RecursionError:
        raise ProtocolError(
            f"the server sent JSON nested too deeply to read (HTTP {response.status_code})"
        ) from None
    except UnicodeDecodeError:
        raise ProtocolError(
            "the server sent something that is not JSON (invalid UTF-8, "
            f"HTTP {response.status_code})"
        ) from None
    except ValueError:
        kind = response.headers.get("content-type", "unknown type").split(";")[0]
        raise ProtocolError(
            f"the server sent something that is not JSON ({one_line(kind, 60)}, "
            f"HTTP {response.status_code})"
        ) from None


def error_for(response: httpx.Response) -> HttpStatusError:
    status = response.status_code
    message, field_errors = _message_from_body(response)
    if not message:
        message = _DEFAULT_MESSAGES.get(status) or f"HTTP {status} {response.reason_phrase}"
        if status >= 500:
            message = f"Phone.inc server error (HTTP {status})"
        if response.content and not _is_json(response):
            message += " (the response was not JSON: a proxy or gateway?)"
    elif status >= 500 or status == 429:
        # The server's own words, plus the status: "Internal server error (HTTP 500)".
        message = f"{message} (HTTP {status})"
    message = one_line(message, limit=300)
    if status == 400:
        return BadRequestError(message)
    if status == 401:
        return AuthError(message)
    if status == 403:
        return ForbiddenError(message)
    if status == 404:
        return NotFoundError(message)
    if status == 422:
        return ValidationError(message, errors=field_errors)
    if status == 429:
        return RateLimitedError(message, retry_after=retry_after_seconds(response))
    if status >= 500:
        return ServerError(message, status=status)
    return HttpStatusError(message, status=status)


def retry_after_seconds(response: httpx.Response, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "")


def _message_from_body(response: httpx.Response) -> tuple[str, dict[str, list[str]]]:
    try:
        body = json.loads(response.content)
        return _message_in(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        # Not JSON, or nested too deeply to read (or to turn into text): no message in it.
        return "", {}


def _message_in(body: object) -> tuple[str, dict[str, list[str]]]:
    if not isinstance(body, dict):
        return "", {}
    error = body.get("error")
    if isinstance(error, str) and error.strip():
        return error, {}
    errors = body.get("errors")
    if isinstance(errors, dict):
        fields = {
            str(name): [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
            for name, msgs in errors.items()
        }
        text = "; ".join(f"{name} {' and '.join(msgs)}" for name, msgs in fields.items())
        return text, fields
    if isinstance(errors, list):
        return "; ".join(str(e) for e in errors), {}
    return "", {}
