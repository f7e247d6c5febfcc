"""The poller's life inside the engine: made when polling starts, gone when it
crashes, and the commands a person sends it (poll now, pause, interval).

The engine owns one :class:`Polling`; everything here runs on the engine's
event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from suno_tui.engine.ports import (
    ClientsLike,
    PollerFactory,
    PollerLike,
    PollStatusLike,
    UpdateLike,
)
from suno_tui.tracking.model import TaskSummary

__all__ = ["INTERVAL_STEPS", "Polling", "connect_prepared", "next_interval", "unpolled_profiles"]

#: the steps the poll interval moves through (seconds)
INTERVAL_STEPS = (2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)


def next_interval(current: float, direction: int) -> float:
    """The next step up (``direction`` 1) or down (-1) from ``current``."""
    if direction > 0:
        return next((step for step in INTERVAL_STEPS if step > current + 1e-9), current)
    return next((step for step in reversed(INTERVAL_STEPS) if step < current - 1e-9), current)


def unpolled_profiles(
    clients: ClientsLike, summaries: Iterable[TaskSummary]
) -> dict[str, tuple[int, str]]:
    """Unfinished tasks whose profile has no client: {profile: (count, why)}."""
    counts: dict[str, int] = {}
    for summary in summaries:
        if not summary.finished:
            counts[summary.profile] = counts.get(summary.profile, 0) + 1
    problems: dict[str, tuple[int, str]] = {}
    for profile, count in counts.items():
        why = clients.problem(profile)
        if why:
            problems[profile] = (count, why)
    return problems


def connect_prepared(clients: ClientsLike | None, poller: PollerLike) -> None:
    """Give the poller the clients of the profiles prepared when the engine
    was opened (built now: the monitor starts polling after its first frame)."""
    if clients is None:
        return
    given = set(clients.ready())
    for profile, client in clients.build_prepared().items():
        if profile not in given:
            poller.set_client(profile, client)


class Polling:
    """Holds the poller (None before the start, after a crash, or with no
    factory) and its latest status."""

    def __init__(
        self,
        factory: PollerFactory | None,
        on_update: Callable[[UpdateLike, PollStatusLike], None],
        on_status: Callable[[PollStatusLike], None],
    ) -> None:
        self._factory = factory
        self._on_update = on_update
        self._on_status = on_status
        self.poller: PollerLike | None = None
        #: the poller's latest status (None while polling is off)
        self.status: PollStatusLike | None = None

    def make(self) -> bool:
        """Make the poller if there is none yet (and a factory); True if made now."""
        if self._factory is None or self.poller is not None:
            return False
        self.poller = self._factory(self._on_update, self._on_status)
        self.status = self.poller.status
        return True

    def ended(self) -> None:
        """The poller crashed: polling is off until the engine is opened again."""
        self.poller = None
        self.status = None

    def stop(self) -> None:
        if self.poller is not None:
            self.poller.stop()

    def poll_now(self) -> bool:
        """A round as soon as allowed (resuming a pause or an auth stop); False if off."""
        if self.poller is None:
            return False
        status = self.poller.status
        if status.auth_failed or status.paused:
            self.poller.resume()
        self.poller.poll_now()
        return True

    def toggle_pause(self) -> bool | None:
        """Pause, or resume; the new paused state (None: polling is off)."""
        if self.poller is None:
            return None
        status = self.poller.status
        if status.paused or status.auth_failed:
            self.poller.resume()
        else:
            self.poller.pause()
        self.status = self.poller.status
        return self.status.paused

    def step_interval(self, direction: int) -> float | None:
        """Move the interval one step; the new interval (None: polling is off)."""
        if self.poller is None:
            return None
        self.poller.set_interval(next_interval(self.poller.status.interval, direction))
        self.status = self.poller.status
        return self.status.interval
