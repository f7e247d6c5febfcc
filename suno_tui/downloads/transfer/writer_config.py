"""A download's settings (attempts, backoff, the minimum speed), apart from
the transfer: the monitor checks and keeps them at start, and loads the
transfer (its threads, hashing, the files it writes) at the first download."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

__all__ = ["DEFAULT_MIN_SPEED", "DEFAULT_MIN_SPEED_TIME", "WriterConfig"]

#: the default minimum speed: bytes a second, over how many seconds
DEFAULT_MIN_SPEED = 1024
DEFAULT_MIN_SPEED_TIME = 30.0


@dataclass(frozen=True, slots=True)
class WriterConfig:
    """How one transfer is tried: attempts, backoff, progress, the minimum speed."""

    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 15.0
    #: how often (in bytes) progress is reported
    progress_bytes: int = 1 << 20
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)
    #: an attempt fails (resumably) when fewer than ``min_speed`` bytes a
    #: second came over ``min_speed_time`` seconds; 0 turns the rule off
    min_speed: int = DEFAULT_MIN_SPEED
    min_speed_time: float = DEFAULT_MIN_SPEED_TIME
    #: the clock of that rule (monotonic seconds; tests inject one)
    clock: Callable[[], float] = field(default=time.monotonic)

    def __post_init__(self) -> None:
        if self.min_speed < 0:
            raise ValueError("min_speed must not be negative")
        if not self.min_speed_time > 0:
            raise ValueError("min_speed_time must be a positive number of seconds")
