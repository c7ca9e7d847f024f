"""Faults a test can queue on the demo server: one-shot misbehaviours for the next request(s).

Build them with the constructors (``status(500)``, ``html_502()``, ``rate_limited(2)``,
``delay(0.5)``, ``truncated_json()``, ``malformed_item()``, ``drop_connection()``,
``redirect_to(url)``), also available as ``Fault.status(...)`` etc.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal[
    "status",
    "html_502",
    "rate_limited",
    "delay",
    "truncated_json",
    "malformed_item",
    "drop_connection",
    "redirect",
]

_DEFAULT_MESSAGES = {
    400: "Bad request",
    401: "Invalid API key",
    403: "Forbidden",
    404: "Voicemail not found",
    409: "Conflict",
    422: "Unprocessable entity",
    429: "Rate limit exceeded",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}

HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class Fault:
    kind: Kind
    code: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = field(default=())
    seconds: float = 0.0
    url: str = ""

    @classmethod
    def status(
        cls, code: int, body: bytes | None = None, headers: Mapping[str, str] | None = None
    ) -> Fault:
        """Answer ``code``. Default body ``{"error": "..."}`` (JSON); pass ``b""`` for none."""
        hdrs = dict(headers or {})
        if body is None:
            message = _DEFAULT_MESSAGES.get(code, f"HTTP {code}")
            body = json.dumps({"error": message}, separators=(",", ":")).encode()
        if body and not any(k.lower() == "content-type" for k in hdrs):
            hdrs["Content-Type"] = "application/json; charset=utf-8"
        return cls("status", code=code, body=body, headers=tuple(hdrs.items()))

    @classmethod
    def html_502(cls) -> Fault:
        """A gateway's 502 page: text/html, not JSON."""
        return cls("html_502", code=502, body=HTML_502, headers=(("Content-Type", "text/html"),))

    @classmethod
    def rate_limited(cls, retry_after: int = 1) -> Fault:
        body = json.dumps({"error": "Rate limit exceeded"}, separators=(",", ":")).encode()
        headers = (
            ("Content-Type", "application/json; charset=utf-8"),
            ("Retry-After", str(retry_after)),
        )
        return cls("rate_limited", code=429, body=body, headers=headers)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Hang ``seconds`` (cut short by server stop), then answer normally."""
        return cls("delay", seconds=seconds)

    @classmethod
    def truncated_json(cls) -> Fault:
        """API: 200 whose JSON body is cut in half (Content-Length matches the cut body).
        Storage: full Content-Length announced, half the bytes sent, connection closed."""
        return cls("truncated_json")

    @classmethod
    def malformed_item(cls) -> Fault:
        """API: the normal answer with its first voicemail lacking ``created_at`` and with
        ``from`` as a number. Storage: 200 audio/mpeg whose bytes are not audio."""
        return cls("malformed_item")

    @classmethod
    def drop_connection(cls) -> Fault:
        """Close the socket without answering."""
        return cls("drop_connection")

    @classmethod
    def redirect_to(cls, url: str) -> Fault:
        """302 to ``url`` (e.g. another host, to check the API key never follows)."""
        return cls("redirect", code=302, headers=(("Location", url),))


# Module-level spellings: ``from vm_tui.demo.faults import status, html_502``.
status = Fault.status
html_502 = Fault.html_502
rate_limited = Fault.rate_limited
delay = Fault.delay
truncated_json = Fault.truncated_json
malformed_item = Fault.malformed_item
drop_connection = Fault.drop_connection
redirect_to = Fault.redirect_to


@dataclass
class _Queued:
    fault: Fault
    remaining: int
    path: str | None


class FaultQueue:
    """Queued faults, each for ``times`` requests whose raw path starts with ``path``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[_Queued] = []

    def add(self, fault: Fault, *, times: int = 1, path: str | None = None) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._queue.append(_Queued(fault, times, path))

    def take(self, raw_path: str) -> Fault | None:
        """The first queued fault matching this request, used up one time."""
        with self._lock:
            for entry in self._queue:
                if entry.path is None or raw_path.startswith(entry.path):
                    entry.remaining -= 1
                    if entry.remaining == 0:
                        self._queue.remove(entry)
                    return entry.fault
            return None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
