"""Watch a set of tasks until each is finished: ``suno-tui watch`` and
``submit --watch``, with no terminal and no Textual.

It runs the :class:`~suno_tui.engine.engine.Engine` with its poll scope set
to the watched ids (batches, backoff, Retry-After, the shared state file),
reports transitions and finished tasks to an observer (the engine downloads
them first with ``--download`` and runs the ``on_finish`` hook), and decides
how the watch ended. Time and waiting are injectable, so tests run it against
the simulator's manual clock without waiting for real.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, Protocol

from suno_tui.config import Settings
from suno_tui.engine.compose import Wiring, open_engine
from suno_tui.engine.engine import Engine
from suno_tui.engine.events import EngineEvent, RoundEnded, StatusChanged, TaskFinished
from suno_tui.engine.ports import PollStatusLike
from suno_tui.relay.models import TaskStatus
from suno_tui.tracking.model import NOT_FOUND, TaskSummary, Transition
from suno_tui.tracking.tracker import Tracker


class WatchObserver(Protocol):
    """Where ``run_watch`` reports what it sees (a printer, or a test)."""

    def transition(self, transition: Transition) -> None: ...

    def finished(self, summary: TaskSummary, task: dict[str, Any], paths: list[str]) -> None: ...

    def problem(self, message: str) -> None: ...


@dataclass(frozen=True)
class WatchOptions:
    interval: float = 10.0
    timeout: float | None = None
    unreachable_after: float = 600.0
    download: bool = False


class WatchEnd(Enum):
    """How a watch ended; the command maps these to its exit codes."""

    ALL_SUCCEEDED = "all-succeeded"
    SOME_FAILED = "some-failed"  # failed, not found, or ended in an unknown status
    AUTH_REFUSED = "auth-refused"
    TIMED_OUT = "timed-out"
    UNREACHABLE = "unreachable"


@dataclass
class WatchResult:
    end: WatchEnd | None = None
    #: why the watch ended early (auth refused, timeout, unreachable)
    messages: list[str] = field(default_factory=list)
    summaries: list[TaskSummary] = field(default_factory=list)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def final_end(summaries: Iterable[TaskSummary]) -> WatchEnd:
    """Every task succeeded, or not (failed, not found, or an unknown end)."""
    ok = all(s.status is TaskStatus.SUCCESS and s.status_label != NOT_FOUND for s in summaries)
    return WatchEnd.ALL_SUCCEEDED if ok else WatchEnd.SOME_FAILED


class _Watch:
    """The state of one run: a subscriber of the engine's events."""

    def __init__(
        self,
        engine: Engine,
        scope: list[str],
        options: WatchOptions,
        observer: WatchObserver,
        clock: Callable[[], datetime],
    ) -> None:
        self.engine = engine
        self.scope = scope
        self.in_scope = set(scope)
        self.options = options
        self.observer = observer
        self.clock = clock
        self.started = clock()
        self.deadline = (
            self.started + timedelta(seconds=options.timeout) if options.timeout else None
        )
        self.result = WatchResult()
        self.download_failed = False
        self.problems_seen = 0

    def on_event(self, event: EngineEvent) -> None:
        if isinstance(event, RoundEnded):
            for transition in event.transitions:
                if transition.task_id in self.in_scope:
                    self.observer.transition(transition)
            self.on_status(event.status)
            self.stop_if_done()
        elif isinstance(event, StatusChanged):
            self.on_status(event.status)
        elif isinstance(event, TaskFinished) and event.summary.task_id in self.in_scope:
            for problem in event.problems:
                self.observer.problem(f"{event.summary.task_id}: {problem}")
            self.download_failed = self.download_failed or bool(event.problems)
            self.observer.finished(event.summary, event.document, list(event.paths))
            if event.hook_problem:
                self.observer.problem(event.hook_problem)

    def on_status(self, status: PollStatusLike) -> None:
        if status.problems > self.problems_seen and status.last_problem:
            self.problems_seen = status.problems
            self.observer.problem(status.last_problem)
        if status.auth_failed:
            self.end(WatchEnd.AUTH_REFUSED, status.auth_message or "authentication refused")
            return
        if status.consecutive_failures and status.last_error:
            since = status.last_success_at or self.started
            if (self.clock() - since).total_seconds() >= self.options.unreachable_after:
                self.end(
                    WatchEnd.UNREACHABLE,
                    f"the gateway stayed unreachable for {self.options.unreachable_after:g} s: "
                    f"{status.last_error}",
                )

    def end(self, end: WatchEnd, message: str) -> None:
        if self.result.end is None:
            self.result.end = end
            self.result.messages.append(message)
        self.engine.stop_polling()

    def all_finished(self) -> bool:
        summaries = self.engine.summaries()
        return all(
            (summary := summaries.get(task_id)) is not None and summary.finished
            for task_id in self.scope
        )

    def stop_if_done(self) -> None:
        if self.all_finished():
            self.engine.stop_polling()

    async def sleep(self, seconds: float, base: Callable[[float], Awaitable[None]]) -> None:
        """The poller's wait, cut short at the deadline (which then ends the watch)."""
        if self.deadline is not None:
            remaining = (self.deadline - self.clock()).total_seconds()
            if remaining <= 0:
                self.end(WatchEnd.TIMED_OUT, f"timed out after {self.options.timeout:g} s")
                return
            seconds = min(seconds, remaining)
        await base(seconds)
        if self.deadline is not None and self.clock() >= self.deadline:
            self.end(WatchEnd.TIMED_OUT, f"timed out after {self.options.timeout:g} s")


