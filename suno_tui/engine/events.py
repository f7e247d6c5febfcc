"""What the engine tells its front ends: one frozen dataclass per kind of news.

A subscriber (the monitor app, the headless ``watch``) receives them on the
event loop, in order. Text fields are display-safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from suno_tui.downloads.events import DownloadProgress, TaskOutcome
from suno_tui.engine.ports import PollStatusLike
from suno_tui.tracking.model import TaskSummary, Transition


@dataclass(frozen=True, slots=True)
class RoundEnded:
    """One poll round: the rows it changed, its transitions, and the poller's
    status after it (delivered once, here, not again as a StatusChanged).

    ``changed`` never holds a task removed while the round was in flight;
    ``news`` are the finished tasks worth telling (not those first seen
    already finished)."""

    changed: tuple[TaskSummary, ...]
    transitions: tuple[Transition, ...]
    finished: tuple[TaskSummary, ...]
    news: tuple[TaskSummary, ...]
    status: PollStatusLike


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """The poller's status changed between rounds (paused, waiting, in flight)."""

    status: PollStatusLike


@dataclass(frozen=True, slots=True)
class PollingStopped:
    """Polling ended after an internal error (the watch list is saved)."""

    error: str


@dataclass(frozen=True, slots=True)
class RowsChanged:
    """Rows changed outside a poll round (a download was recorded)."""

    summaries: tuple[TaskSummary, ...]


@dataclass(frozen=True, slots=True)
class ProfilesChanged:
    """A profile got a client, or failed to: which tasks can be polled changed."""


@dataclass(frozen=True, slots=True)
class DownloadProgressed:
    progress: DownloadProgress


@dataclass(frozen=True, slots=True)
class DownloadEnded:
    """One task's download run ended (saved, present, skipped, failed, cancelled)."""

    outcome: TaskOutcome


@dataclass(frozen=True, slots=True)
class TaskFinished:
    """A finished task was handled: downloaded (if asked) and its hook run.

    ``document`` is the task as JSON (what the hook got on standard input);
    ``problems`` says what went wrong with its downloads or its hook."""

    summary: TaskSummary
    document: dict[str, Any]
    paths: tuple[str, ...]
    problems: tuple[str, ...]
    hook_problem: str | None = None


EngineEvent = (
    RoundEnded
    | StatusChanged
    | PollingStopped
    | RowsChanged
    | ProfilesChanged
    | DownloadProgressed
    | DownloadEnded
    | TaskFinished
)
