"""The engine's events, brought to the app as Textual messages.

The engine calls :meth:`EngineFeed.take` on the event loop for every event.
Poll rounds and download progress can come faster than the screen: they wait
here (typed) and one message is posted until the app handles it, so a burst
costs one repaint. Other events become one message each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message
from textual.message_pump import MessagePump

from suno_tui.engine.events import (
    DownloadEnded,
    DownloadProgressed,
    EngineEvent,
    RoundEnded,
    StatusChanged,
)
from suno_tui.engine.ports import PollStatusLike
from suno_tui.tracking.model import TaskSummary, Transition


class PollRound(Message):
    """One or more poll rounds ended (:meth:`EngineFeed.rounds` has them, merged)."""


class PollStatusChanged(Message):
    """The poller's status changed between rounds (the engine has the latest)."""


class DownloadsChanged(Message):
    """Download progress waits in :meth:`EngineFeed.downloads`."""


class EngineNews(Message):
    """Any other engine event (polling stopped, rows or profiles changed, a hook ran)."""

    def __init__(self, event: EngineEvent) -> None:
        super().__init__()
        self.event = event


@dataclass
class Rounds:
    """Rounds merged for one repaint: the latest row of each task, every transition."""

    count: int = 0
    changed: dict[str, TaskSummary] = field(default_factory=dict)
    transitions: list[Transition] = field(default_factory=list)
    news: list[TaskSummary] = field(default_factory=list)
    status: PollStatusLike | None = None

    def add(self, event: RoundEnded) -> None:
        self.count += 1
        for summary in event.changed:
            self.changed[summary.task_id] = summary
        self.transitions.extend(event.transitions)
        self.news.extend(event.news)
        self.status = event.status


DownloadNews = DownloadProgressed | DownloadEnded


class EngineFeed:
    """Buffers the engine's fast events; posts messages to ``target``."""

    def __init__(self, target: MessagePump) -> None:
        self._target = target
        self._rounds = Rounds()
        self._downloads: list[DownloadNews] = []
        self._status_posted = False

    def take(self, event: EngineEvent) -> None:
        if isinstance(event, RoundEnded):
            if not self._rounds.count:
                self._target.post_message(PollRound())
            self._rounds.add(event)
        elif isinstance(event, StatusChanged):
            if not self._status_posted:
                self._status_posted = True
                self._target.post_message(PollStatusChanged())
        elif isinstance(event, DownloadProgressed | DownloadEnded):
            if not self._downloads:
                self._target.post_message(DownloadsChanged())
            self._downloads.append(event)
        else:
            self._target.post_message(EngineNews(event))

    def rounds(self) -> Rounds:
        rounds, self._rounds = self._rounds, Rounds()
        return rounds

    def status_seen(self) -> None:
        self._status_posted = False

    def downloads(self) -> list[DownloadNews]:
        events, self._downloads = self._downloads, []
        return events
