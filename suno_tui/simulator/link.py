"""A network link in front of the simulated CDN: asset bodies share a fixed
number of bytes per second, as the files of a real gateway share a person's
connection. Off unless asked for (``Simulator(link_rate=...)``).

Real time, not the simulator's clock: a link's speed is a fact of the wall
clock even when a test drives the tasks' lives by hand. One link serves every
connection of the server; each chunk reserves its time on the link in the
order it is ready (first come, first served), so four downloads each get a
quarter of it, and one alone gets all of it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

__all__ = ["Link"]

Sleep = Callable[[float], Awaitable[None]]


class Link:
    """``rate`` bytes per second, shared by everything sent through :meth:`send`."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if not rate > 0:
            raise ValueError("a link's rate must be a positive number of bytes per second")
        self.rate = float(rate)
        self._clock = clock
        self._sleep = sleep
        #: when the link is free again (everything reserved so far has passed)
        self._free_at = clock()
        #: bytes sent through the link so far
        self.sent = 0

    async def send(self, size: int) -> None:
        """Wait until ``size`` bytes, queued behind what is already on the
        link, have passed it; then the caller writes them."""
        self.sent += size
        now = self._clock()
        self._free_at = max(now, self._free_at) + size / self.rate
        delay = self._free_at - now
        if delay > 0:
            await self._sleep(delay)
