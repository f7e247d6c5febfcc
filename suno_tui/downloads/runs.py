"""The state of one task while the manager processes it (its snapshot and
fresh links), and the speed meter of one file."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from suno_tui.downloads.events import TaskOutcome
from suno_tui.downloads.timed_lyrics import TimedLine
from suno_tui.relay.errors import RelayError
from suno_tui.relay.models import Task

if TYPE_CHECKING:
    from suno_tui.downloads.options import FetchTask

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
    #: clip id -> its timed lyric lines, or why there are none (act_files.py)
    timings: dict[str, Sequence[TimedLine] | Exception] = field(default_factory=dict)
    timing_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def links_fresh(self, now: float, max_age: float) -> bool:
        """Was the snapshot fetched less than ``max_age`` seconds before ``now``?"""
        return self.fetched_at is not None and now - self.fetched_at < max_age

    async def fetch(self, fetch_task: FetchTask, clock: Callable[[], float]) -> Task:
        """Fetch the task afresh (its links are time-limited); RelayError if that fails."""
        task = await fetch_task(self.task_id)
        self.task, self.fetched_at = task, clock()
        self.generation += 1
        return task

    async def refetch(
        self, fetch_task: FetchTask, clock: Callable[[], float], seen: int
    ) -> Task | None:
        """Fetch the task again after a refused link; one fetch serves every file
        that failed before it (``seen`` is the generation the caller used)."""
        async with self.refresh_lock:
            if self.generation > seen and self.task is not None:
                return self.task
            try:
                return await self.fetch(fetch_task, clock)
            except RelayError:
                return None
