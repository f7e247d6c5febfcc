"""What one download is: its settings, callbacks and the paths it writes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from suno_tui.downloads.files import (
    meta_path,
    part_path,
)

if TYPE_CHECKING:
    import httpx
from suno_tui.downloads.transfer.threads import Stopper

ProgressFn = Callable[[int, "int | None"], None]  # (bytes in the .part, total or None)
CommitHook = Callable[[Path], bool]  # runs on the complete .part; True if it changed it
#: an mp3's tag, made from the body's own: see ``front_tag``
RenderTag = Callable[[bytes, "int | None"], "bytes | None"]


#: the default minimum speed: bytes a second, over how many seconds
DEFAULT_MIN_SPEED = 1024
DEFAULT_MIN_SPEED_TIME = 30.0


@dataclass(frozen=True, slots=True)
class WriterConfig:
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


@dataclass(slots=True)
class Job:
    http: httpx.Client
    url: str
    final: Path
    kind: str
    config: WriterConfig
    progress: ProgressFn | None  # called from the worker thread
    stopper: Stopper = field(default_factory=Stopper)
    #: tag an mp3 in front as it streams (None: not, or afterwards)
    render_tag: RenderTag | None = None
    part: Path = field(init=False)
    meta: Path = field(init=False)
    resumed_from: int = 0
    #: the .part starts with our tag (this attempt wrote it, or an earlier one)
    tagged_in_front: bool = False

    def __post_init__(self) -> None:
        self.part = part_path(self.final)
        self.meta = meta_path(self.final)
