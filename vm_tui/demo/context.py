"""Everything the request handlers share: state, signer, faults, options, request logs."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from vm_tui.demo.faults import FaultQueue
from vm_tui.demo.httpbase import RecordedRequest
from vm_tui.demo.signing import UrlSigner
from vm_tui.demo.store import VoicemailStore


@dataclass(frozen=True)
class Options:
    api_key: str
    latency: float = 0.0
    error_rate: float = 0.0
    rate_limit_every: int = 0


class Context:
    def __init__(
        self,
        *,
        store: VoicemailStore,
        signer: UrlSigner,
        options: Options,
        seed: int,
        requests: list[RecordedRequest],
        storage_requests: list[RecordedRequest],
    ) -> None:
        self.store = store
        self.signer = signer
        self.options = options
        self.requests = requests
        self.storage_requests = storage_requests
        self.api_faults = FaultQueue()
        self.storage_faults = FaultQueue()
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._rng = random.Random(f"errors-{seed}")
        self._api_count = 0

    def sleep(self, seconds: float) -> bool:
        """Wait, but wake up at server stop. True means the server is stopping."""
        return self.stopping.wait(seconds) if seconds > 0 else self.stopping.is_set()

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC).replace(microsecond=0)

    def chaos(self) -> str | None:
        """Per API request: "rate_limited", "error" or None, from the configured rates."""
        with self._lock:
            self._api_count += 1
            every = self.options.rate_limit_every
            if every > 0 and self._api_count % every == 0:
                return "rate_limited"
            if self.options.error_rate > 0 and self._rng.random() < self.options.error_rate:
                return "error"
        return None
