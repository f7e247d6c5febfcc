"""What one download is: its settings, callbacks and the paths it writes."""

from __future__ import annotations

from collections.abc import Callable
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
from suno_tui.downloads.transfer.writer_config import WriterConfig

__all__ = ["CommitHook", "Job", "ProgressFn", "WriterConfig"]

ProgressFn = Callable[[int, "int | None"], None]  # (bytes in the .part, total or None)
CommitHook = Callable[[Path], bool]  # runs on the complete .part; True if it changed it
#: an mp3's tag, made from the body's own: see ``front_tag``
RenderTag = Callable[[bytes, "int | None"], "bytes | None"]


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
