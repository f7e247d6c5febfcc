"""Clocks that drive the simulated tasks.

Every task's state is a pure function of ``clock.now()``, so a test moves all
tasks forward with ``ManualClock.advance`` instead of sleeping, and the
``simulate`` command runs them at any speed with ``ScaledClock``.

``sleep`` waits in *clock* time: it is how the "slow answer" fault delays a
response by, say, 30 simulated seconds. Under a ManualClock such a sleep ends
only when a test advances the clock past it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Protocol, runtime_checkable

# 2025-06-15 00:00:00 UTC: a fixed, realistic start so manual runs are repeatable.
DEFAULT_EPOCH = 1_749_945_600.0


@runtime_checkable
class Clock(Protocol):
    def now(self) -> float:
        """Simulated time in unix seconds."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait until ``seconds`` of simulated time have passed."""
        ...


class ManualClock:
    """A clock that moves only when told to.

    ``advance`` may be called from any thread (tests drive a simulator that a
    ``SimulatorThread`` runs in another event loop).
    """

    def __init__(self, start: float = DEFAULT_EPOCH) -> None:
        self._now = float(start)
        self._lock = threading.Lock()
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` and wake the sleepers now due."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            self._now += seconds
            due = [fut for deadline, fut in self._sleepers if deadline <= self._now]
            self._sleepers = [(d, f) for d, f in self._sleepers if d > self._now]
        for fut in due:
            fut.get_loop().call_soon_threadsafe(_resolve, fut)
        return self._now

    def set(self, when: float) -> float:
        """Jump to the absolute time ``when`` (not before the current time)."""
        return self.advance(when - self._now)

    @property
    def sleepers(self) -> int:
        """How many ``sleep`` calls are waiting for the clock (tests use it to sync)."""
        with self._lock:
            return sum(1 for _, fut in self._sleepers if not fut.done())

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        with self._lock:
            self._sleepers.append((self._now + seconds, fut))
        try:
            await fut
        finally:
            with self._lock:
                self._sleepers = [(d, f) for d, f in self._sleepers if f is not fut]


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class ScaledClock:
    """Wall-clock time running ``speed`` times as fast, from ``start``."""

    def __init__(self, speed: float = 1.0, start: float | None = None) -> None:
        if not speed > 0:
            raise ValueError("speed must be positive")
        self.speed = float(speed)
        self._start = time.time() if start is None else float(start)
        self._origin = time.monotonic()

    def now(self) -> float:
        return self._start + (time.monotonic() - self._origin) * self.speed

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            await asyncio.sleep(seconds / self.speed)
