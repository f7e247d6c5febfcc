"""Watch a set of tasks until each is finished: the engine of ``suno-tui
watch`` and ``submit --watch``, with no terminal and no Textual.

It drives the monitor's :class:`~suno_tui.tracking.poller.Poller` (batches,
backoff, Retry-After) over the shared state file, reports transitions and
finished tasks to an observer, runs the ``on_finish`` hook, and decides the
exit code. Time and waiting are injectable, so tests run it against the
simulator's manual clock without waiting for real.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, Protocol

from suno_tui.config import ConfigError, Settings
from suno_tui.engine.clients import client_for
from suno_tui.engine.hooks import HookError, run_finish_hook
from suno_tui.engine.watchlist import open_tracker
from suno_tui.relay.export import not_found_json, task_to_json
from suno_tui.relay.models import TaskStatus
from suno_tui.tracking.model import NOT_FOUND, TaskSummary, Transition
from suno_tui.tracking.poller import FetchClient, Poller, PollStatus
from suno_tui.tracking.tracker import Tracker, Update

#: downloads a finished task's assets; returns (paths written, problems)
Downloader = Callable[[TaskSummary], Awaitable[tuple[list[str], list[str]]]]


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
class WatchOutcome:
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
    """The state of one run; callbacks come from the poller, in its task."""

    def __init__(
        self,
        tracker: Tracker,
        scope: list[str],
        settings: Settings,
        options: WatchOptions,
        observer: WatchObserver,
        downloader: Downloader | None,
        clock: Callable[[], datetime],
    ) -> None:
        self.tracker = tracker
        self.scope = scope
        self.in_scope = set(scope)
        self.settings = settings
        self.options = options
        self.observer = observer
        self.downloader = downloader
        self.clock = clock
        self.started = clock()
        self.deadline = (
            self.started + timedelta(seconds=options.timeout) if options.timeout else None
        )
        self.outcome = WatchOutcome()
        self.poller: Poller | None = None
        self.finishing: list[asyncio.Task[None]] = []
        self.reported: set[str] = set()
        self.download_failed = False
        self.problems_seen = 0

    # -- poller callbacks -----------------------------------------------------

    def on_update(self, update: Update, status: PollStatus) -> None:
        for transition in update.transitions:
            if transition.task_id in self.in_scope:
                self.observer.transition(transition)
        for summary in update.finished:
            if summary.task_id in self.in_scope:
                self.finish(summary)
        self.stop_if_done()

    def on_status(self, status: PollStatus) -> None:
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

    # -- decisions --------------------------------------------------------------

    def end(self, end: WatchEnd, message: str) -> None:
        if self.outcome.end is None:
            self.outcome.end = end
            self.outcome.messages.append(message)
        if self.poller is not None:
            self.poller.stop()

    def all_finished(self) -> bool:
        summaries = self.tracker.summaries()
        return all(
            (summary := summaries.get(task_id)) is not None and summary.finished
            for task_id in self.scope
        )

    def stop_if_done(self) -> None:
        if self.all_finished() and self.poller is not None:
            self.poller.stop()

    def finish(self, summary: TaskSummary) -> None:
        """Report a finished task once, after its downloads and hook."""
        if summary.task_id in self.reported:
            return
        self.reported.add(summary.task_id)
        self.finishing.append(asyncio.ensure_future(self._finish(summary)))

    async def _finish(self, summary: TaskSummary) -> None:
        task = self.tracker.task(summary.task_id)
        document = task_to_json(task) if task is not None else not_found_json(summary.task_id)
        paths: list[str] = []
        if self.downloader is not None and summary.status_label != NOT_FOUND:
            try:
                paths, problems = await self.downloader(summary)
            except Exception as error:  # reported, and the watch goes on
                problems = [f"download failed: {error}"]
            for problem in problems:
                self.observer.problem(f"{summary.task_id}: {problem}")
            self.download_failed = self.download_failed or bool(problems)
        self.observer.finished(summary, document, paths)
        if self.settings.on_finish:
            try:
                await run_finish_hook(self.settings.on_finish, document, paths)
            except HookError as error:
                self.observer.problem(str(error))

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


def _clients(settings: Settings, tracker: Tracker, scope: list[str]) -> dict[str, FetchClient]:
    profiles = {summary.profile for task_id in scope if (summary := tracker.get(task_id))}
    clients: dict[str, FetchClient] = {}
    for profile in sorted(profiles):
        gateway = settings.gateways.get(profile)
        if gateway is None:
            raise ConfigError(
                f"a watched task belongs to profile {profile!r}, which is not "
                "in the configuration any more"
            )
        clients[profile] = client_for(settings, gateway)
    return clients


async def run_watch(
    settings: Settings,
    ids: list[str],
    options: WatchOptions,
    observer: WatchObserver,
    *,
    downloader: Downloader | None = None,
    clock: Callable[[], datetime] = _utc_now,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    tracker: Tracker | None = None,
) -> WatchOutcome:
    """Watch ``ids`` (added to the watch list first) until each is finished."""
    tracker = tracker or open_tracker(settings)
    try:
        tracker.add(ids, profile=settings.profile)
        watch = _Watch(tracker, ids, settings, options, observer, downloader, clock)
        for task_id in ids:  # finished before we started: nothing to poll
            summary = tracker.get(task_id)
            if summary is not None and summary.finished:
                watch.finish(summary)
        if not watch.all_finished():
            clients = _clients(settings, tracker, ids)
            watch.poller = Poller(
                tracker,
                clients,
                interval=options.interval,
                max_backoff=settings.max_backoff,
                on_update=watch.on_update,
                on_status=watch.on_status,
                clock=clock,
                sleep=lambda seconds: watch.sleep(seconds, sleep),
                scope=watch.in_scope,
            )
            try:
                await watch.poller.run()
            finally:
                for client in clients.values():
                    close = getattr(client, "aclose", None)
                    if close is not None:
                        await close()
        if watch.finishing:
            await asyncio.gather(*watch.finishing)
        close = getattr(downloader, "aclose", None)
        if close is not None:
            await close()
        watch.outcome.summaries = [s for task_id in ids if (s := tracker.get(task_id))]
        if watch.outcome.end is None:
            watch.outcome.end = final_end(watch.outcome.summaries)
            if watch.download_failed:  # a script must not take a missing file for success
                watch.outcome.end = WatchEnd.SOME_FAILED
        return watch.outcome
    finally:
        tracker.store.close()
