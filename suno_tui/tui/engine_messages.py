"""The engine's events as Textual messages: one class per event, each
carrying its data, each handled by its own ``on_...`` method.

Poll rounds, the poller's status and download progress can come faster than
the screen. For those the message carries an accumulator that the feed
(:mod:`suno_tui.tui.feed`) keeps filling until the handler takes it, so a
burst is one message and one repaint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from textual.message import Message

from suno_tui.downloads.events import DownloadProgress, TaskOutcome
from suno_tui.engine import events
from suno_tui.engine.ports import PollStatusLike
from suno_tui.tracking.model import TaskSummary, Transition


@dataclass
class Accumulator:
    """Filled by the feed until a handler takes it; after that the feed
    starts a new one (and posts a new message)."""

    taken: bool = field(default=False, init=False)

    def take(self) -> None:
        self.taken = True


@dataclass
class Rounds(Accumulator):
    """Rounds merged for one repaint: the latest row of each task, every
    transition and finished task worth telling, and the poller's latest status."""

    status: PollStatusLike
    count: int = 0
    changed: dict[str, TaskSummary] = field(default_factory=dict)
    transitions: list[Transition] = field(default_factory=list)
    news: list[TaskSummary] = field(default_factory=list)

    def add(self, event: events.RoundEnded) -> None:
        self.count += 1
        for summary in event.changed:
            self.changed[summary.task_id] = summary
        self.transitions.extend(event.transitions)
        self.news.extend(event.news)
        self.status = event.status


@dataclass
class LatestStatus(Accumulator):
    """The poller's latest status."""

    status: PollStatusLike


@dataclass
class DownloadNews(Accumulator):
    """Download progress in the order it came, and the runs that ended."""

    progress: list[DownloadProgress] = field(default_factory=list)
    ended: list[TaskOutcome] = field(default_factory=list)


class PollRoundsEnded(Message):
    """One or more poll rounds ended."""

    def __init__(self, rounds: Rounds) -> None:
        super().__init__()
        self.rounds = rounds

    def take(self) -> Rounds:
        """The rounds, closed: what comes next goes into a new message. Taken
        again (Textual calls the handler of each class that defines one, and
        a subclass may call ``super()`` too), they are empty."""
        if self.rounds.taken:
            return Rounds(self.rounds.status)
        self.rounds.take()
        return self.rounds


class PollStatusChanged(Message):
    """The poller's status changed between rounds (paused, waiting, in flight)."""

    def __init__(self, latest: LatestStatus) -> None:
        super().__init__()
        self.latest = latest

    def take(self) -> LatestStatus:
        """The latest, closed: what comes next goes into a new message (taken
        again, the same status)."""
        self.latest.take()
        return self.latest


class DownloadsReported(Message):
    """Download progress, or a task's download run ended."""

    def __init__(self, news: DownloadNews) -> None:
        super().__init__()
        self.news = news

    def take(self) -> DownloadNews:
        """The news, closed: what comes next goes into a new message (taken
        again, none)."""
        if self.news.taken:
            return DownloadNews()
        self.news.take()
        return self.news


E = TypeVar("E")


class EngineMessage(Message, Generic[E]):
    """An engine event that needs no merging: the message carries it."""

    def __init__(self, event: E) -> None:
        super().__init__()
        self.event = event


class PollingStopped(EngineMessage[events.PollingStopped]):
    """Polling ended after an internal error."""


class RowsChanged(EngineMessage[events.RowsChanged]):
    """Rows changed outside a poll round (a download was recorded)."""


class ProfilesChanged(EngineMessage[events.ProfilesChanged]):
    """A profile got a client, or failed to."""


class TaskFinished(EngineMessage[events.TaskFinished]):
    """A finished task was handled (its downloads, its hook)."""


class TasksDiscovered(EngineMessage[events.TasksDiscovered]):
    """A look at the account's task list ended."""


class DiscoveryFailed(EngineMessage[events.DiscoveryFailed]):
    """A look at the account's task list failed."""


class DiscoveryUnsupported(EngineMessage[events.DiscoveryUnsupported]):
    """The gateway has no task list (said once)."""


class BalanceChanged(EngineMessage[events.BalanceChanged]):
    """What the selected key has left, fresh from the gateway."""


class BalanceUnavailable(EngineMessage[events.BalanceUnavailable]):
    """The balance could not be read."""
