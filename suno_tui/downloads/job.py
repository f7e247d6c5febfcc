"""What one download is: its settings, callbacks and the paths it writes."""

from __future__ import annotations

import asyncio
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
from suno_tui.downloads.threads import _Stopper

ProgressFn = Callable[[int, "int | None"], None]  # (bytes in the .part, total or None)
CommitHook = Callable[[Path], bool]  # runs on the complete .part; True if it changed it


@dataclass(frozen=True, slots=True)
class WriterConfig:
    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 15.0
    #: how often (in bytes) progress is reported
    progress_bytes: int = 1 << 20
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep)


@dataclass(slots=True)
class _Job:
    http: httpx.Client
    url: str
    final: Path
    kind: str
    config: WriterConfig
    progress: ProgressFn | None  # called from the worker thread
    stopper: _Stopper = field(default_factory=_Stopper)
    part: Path = field(init=False)
    meta: Path = field(init=False)
    resumed_from: int = 0

    def __post_init__(self) -> None:
        self.part = part_path(self.final)
        self.meta = meta_path(self.final)
