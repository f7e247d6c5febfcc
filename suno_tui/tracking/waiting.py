"""One wait that a command can cut short: the poller's sleep between rounds
and the account feed's between looks both use it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[object]]


async def sleep_or_wake(wake: asyncio.Event, sleep: Sleep, timeout: float | None) -> None:
    """Wait ``timeout`` seconds through ``sleep`` (for ever if None), or until
    ``wake`` is set; then clear ``wake``. ``sleep`` is injectable so tests and
    the demo wait on a simulated clock."""
    if not wake.is_set():
        if timeout is None:
            await wake.wait()
        else:
            waker = asyncio.ensure_future(wake.wait())
            sleeper = asyncio.ensure_future(sleep(timeout))
            try:
                await asyncio.wait((waker, sleeper), return_when=asyncio.FIRST_COMPLETED)
            finally:
                waker.cancel()
                sleeper.cancel()
    wake.clear()
