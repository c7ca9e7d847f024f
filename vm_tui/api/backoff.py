"""The one backoff: exponential with jitter, honouring a server's ``Retry-After``.

Used by the client's retries of one request, by the poller between failed polls, and by the
outbox sender between failed sends.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


def backoff_delay(
    failures: int,
    *,
    base: float,
    ceiling: float,
    rng: random.Random | None = None,
    retry_after: float | None = None,
    minimum: float = 0.0,
) -> float:
    """Seconds to wait after the ``failures``-th failure in a row (counting from 1).

    ``Retry-After`` wins (between ``minimum`` and ``ceiling``); otherwise
    ``base * 2**(failures-1)``, capped, with "half jitter": between half and all of it, so
    clients that failed together spread out.
    """
    if retry_after is not None:
        return min(max(retry_after, minimum), ceiling)
    step = min(ceiling, base * 2 ** max(failures - 1, 0))
    return (rng or random).uniform(step / 2, step)


@dataclass
class Backoff:
    """Counts failures in a row; ``reset`` after a success. A loop that waits on it never spins:
    a ``Retry-After: 0`` still waits ``minimum`` seconds."""

    base: float = 2.0
    ceiling: float = 300.0
    rng: random.Random | None = None
    minimum: float = 1.0
    failures: int = 0

    def next_delay(self, retry_after: float | None = None) -> float:
        self.failures += 1
        return backoff_delay(
            self.failures,
            base=self.base,
            ceiling=self.ceiling,
            rng=self.rng,
            retry_after=retry_after,
            minimum=self.minimum,
        )

    def reset(self) -> None:
        self.failures = 0


def jittered(interval: float, rng: random.Random | None = None, spread: float = 0.1) -> float:
    """``interval`` +/- ``spread``: many clients started together do not poll in lockstep."""
    return interval * (1 + (rng or random).uniform(-spread, spread))
