"""Progress events the download manager emits, and the per-task outcome (the
one "how did this task's download end" type: the headless ``download``
command, ``watch --download`` and the monitor's toasts all read it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from suno_tui.downloads.assets import SkipKind

__all__ = ["DownloadProgress", "FileState", "ProgressCallback", "RecordCallback", "TaskOutcome"]


class FileState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self not in (FileState.QUEUED, FileState.RUNNING)


@dataclass(frozen=True, slots=True)
class DownloadProgress:
    """One file's state. ``asset == ""`` marks an event about the whole task
    (fetching fresh links, a task that is not found, all files finished).

    ``message`` is display-safe (control characters removed). ``present``
    is True for a file that was already complete on disk (state DONE,
    nothing downloaded). ``resumed_from`` counts bytes kept from a .part.
    """

    task_id: str
    clip_id: str
    asset: str
    path: Path | None
    received: int
    total: int | None
    speed_bps: float
    state: FileState
    message: str = ""
    sha256: str = ""
    present: bool = False
    resumed_from: int = 0
    #: why it failed: network, refused, not-found, content, storage, auth, gateway, error
    error_kind: str = ""
    #: why it was skipped (not-ready, failed, unavailable)
    skip_kind: SkipKind | None = None

    @property
    def is_task_event(self) -> bool:
        return not self.asset

    @property
    def fraction(self) -> float | None:
        if self.total:
            return min(1.0, self.received / self.total)
        return None


ProgressCallback = Callable[[DownloadProgress], None]
#: record(task_id, clip_id, asset, path, size, sha256): the store's record_download
RecordCallback = Callable[[str, str, str, Path, int, str], None]
#: a task's run ended: its outcome (the one tally of the run)
EndedCallback = Callable[["TaskOutcome"], None]


@dataclass(slots=True)
class TaskOutcome:
    """Everything that happened to one submitted task."""

    task_id: str
    #: the final event of every file (done, skipped, failed or cancelled)
    files: list[DownloadProgress] = field(default_factory=list)
    #: set when the task itself could not be fetched
    error: str = ""
    error_kind: str = ""  # not-found, auth, network, gateway, malformed, cancelled

    def count(self, state: FileState) -> int:
        return sum(1 for event in self.files if event.state is state)

    @property
    def ok(self) -> bool:
        """Every file that could be downloaded is on disk, and nothing failed."""
        if self.error:
            return False
        if any(e.state in (FileState.FAILED, FileState.CANCELLED) for e in self.files):
            return False
        if any(
            e.state is FileState.SKIPPED and e.skip_kind is not SkipKind.UNAVAILABLE
            for e in self.files
        ):
            return False
        return any(e.state is FileState.DONE for e in self.files)

    # -- what a person is told (the monitor's toasts, the hook's paths) --------

    @property
    def saved(self) -> list[Path]:
        """Files written by this run."""
        return [
            e.path for e in self.files if e.state is FileState.DONE and not e.present and e.path
        ]

    @property
    def present(self) -> list[Path]:
        """Files that were complete on disk already."""
        return [e.path for e in self.files if e.state is FileState.DONE and e.present and e.path]

    @property
    def paths(self) -> list[Path]:
        return [*self.saved, *self.present]

    @property
    def skipped(self) -> list[DownloadProgress]:
        """Skipped files worth a word (not the assets a clip simply lacks)."""
        return [
            e
            for e in self.files
            if e.state is FileState.SKIPPED and e.skip_kind is not SkipKind.UNAVAILABLE
        ]

    @property
    def unavailable(self) -> int:
        """Assets the clips simply do not have (no video...)."""
        return sum(
            1
            for e in self.files
            if e.state is FileState.SKIPPED and e.skip_kind is SkipKind.UNAVAILABLE
        )

    @property
    def failed(self) -> list[DownloadProgress]:
        return [e for e in self.files if e.state is FileState.FAILED]

    @property
    def cancelled(self) -> bool:
        return self.error_kind == "cancelled" or any(
            e.state is FileState.CANCELLED for e in self.files
        )

    @property
    def complete(self) -> bool:
        """Everything the task offers is on disk."""
        troubled = self.error or self.failed or self.skipped or self.cancelled
        return not troubled and bool(self.paths)
