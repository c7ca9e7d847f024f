"""Reading a response body with a cap on what it inflates to.

httpx inflates gzip as it reads, a whole network read (64 KB) at a time: 64 KB of a gzip bomb
is 64 MB, and zlib doubles its buffer on the way. So both clients ask for ``gzip, deflate``
only, read the raw bytes, and inflate them here at most a megabyte per step: a body stops at its
cap with at most a megabyte more in memory, whatever the compression ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Callable, Iterator

import httpx

from .errors import ApiError, ProtocolError

ACCEPT_ENCODING = "gzip, deflate"
_STEP = 1024 * 1024  # most bytes inflated at once


class _Inflater:
    """One Content-Encoding: identity, gzip or deflate (zlib-wrapped, or raw as some servers
    send it, as httpx accepts)."""

    def __init__(self, encoding: str) -> None:
        self.name = encoding
        self._raw_deflate_tried = encoding != "deflate"
        self._z: zlib._Decompress | None
        if encoding in ("", "identity"):
            self._z = None
        elif encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._z = zlib.decompressobj()
        else:
            raise ProtocolError(f"the server sent an unsupported Content-Encoding ({encoding})")

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """What ``data`` inflates to, at most a megabyte at a time (the caller checks its cap
        between pieces)."""
        if self._z is None:
            yield data
            return
        while data:
            try:
                piece = self._z.decompress(data, _STEP)
            except zlib.error:
                if not self._raw_deflate_tried:  # "deflate" without the zlib wrapper
                    self._raw_deflate_tried = True
                    self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise ProtocolError(f"the server sent a damaged {self.name} body") from None
            self._raw_deflate_tried = True
            data = self._z.unconsumed_tail  # left over when the piece reached _STEP
            yield piece

    def flush(self) -> bytes:
        if self._z is None:
            return b""
        try:
            return self._z.flush()
        except zlib.error:
            raise ProtocolError(f"the server sent a damaged {self.name} body") from None


async def capped_chunks(
    response: httpx.Response, cap: int, too_large: Callable[[], ApiError]
) -> AsyncIterator[bytes]:
    """The body of a streamed ``response``, inflated; ``too_large()`` is raised as soon as it
    passes ``cap`` bytes (inflated)."""
    if response.is_stream_consumed:  # a transport that hands over whole responses (tests)
        if len(response.content) > cap:
            raise too_large()
        yield response.content
        return
    encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",")]
    encodings = [e for e in encodings if e and e != "identity"]
    if len(encodings) > 1:
        raise ProtocolError("the server sent a body compressed twice (not supported)")
    inflater = _Inflater(encodings[0] if encodings else "")
    size = 0
    async for raw in response.aiter_raw():
        for piece in inflater.pieces(raw):
            size += len(piece)
            if size > cap:
                raise too_large()
            if piece:
                yield piece
    last = inflater.flush()
    size += len(last)
    if size > cap:
        raise too_large()
    if last:
        yield last
