"""Base URL and voicemail id checks: nothing from a user or a server may reshape a request."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import quote

import httpx

from .errors import ConfigError, InvalidIdError

DEFAULT_BASE_URL = "https://app.phone.inc/api/v1"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")


def is_loopback(host: str) -> bool:
    """Literal loopback only: 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) and the name
    ``localhost``. Not ``anything.localhost`` nor ``localhost.localdomain``: those are names a
    resolver (or a hosts file, or a proxy) could send anywhere."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def check_transport_url(url: httpx.URL, what: str) -> None:
    """https everywhere, plain http only on loopback (the demo server, tests)."""
    if url.scheme == "https":
        return
    if url.scheme == "http" and is_loopback(url.host):
        return
    raise ConfigError(f"{what} must use https (plain http is allowed only on localhost)")


def normalise_base_url(base_url: str) -> httpx.URL:
    """Validate and normalise a base URL such as ``https://app.phone.inc/api/v1``."""
    try:
        url = httpx.URL(base_url.strip())
    except (httpx.InvalidURL, TypeError) as error:
        raise ConfigError(f"invalid base URL: {error}") from None
    if not url.host:
        raise ConfigError("invalid base URL: it has no host (expected https://host/api/v1)")
    if url.query or url.fragment or url.userinfo:
        raise ConfigError("invalid base URL: no query, fragment or credentials allowed")
    check_transport_url(url, "the base URL")
    return url.copy_with(path=url.path.rstrip("/") or "")


def check_id(voicemail_id: str) -> str:
    """Return the id percent-encoded for a path segment, or raise InvalidIdError."""
    if not isinstance(voicemail_id, str) or not _SAFE_ID.fullmatch(voicemail_id):
        raise InvalidIdError("invalid voicemail id (expected letters, digits, '-' or '_')")
    # Already restricted to unreserved characters; quote anyway so a future loosening stays safe.
    return quote(voicemail_id, safe="")
