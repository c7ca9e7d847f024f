"""API key checks and the httpx auth that sends the key only to the API origin."""

from __future__ import annotations

import re
from collections.abc import Generator

import httpx

from .errors import ConfigError

_KEY_FORMAT = re.compile(r"phk_[1-9A-HJ-NP-Za-km-z]{28}")


def key_is_sendable(key: str) -> bool:
    """The one key check: printable ASCII without spaces, so it can go into a header."""
    return key.isascii() and key.isprintable() and not any(ch.isspace() for ch in key)


def key_format_warning(key: str) -> str | None:
    """A warning when the key does not look like ``phk_`` + 28 base58 characters (not fatal)."""
    if _KEY_FORMAT.fullmatch(key):
        return None
    return "the API key does not look like a Phone.inc key (phk_ followed by 28 characters)"


def mask_key(key: str) -> str:
    """``phk_…7S``: enough to recognise a key, never enough to use it."""
    if len(key) <= 8:
        return "…"
    return f"{key[:4]}…{key[-2:]}"


def origin_of(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


class ApiKeyAuth(httpx.Auth):
    """Adds ``X-Api-Key`` only to requests for the API origin.

    httpx copies custom headers onto redirects to other hosts (only ``Authorization`` is
    stripped), so the key is attached per request, here, after checking where it goes.
    """

    def __init__(self, key: str, origin: tuple[str, str, int | None]) -> None:
        if not key_is_sendable(key):
            raise ConfigError(
                "the API key contains spaces or characters that cannot be sent in a header"
            )
        self._key = key
        self._origin = origin

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if origin_of(request.url) == self._origin:
            request.headers["X-Api-Key"] = self._key
        else:
            request.headers.pop("X-Api-Key", None)
        yield request

    def __repr__(self) -> str:  # never show the key in a debugger or a log line
        return f"ApiKeyAuth({mask_key(self._key)})"
