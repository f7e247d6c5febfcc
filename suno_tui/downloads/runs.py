"""The state of one task while the manager processes it, and the speed
meter of one file."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from suno_tui.downloads.events import TaskOutcome
from suno_tui.relay.models import Task

_PROGRESS_INTERVAL = 0.1  # seconds between "running" events of one file
_SPEED_WINDOW = 3.0  # seconds of samples behind speed_bps


class SpeedMeter:
    """Speed over a sliding window, and throttling of progress events."""

    def __init__(self, clock: Callable[[], float], start: int) -> None:
        self._clock = clock
        self._samples: deque[tuple[float, int]] = deque([(clock(), start)])
        self._last_emit = float("-inf")

    def speed(self, received: int) -> float:
        now = self._clock()
        samples = self._samples
        samples.append((now, received))
        while len(samples) > 2 and now - samples[1][0] >= _SPEED_WINDOW:
            samples.popleft()
        then, before = samples[0]
        return (received - before) / (now - then) if now > then else 0.0

    def due(self) -> bool:
        now = self._clock()
        if now - self._last_emit >= _PROGRESS_INTERVAL:
            self._last_emit = now
            return True
        return False


@dataclass(slots=True)
class TaskRun:
    """A submitted task while it is processed."""

    task_id: str
    task: Task | None
    fetched_at: float | None
    outcome: TaskOutcome
    refresh_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    generation: int = 0  # bumped by each refetch
    covers: dict[str, Path] = field(default_factory=dict)  # clip id -> image on disk
