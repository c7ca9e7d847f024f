"""What one request may take, in time and in bytes: every budget of both clients, in one place.

httpx's ``Timeout`` is per operation (connect, each read): a server that trickles its answer
one byte a second never trips it. So every request also runs under an overall deadline
(``asyncio.timeout``) covering connecting, sending, the headers, the whole body and, for the
API client, its retries and the waits between them:

========================  =========================================================  =======
request                   covers                                                     budget
========================  =========================================================  =======
the inbox (a poll)        ``GET /voicemails``: every poll, ``vm-tui list``           30 s
a change                  ``PATCH`` (mark) or ``DELETE`` of one voicemail            15 s
a retrieve                ``GET /voicemails/ID``: ``show``, before every download    15 s
a recording download      storage, redirects included: 20 s plus the announced       <= 10 min
                          size at 32 KB/s (1 MB: 52 s); an unknown size gets the
                          cap, 10 minutes
========================  =========================================================  =======

A request that misses its deadline fails with ``DeadlineError`` (a NetworkError, so the outbox
keeps the change and tries it again later; a poll backs off and polls again), whose message
says which request took too long: "Phone.inc took longer than 30 s to send the inbox". It is
not retried within the same call: the budget is spent.

Answers are also capped *after* decompression (httpx inflates gzip as it reads, so a small
compressed body can inflate to gigabytes): 128 MB for the inbox (10,000 voicemails are about
6 MB), 16 MB for anything else the API sends (one voicemail, an error), 50 MB for a recording.
A body past its cap is not read further: a ProtocolError (a DownloadTooLargeError for a
recording).

The API client reads these constants when it is made, so a test may shrink them (monkeypatch)
or pass its own ``Limits``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MB = 1024 * 1024

LIST_SECONDS = 30.0
CHANGE_SECONDS = 15.0
RETRIEVE_SECONDS = 15.0
DOWNLOAD_BASE_SECONDS = 20.0  # connect, the redirect hops and the headers of the recording
DOWNLOAD_MIN_BYTES_PER_SECOND = 32 * 1024  # slower than this (256 kbit/s) is not worth waiting
DOWNLOAD_MAX_SECONDS = 600.0  # whatever the size, and for a size not announced

LIST_MAX_BYTES = 128 * MB
ONE_MAX_BYTES = 16 * MB
RECORDING_MAX_BYTES = 50 * MB

Kind = Literal["list", "change", "retrieve"]


@dataclass(frozen=True, slots=True)
class Limits:
    """The budgets one client works with (``current()`` reads the constants above)."""

    list_seconds: float = LIST_SECONDS
    change_seconds: float = CHANGE_SECONDS
    retrieve_seconds: float = RETRIEVE_SECONDS
    download_base_seconds: float = DOWNLOAD_BASE_SECONDS
    download_bytes_per_second: float = DOWNLOAD_MIN_BYTES_PER_SECOND
    download_max_seconds: float = DOWNLOAD_MAX_SECONDS
    list_max_bytes: int = LIST_MAX_BYTES
    one_max_bytes: int = ONE_MAX_BYTES

    @classmethod
    def current(cls) -> Limits:
        """The module's constants as they are now (a test may have shrunk them)."""
        return cls(
            LIST_SECONDS,
            CHANGE_SECONDS,
            RETRIEVE_SECONDS,
            DOWNLOAD_BASE_SECONDS,
            DOWNLOAD_MIN_BYTES_PER_SECOND,
            DOWNLOAD_MAX_SECONDS,
            LIST_MAX_BYTES,
            ONE_MAX_BYTES,
        )

    def seconds_for(self, kind: Kind) -> float:
        if kind == "list":
            return self.list_seconds
        if kind == "change":
            return self.change_seconds
        return self.retrieve_seconds

    def bytes_for(self, kind: Kind) -> int:
        return self.list_max_bytes if kind == "list" else self.one_max_bytes

    def download_seconds(self, length: int | None) -> float:
        """The whole download's budget, from its first request: the fixed allowance plus the
        announced size at the slowest rate worth waiting for, at most the cap."""
        if length is None or length < 0:
            return self.download_max_seconds
        budget = self.download_base_seconds + length / self.download_bytes_per_second
        return min(budget, self.download_max_seconds)


def seconds_text(seconds: float) -> str:
    """``30 s``, ``0.5 s``, ``10 min``: a budget as a message names it."""
    if seconds >= 120 and seconds % 60 == 0:
        return f"{int(seconds // 60)} min"
    if seconds == int(seconds):
        return f"{int(seconds)} s"
    return f"{seconds:.2g} s" if seconds < 1 else f"{seconds:.1f} s"


def bytes_text(count: int) -> str:
    """``128 MB``, ``480 KB``, ``12 bytes``."""
    if count >= MB:
        value = count / MB
        return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"
    if count >= 1024:
        return f"{count // 1024} KB"
    return f"{count} bytes"