async def run_watch(
    settings: Settings,
    ids: list[str],
    options: WatchOptions,
    observer: WatchObserver,
    *,
    clock: Callable[[], datetime] = _utc_now,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    tracker: Tracker | None = None,
) -> WatchResult:
    """Watch ``ids`` (added to the watch list first) until each is finished.

    ConfigError for a problem in the settings; WatchListError if the state
    file cannot be opened."""
    holder: list[_Watch] = []

    async def watch_sleep(seconds: float) -> None:
        await holder[0].sleep(seconds, sleep)

    wiring = Wiring(
        clock=clock,
        sleep=watch_sleep,
        interval=options.interval,
        scope=ids,
        finish_every=True,
        auto_download=options.download,
    )
    engine = _open(settings, ids, wiring, tracker)
    try:
        watch = _Watch(engine, ids, options, observer, clock)
        holder.append(watch)
        engine.subscribe(watch.on_event)
        for task_id in ids:  # finished before we started: nothing to poll
            summary = engine.get(task_id)
            if summary is not None and summary.finished:
                engine.finish(summary)
        # The poller checks the deadline between rounds; this one also ends a
        # round (or a download, or a hook) that a server drags out past it.
        hard_deadline = asyncio.timeout(options.timeout or None)
        try:
            async with hard_deadline:
                if not watch.all_finished():
                    await engine.run_polling()
                await engine.finishing()
        except TimeoutError:
            if not hard_deadline.expired():
                raise
            watch.end(WatchEnd.TIMED_OUT, f"timed out after {options.timeout:g} s")
        watch.result.summaries = [s for task_id in ids if (s := engine.get(task_id))]
        if watch.result.end is None:
            watch.result.end = final_end(watch.result.summaries)
            if watch.download_failed:  # a script must not take a missing file for success
                watch.result.end = WatchEnd.SOME_FAILED
        return watch.result
    finally:
        await engine.aclose()


def _open(settings: Settings, ids: list[str], wiring: Wiring, tracker: Tracker | None) -> Engine:
    """The engine, with ``ids`` on the watch list before its clients are built."""
    from suno_tui.engine.watchlist import open_tracker

    tracker = tracker or open_tracker(settings)
    try:
        tracker.add(ids, profile=settings.profile)
    except BaseException:
        tracker.store.close()
        raise
    return open_engine(settings, wiring, tracker=tracker)  # closes the store if it fails
