"""Faults a test can queue on the demo server: one-shot misbehaviours for the next request(s).

Build them with the constructors (``status(500)``, ``html_502()``, ``rate_limited(2)``,
``delay(0.5)``, ``truncated_json()``, ``malformed_item()``, ``drop_connection()``,
``redirect_to(url)``), also available as ``Fault.status(...)`` etc.

Hostile servers (what a broken proxy, a bug or an attacker could send):
``trickle(bytes_per_second)`` (API and storage), ``gzip_bomb(size)`` (API and storage),
``nested_json(depth)``, ``lone_surrogates()``, ``invalid_utf8()``, ``edge_dates()``,
``absurd_count(raw)``, ``huge_strings(size)``, ``json_field(name, raw)`` (any raw JSON in one
field) and ``content_length(value)`` (a Content-Length that lies).
"""

from __future__ import annotations

import functools
import json
import struct
import threading
import zlib
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
    "trickle",
    "gzip_bomb",
    "edit_json",
    "invalid_utf8",
    "content_length",
]

# Raw JSON text put in place of a field: (voicemail index or None for the top-level object,
# field name, raw JSON). Index 0 is the first voicemail of a list, or the one voicemail of a
# retrieve / update answer.
Edit = tuple[int | None, str, str]

EDGE_LATE = "9999-12-31T23:30:00Z"  # already year 10000 east of Greenwich (Asia/Tokyo)
EDGE_EARLY = "0001-01-01T00:30:00Z"  # still year 0 west of it (America/New_York)
EDGE_LAST = "9999-12-31T23:59:59.999999Z"
EDGE_FIRST = "0001-01-01T00:00:00Z"

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
    rate: float = 0.0  # bytes per second (trickle)
    size: int = 0  # decompressed bytes (gzip_bomb)
    edits: tuple[Edit, ...] = ()  # edit_json
    value: str = ""  # the Content-Length announced (content_length)

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

    # -- hostile servers -------------------------------------------------------------------------

    @classmethod
    def trickle(cls, bytes_per_second: float = 1.0) -> Fault:
        """The normal answer (API or storage), its headers at once and its body slowly: at
        ``bytes_per_second``. Only a deadline on the whole request ends it early."""
        if bytes_per_second <= 0:
            raise ValueError("bytes_per_second must be positive")
        return cls("trickle", rate=bytes_per_second)

    @classmethod
    def gzip_bomb(cls, size: int = 1024**3) -> Fault:
        """200, ``Content-Encoding: gzip``: about ``size / 1000`` bytes on the wire that inflate
        to ``size``. API: the start of an inbox then blanks; storage: "audio" of zeros."""
        if size < 1:
            raise ValueError("size must be positive")
        return cls("gzip_bomb", size=size)

    @classmethod
    def json_field(cls, name: str, raw: str, index: int | None = 0) -> Fault:
        """The normal answer with field ``name`` of voicemail ``index`` (None: of the top-level
        object) set to ``raw``, JSON text sent as is: ``'"\\ud800"'``, ``"1e999"``, ``"[[]]"``."""
        return cls("edit_json", edits=((index, name, raw),))

    @classmethod
    def edits_json(cls, *edits: Edit) -> Fault:
        """Several ``json_field`` edits in one answer."""
        return cls("edit_json", edits=tuple(edits))

    @classmethod
    def nested_json(cls, depth: int = 100_000) -> Fault:
        """The first voicemail's transcription is an array nested ``depth`` deep."""
        return cls.json_field("transcription", "[" * depth + "]" * depth)

    @classmethod
    def lone_surrogates(cls) -> Fault:
        """Lone surrogates, as JSON escapes, in the first voicemail's caller, line name and
        transcription: valid JSON that no UTF-8 encoder accepts back."""
        return cls.edits_json(
            (0, "from", '"+1415555\\ud8000199"'),
            (0, "main_number_name", '"Sales \\udfff"'),
            (0, "transcription", '"Hello \\ud800 there \\udbff\\udbff end"'),
        )

    @classmethod
    def invalid_utf8(cls) -> Fault:
        """The normal answer with a byte that is not UTF-8 (0xFF) in the first transcription."""
        return cls("invalid_utf8")

    @classmethod
    def edge_dates(cls) -> Fault:
        """Dates at the calendar's edges: the first voicemail received at 9999-12-31 23:30 UTC,
        the second at 0001-01-01 00:30 UTC, the third listened at the last microsecond of 9999.
        A retrieve or update answer: received at the end, listened at the start."""
        return cls.edits_json(
            (0, "created_at", json.dumps(EDGE_LATE)),
            (1, "created_at", json.dumps(EDGE_EARLY)),
            (2, "listened_at", json.dumps(EDGE_LAST)),
            (0, "listened_at", json.dumps(EDGE_FIRST)),
        )

    @classmethod
    def absurd_count(cls, raw: str = "1" + "0" * 100) -> Fault:
        """``unlistened_count`` is ``raw``: 10**100 by default; try ``"-3"``, ``"2.5"``,
        ``"true"``, ``'"7"'``, ``"1e999"``."""
        return cls.json_field("unlistened_count", raw, index=None)

    @classmethod
    def huge_strings(cls, size: int = 2 * 1024 * 1024) -> Fault:
        """The first voicemail's id, caller, line name and transcription are ``size``
        characters long each."""
        return cls.edits_json(
            (0, "id", json.dumps("0193" + "f" * size)),
            (0, "from", json.dumps("+1" + "4" * size)),
            (0, "main_number_name", json.dumps("Sales " * (size // 6))),
            (0, "transcription", json.dumps("words " * (size // 6))),
        )

    @classmethod
    def content_length(cls, value: str) -> Fault:
        """The normal answer announced with ``Content-Length: value`` (a lie: huge, negative,
        not a number), then the connection is closed."""
        return cls("content_length", value=value)


# Module-level spellings: ``from vm_tui.demo.faults import status, html_502``.
status = Fault.status
html_502 = Fault.html_502
rate_limited = Fault.rate_limited
delay = Fault.delay
truncated_json = Fault.truncated_json
malformed_item = Fault.malformed_item
drop_connection = Fault.drop_connection
redirect_to = Fault.redirect_to
trickle = Fault.trickle
gzip_bomb = Fault.gzip_bomb
json_field = Fault.json_field
edits_json = Fault.edits_json
nested_json = Fault.nested_json
lone_surrogates = Fault.lone_surrogates
invalid_utf8 = Fault.invalid_utf8
edge_dates = Fault.edge_dates
absurd_count = Fault.absurd_count
huge_strings = Fault.huge_strings
content_length = Fault.content_length


def apply_edits(body: bytes, edits: tuple[Edit, ...]) -> bytes:
    """``body`` (a JSON object: a list answer or one voicemail) with the edits' raw JSON in
    place. An edit for a voicemail that is not there is left out; a body that is not a JSON
    object becomes ``{}`` first."""
    try:
        doc = json.loads(body) if body else {}
    except ValueError:
        doc = {}
    if not isinstance(doc, dict):
        doc = {}
    items = doc.get("voicemails")
    raws: list[str] = []
    for index, name, raw in edits:
        if index is None:
            target = doc
        elif isinstance(items, list):
            if index >= len(items) or not isinstance(items[index], dict):
                continue
            target = items[index]
        elif index == 0:
            target = doc  # one voicemail
        else:
            continue
        target[name] = f"\x00raw{len(raws)}\x00"
        raws.append(raw)
    text = json.dumps(doc, separators=(",", ":"))
    for number, raw in enumerate(raws):
        text = text.replace(f'"\\u0000raw{number}\\u0000"', raw, 1)
    return text.encode("utf-8", "surrogatepass")


def with_invalid_utf8(body: bytes) -> bytes:
    """``body`` with a 0xFF byte inside its first transcription (or in front of it)."""
    marker = b'"transcription":"'
    at = body.find(marker)
    if at < 0:
        return b"\xff" + body
    at += len(marker)
    return body[:at] + b"\xff" + body[at:]


@functools.lru_cache(maxsize=4)
def gzip_bomb_body(size: int, prefix: bytes = b"", fill: bytes = b" ") -> bytes:
    """``prefix`` then ``fill`` up to ``size`` bytes, gzipped (about 1,000 to 1), quickly: each
    further megabyte of ``fill`` compresses (after a full flush) to the same bytes, so it is
    compressed once and repeated; the trailer's CRC is computed for the whole."""
    block_size = 1 << 20
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip framing
    first = (prefix + fill * block_size)[: min(size, block_size)]
    parts = [packer.compress(first), packer.flush(zlib.Z_FULL_FLUSH)]
    crc = zlib.crc32(first)
    left = size - len(first)
    block = (fill * block_size)[:block_size]
    if left >= block_size:
        count = left // block_size
        parts.append((packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)) * count)
        for _ in range(count):
            crc = zlib.crc32(block, crc)
        left -= count * block_size
    if left:
        parts.append(packer.compress(block[:left]))
        crc = zlib.crc32(block[:left], crc)
    end = packer.flush()  # the last (empty) block, then the trailer: CRC-32 and size
    parts.append(end[:-8] + struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(parts)


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
