"""The poller's health, as the header shows it, and its backoff. Pure: no I/O, no UI."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from vm_tui.api.errors import ApiError, AuthError, RateLimitedError


class Link(Enum):
    CONNECTING = "connecting"
    LIVE = "live"
    REFRESHING = "refreshing"
    OFFLINE = "offline"
    KEY_REJECTED = "key rejected"


@dataclass(frozen=True, slots=True)
class ConnectionStatus:
    link: Link = Link.CONNECTING
    message: str = ""  # the last error, one line, safe to show
    retry_at: float | None = None  # monotonic time of the next attempt while offline
    last_success: datetime | None = None
    stale: bool = False  # showing an inbox from before the last failure (or from the cache)


@dataclass
class Backoff:
    """Exponential backoff with jitter for the poller, honouring ``Retry-After``."""

    base: float = 2.0
    ceiling: float = 300.0
    failures: int = 0
    rng: random.Random | None = None

    def next_delay(self, error: ApiError) -> float:
        self.failures += 1
        if isinstance(error, RateLimitedError) and error.retry_after is not None:
            return min(max(error.retry_after, 1.0), self.ceiling)
        step = min(self.ceiling, self.base * 2 ** (self.failures - 1))
        rng = self.rng or random
        return rng.uniform(step * 0.75, step)

    def reset(self) -> None:
        self.failures = 0


def jittered(interval: float, rng: random.Random | None = None, spread: float = 0.1) -> float:
    """``interval`` +/- ``spread``: many clients started together do not poll in lockstep."""
    return interval * (1 + (rng or random).uniform(-spread, spread))


def stops_polling(error: ApiError) -> bool:
    """A rejected key will not fix itself: wait for the user."""
    return isinstance(error, AuthError)
