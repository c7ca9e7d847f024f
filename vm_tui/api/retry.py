"""Exponential backoff with jitter, bounded in attempts and in total time."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .errors import ApiError, RateLimitedError, is_retryable


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_total: float = 30.0

    def delay_for(self, attempt: int, error: ApiError, rng: random.Random) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (attempts count from 1)."""
        if isinstance(error, RateLimitedError) and error.retry_after is not None:
            return max(0.0, error.retry_after)
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        # "Full jitter": spreads out clients that failed together.
        return rng.uniform(ceiling / 2, ceiling)

    def should_retry(self, attempt: int, error: ApiError, waited: float, delay: float) -> bool:
        return (
            is_retryable(error) and attempt < self.max_attempts and waited + delay <= self.max_total
        )


NO_RETRY = RetryPolicy(max_attempts=1)
