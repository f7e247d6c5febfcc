"""What the engine tells its front ends: one frozen dataclass per kind of news.

A subscriber (the monitor app, the headless ``watch``) receives them on the
event loop, in order. Text fields are display-safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from suno_tui.downloads.events import DownloadProgress, TaskOutcome
from suno_tui.engine.ports import PollStatusLike
from suno_tui.relay.balance import Balance
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
    """A download made progress: a file's bytes or state changed."""

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


@dataclass(frozen=True, slots=True)
class TasksDiscovered:
    """A look at the account's task list ended (account mode).

    ``added`` are the tasks it found that were not watched (nor removed by
    the person), already showing the list's data: no fetch was needed.
    ``manual``: asked for by hand (the monitor's ``A``)."""

    profile: str
    added: tuple[TaskSummary, ...]
    transitions: tuple[Transition, ...]
    pages: int
    manual: bool
    #: False when the look stopped before the window's start (a bound or the limit)
    complete: bool = True
    problems: tuple[str, ...] = ()
    #: the look stopped at the most discovery adds (per look, or in this run,
    #: after which following stops): ``problems[0]`` says which
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class DiscoveryFailed:
    """A look at the account's task list failed; ``reason`` says why and, for
    a refused access token or user id, which credential to fix."""

    profile: str
    reason: str
    manual: bool
    #: the access token or the user id was refused (not a network problem)
    credential: bool
    #: when the next automatic look is due (None: none is planned)
    retry_at: datetime | None


@dataclass(frozen=True, slots=True)
class DiscoveryUnsupported:
    """The gateway has no task list: account discovery is off (said once)."""

    profile: str
    reason: str


@dataclass(frozen=True, slots=True)
class BalanceChanged:
    """What the API key of ``profile`` has left (fresh from the gateway)."""

    profile: str
    balance: Balance


@dataclass(frozen=True, slots=True)
class BalanceUnavailable:
    """The balance could not be read. ``final``: the gateway has no balance
    endpoints and is not asked again (said once)."""

    profile: str
    reason: str
    final: bool


EngineEvent = (
    RoundEnded
    | StatusChanged
    | PollingStopped
    | RowsChanged
    | ProfilesChanged
    | DownloadProgressed
    | DownloadEnded
    | TaskFinished
    | TasksDiscovered
    | DiscoveryFailed
    | DiscoveryUnsupported
    | BalanceChanged
    | BalanceUnavailable
)
