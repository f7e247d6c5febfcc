"""The engine's events, brought to the app as Textual messages.

The engine calls :meth:`EngineFeed.take` on the event loop for every event;
a table says what each kind becomes (:mod:`suno_tui.tui.engine_messages`).
Poll rounds, status changes and download progress can come faster than the
screen: each kind fills the accumulator of the message already posted until
its handler takes it, so a burst costs one repaint. Every other event is one
message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message_pump import MessagePump

from suno_tui.engine import events
from suno_tui.engine.events import EngineEvent
from suno_tui.engine.ports import PollStatusLike
from suno_tui.tui import engine_messages as messages
from suno_tui.tui.engine_messages import DownloadNews, LatestStatus, Rounds

#: the events that become one message each, and their message
_ONE_EACH: dict[type[Any], Callable[[Any], messages.EngineMessage[Any]]] = {
    events.PollingStopped: messages.PollingStopped,
    events.RowsChanged: messages.RowsChanged,
    events.ProfilesChanged: messages.ProfilesChanged,
    events.TaskFinished: messages.TaskFinished,
    events.TasksDiscovered: messages.TasksDiscovered,
    events.DiscoveryFailed: messages.DiscoveryFailed,
    events.DiscoveryUnsupported: messages.DiscoveryUnsupported,
    events.BalanceChanged: messages.BalanceChanged,
    events.BalanceUnavailable: messages.BalanceUnavailable,
}


class EngineFeed:
    """Turns the engine's events into messages posted to ``target``."""

    def __init__(self, target: MessagePump) -> None:
        self._target = target
        self._rounds: Rounds | None = None
        self._status: LatestStatus | None = None
        self._downloads: DownloadNews | None = None
        self._merged: dict[type[Any], Callable[[Any], None]] = {
            events.RoundEnded: self._round_ended,
            events.StatusChanged: self._status_changed,
            events.DownloadProgressed: self._download_progressed,
            events.DownloadEnded: self._download_ended,
        }

    def take(self, event: EngineEvent) -> None:
        merge = self._merged.get(type(event))
        if merge is not None:
            merge(event)
        else:
            self._target.post_message(_ONE_EACH[type(event)](event))

    def _round_ended(self, event: events.RoundEnded) -> None:
        rounds = self._rounds
        if rounds is None or rounds.taken:
            rounds = self._rounds = Rounds(event.status)
            self._target.post_message(messages.PollRoundsEnded(rounds))
        rounds.add(event)
        # The round's status is the latest: a status message waiting to be
        # handled must not show an older one after the round.
        self._latest_status(event.status, post=False)

    def _status_changed(self, event: events.StatusChanged) -> None:
        self._latest_status(event.status, post=True)

    def _latest_status(self, status: PollStatusLike, *, post: bool) -> None:
        """Every waiting message that shows the status gets this one."""
        rounds = self._rounds
        if rounds is not None and not rounds.taken:
            rounds.status = status
        latest = self._status
        if latest is not None and not latest.taken:
            latest.status = status
        elif post:
            self._status = LatestStatus(status)
            self._target.post_message(messages.PollStatusChanged(self._status))

    def _download_news(self) -> DownloadNews:
        news = self._downloads
        if news is None or news.taken:
            news = self._downloads = DownloadNews()
            self._target.post_message(messages.DownloadsReported(news))
        return news

    def _download_progressed(self, event: events.DownloadProgressed) -> None:
        self._download_news().progress.append(event.progress)

    def _download_ended(self, event: events.DownloadEnded) -> None:
        self._download_news().ended.append(event.outcome)
