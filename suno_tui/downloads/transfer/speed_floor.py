"""The slowest a download may go: like curl's ``--speed-limit``/``--speed-time``.

A read timeout catches a server that goes silent, not one that drips a byte
every few seconds for ever. :class:`SpeedFloor` is told the byte count after
every chunk written and fails the transfer (:class:`TooSlow`, a retryable
transfer error: the ``.part`` keeps what came, so a retry or a later run
resumes) once fewer than ``min_speed`` bytes a second arrived over the last
``window`` seconds. It is checked as chunks arrive, so a server that sends
nothing at all is still the read timeout's to end. The wait for an
answer's headers is bounded by the same window (``http_get.send_get``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from suno_tui.downloads.errors import TransferError

__all__ = ["SpeedFloor", "TooSlow", "speed_text"]

#: samples kept per window (their spacing bounds how late the rule may fire)
_SAMPLES_PER_WINDOW = 8


class TooSlow(TransferError):
    """Fewer than the minimum bytes per second over the window."""


def speed_text(bytes_per_second: float) -> str:
    """``512 B/s``, ``1 KiB/s``, ``1.5 MiB/s``."""
    value = float(bytes_per_second)
    if value < 1024:
        return f"{value:.0f} B/s"
    value /= 1024
    if value < 1024:
        return f"{round(value, 1):g} KiB/s"
    return f"{round(value / 1024, 1):g} MiB/s"


class SpeedFloor:
    """Raises :class:`TooSlow` from :meth:`check` when the last ``window``
    seconds brought fewer than ``min_speed * window`` bytes."""

    __slots__ = ("_clock", "_min_bytes", "_min_speed", "_samples", "_step", "_window")

    def __init__(
        self, min_speed: int, window: float, clock: Callable[[], float], received: int
    ) -> None:
        if min_speed < 0 or window <= 0:
            raise ValueError("min_speed must be >= 0 and the window > 0")
        self._min_speed = min_speed
        self._window = window
        self._min_bytes = min_speed * window
        self._clock = clock
        self._step = window / _SAMPLES_PER_WINDOW
        # (time, bytes received then); the oldest is the window's start
        self._samples: deque[tuple[float, int]] = deque([(clock(), received)])

    def check(self, received: int) -> None:
        """``received`` bytes so far (those already in the ``.part`` included)."""
        if not self._min_speed:
            return
        now = self._clock()
        samples = self._samples
        if now - samples[-1][0] >= self._step:
            samples.append((now, received))
        # Keep the newest sample that is at least a window old as the start.
        while len(samples) > 1 and now - samples[1][0] >= self._window:
            samples.popleft()
        start, before = samples[0]
        if now - start >= self._window and received - before < self._min_bytes:
            raise TooSlow(f"too slow: under {speed_text(self._min_speed)} for {self._window:g} s")
