"""Fixtures for the TUI tests: a deterministic app over a fake tracker."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pytest

from suno_tui.engine.engine import Engine
from suno_tui.relay.models import Task
from suno_tui.tracking.model import TaskSummary, Transition
from suno_tui.tui.app import MonitorApp
from tests.fixtures.notifications import RecordingApp

from .factories import NOW, music_task, sample_summaries, sample_transitions
from .fakes import FakeTracker

NEXT_POLL = NOW.replace(second=10)


class FrozenClock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class FakeStatus:
    paused: bool = False
    interval: float = 10.0
    last_success_at: datetime | None = NOW
    last_error: str | None = None
    next_poll_at: datetime | None = NEXT_POLL
    auth_failed: bool = False
    auth_message: str | None = None
    in_flight: bool = False
    consecutive_failures: int = 0
    idle: bool = False
    problems: int = 0
    last_problem: str | None = None


@dataclass
class FakePoller:
    """Records what the app asked; the test plays the poller's callbacks."""

    on_update: Callable[[Any, Any], None]
    on_status: Callable[[Any], None]
    state: FakeStatus = field(default_factory=FakeStatus)
    calls: list[str] = field(default_factory=list)
    stopped: bool = False

    async def run(self) -> None:
        return None

    def poll_now(self) -> None:
        self.calls.append("poll_now")

    def pause(self) -> None:
        self.calls.append("pause")
        self.state.paused = True

    def resume(self) -> None:
        self.calls.append("resume")
        self.state.paused = False
        self.state.auth_failed = False

    def set_interval(self, seconds: float) -> None:
        self.calls.append(f"interval {seconds:g}")
        self.state.interval = max(seconds, 2.0)

    def stop(self) -> None:
        self.stopped = True

    def notify_added(self) -> None:
        self.calls.append("notify_added")

    def notify_fresh(self) -> None:
        self.calls.append("notify_fresh")

    def set_client(self, profile: str, client: Any) -> None:
        self.calls.append(f"set_client {profile}")

    @property
    def status(self) -> FakeStatus:
        return replace(self.state)


@dataclass
class FakeUpdate:
    changed: list[TaskSummary] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    finished: list[TaskSummary] = field(default_factory=list)


#: Engine keyword arguments build_app takes (the rest go to MonitorApp)
ENGINE_OPTIONS = ("clients", "downloads", "on_finish", "polling_off", "poller_factory", "profile")


def build_app(
    summaries: Iterable[TaskSummary] | None = None,
    *,
    tasks: dict[str, Task] | None = None,
    transitions: Iterable[Transition] | None = None,
    with_poller: bool = False,
    clock: FrozenClock | None = None,
    app_class: type[RecordingApp] = RecordingApp,
    **kwargs: Any,
) -> tuple[MonitorApp, FakeTracker]:
    """The app over an engine built from a fake tracker (and a fake poller)."""
    summaries = list(sample_summaries() if summaries is None else summaries)
    if tasks is None and summaries:
        tasks = {summaries[0].task_id: music_task(summaries[0].task_id)}
    tracker = FakeTracker(
        summaries,
        tasks=tasks,
        transitions=sample_transitions() if transitions is None else transitions,
    )
    pollers: list[FakePoller] = []

    def factory(on_update: Any, on_status: Any) -> FakePoller:
        poller = FakePoller(on_update, on_status)
        pollers.append(poller)
        return poller

    engine_options: dict[str, Any] = {}
    if with_poller:
        engine_options["poller_factory"] = factory
    else:
        engine_options["polling_off"] = "no token configured (test)"
    engine_options.update({k: kwargs.pop(k) for k in ENGINE_OPTIONS if k in kwargs})
    options: dict[str, Any] = {
        "clock": clock or FrozenClock(),
        "tz": UTC,
        "gateway_label": "api.example.com",
        "cursor_blink": False,
        "tick_seconds": 3600.0,
        "show_events": False,
    }
    options.update(kwargs)
    app = app_class(Engine(tracker, **engine_options), **options)
    app.fake_pollers = pollers  # type: ignore[attr-defined]
    return app, tracker


@pytest.fixture
def frozen_clock() -> FrozenClock:
    return FrozenClock()
