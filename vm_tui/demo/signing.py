"""Signed, expiring recording URLs, in the shape of Rails ActiveStorage + an S3-like store.

``recording_url`` points at the API origin's redirect endpoint; that answers 302 to the storage
origin with its own signature. Both expire ``ttl`` seconds after signing. Expiry runs on a
monotonic clock; ``expire_all`` jumps that clock forward so every URL signed so far is dead.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import secrets
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, quote, unquote

REDIRECT_PREFIX = "/rails/active_storage/blobs/redirect/"
REDIRECT_SUFFIX = "/voicemail.mp3"
BLOB_PREFIX = "/blobs/"
BLOB_SUFFIX = ".mp3"


@lru_cache(maxsize=65536)
def _b64(vm_id: str) -> str:
    return base64.urlsafe_b64encode(vm_id.encode()).rstrip(b"=").decode()


def _unb64(text: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


@dataclass(frozen=True)
class Verdict:
    """Outcome of checking a signed URL: the voicemail id, or why it is refused."""

    vm_id: str | None
    expires_ms: int = 0
    problem: str | None = None  # "invalid" or "expired"


class UrlSigner:
    def __init__(self, *, ttl: float, origin: str = "", storage_origin: str = "") -> None:
        if ttl <= 0:
            raise ValueError("url_ttl must be positive")
        self.ttl = ttl
        # Known once the sockets are bound; set before the first request is served.
        self.origin = origin
        self.storage_origin = storage_origin
        self._key = secrets.token_bytes(32)  # per server: URLs never survive a restart
        self._offset = 0.0
        self._lock = threading.Lock()

    def _now_ms(self) -> int:
        return int((time.monotonic() + self._offset) * 1000)

    def _mac(self, purpose: str, vm_id: str, expires_ms: int) -> str:
        msg = f"{purpose}:{vm_id}:{expires_ms}".encode()
        return hashlib.blake2b(msg, key=self._key, digest_size=16).hexdigest()

    def expire_all(self) -> None:
        with self._lock:
            self._offset += self.ttl + 1.0

    def new_expiry(self) -> int:
        """One expiry per response, shared by all URLs in it (cheap for 10k-item lists)."""
        return self._now_ms() + math.ceil(self.ttl * 1000)

    def recording_url(self, vm_id: str, expires_ms: int) -> str:
        token = f"{_b64(vm_id)}--{expires_ms}--{self._mac('redirect', vm_id, expires_ms)}"
        return f"{self.origin}{REDIRECT_PREFIX}{token}{REDIRECT_SUFFIX}"

    def check_redirect(self, path: str) -> Verdict:
        """``path`` is the raw request path (query string ignored)."""
        path = path.split("?", 1)[0]
        if not (path.startswith(REDIRECT_PREFIX) and path.endswith(REDIRECT_SUFFIX)):
            return Verdict(None, problem="invalid")
        token = path[len(REDIRECT_PREFIX) : -len(REDIRECT_SUFFIX)]
        parts = token.split("--")
        if len(parts) != 3 or not parts[1].isdigit():
            return Verdict(None, problem="invalid")
        vm_id, expires_ms = _unb64(parts[0]), int(parts[1])
        return self._verdict("redirect", vm_id, expires_ms, parts[2])

    def storage_url(self, vm_id: str, expires_ms: int) -> str:
        sig = self._mac("blob", vm_id, expires_ms)
        return (
            f"{self.storage_origin}{BLOB_PREFIX}{quote(vm_id, safe='')}{BLOB_SUFFIX}"
            f"?expires={expires_ms}&sig={sig}"
        )

    def check_storage(self, path: str) -> Verdict:
        raw_path, _, query = path.partition("?")
        if not (raw_path.startswith(BLOB_PREFIX) and raw_path.endswith(BLOB_SUFFIX)):
            return Verdict(None, problem="invalid")
        vm_id = unquote(raw_path[len(BLOB_PREFIX) : -len(BLOB_SUFFIX)])
        params = parse_qs(query)
        expires, sig = params.get("expires", [""])[-1], params.get("sig", [""])[-1]
        if not expires.isdigit():
            return Verdict(None, problem="invalid")
        return self._verdict("blob", vm_id, int(expires), sig)

    def _verdict(self, purpose: str, vm_id: str | None, expires_ms: int, sig: str) -> Verdict:
        if vm_id is None or not secrets.compare_digest(
            sig.encode(), self._mac(purpose, vm_id, expires_ms).encode()
        ):
            return Verdict(None, problem="invalid")
        if self._now_ms() >= expires_ms:
            return Verdict(vm_id, expires_ms, problem="expired")
        return Verdict(vm_id, expires_ms)
