"""Exponential backoff with decorrelated jitter.

Each delay is drawn uniformly between ``base`` and three times the previous
one, capped at ``maximum``: it grows quickly while failures continue, and
clients that failed together do not retry in step. A server's Retry-After is a
floor (still capped, so a broken header cannot stall the monitor for a day).
"""

from __future__ import annotations

import math
import random

__all__ = ["Backoff"]


class Backoff:
    def __init__(
        self, base: float = 2.0, maximum: float = 300.0, rng: random.Random | None = None
    ) -> None:
        if not base > 0:
            raise ValueError("base must be positive")
        if maximum < base:
            raise ValueError("maximum must be at least base")
        self.base = base
        self.maximum = maximum
        self._rng = rng or random.Random()  # noqa: S311  # jitter, not cryptography
        self._previous = base
        #: failures since the last reset (each next_delay() counts one)
        self.failures = 0

    def next_delay(self, retry_after: float | None = None) -> float:
        """Count a failure and return how long to wait before trying again."""
        self.failures += 1
        upper = min(self.maximum, self._previous * 3)
        delay = self._rng.uniform(self.base, upper) if upper > self.base else self.base
        if retry_after is not None and math.isfinite(retry_after) and retry_after > delay:
            delay = retry_after
        delay = min(delay, self.maximum)
        self._previous = max(delay, self.base)
        return delay

    def reset(self) -> None:
        """After a success: the next failure starts again from ``base``."""
        self.failures = 0
        self._previous = self.base
