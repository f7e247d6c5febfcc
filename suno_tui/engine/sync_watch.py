"""``suno-tui sync --watch``: after the first pass, keep following the
account (or the watch list) and download each task as it finishes, until
stopped (Ctrl-C, SIGTERM).

It is the engine as ``--account`` runs it (account discovery, the poller,
the shared state file) with the download service writing into the sync's
folder: a task seen finishing in a poll round is downloaded, and so is a
task a later look at the account finds already finished, unless the first
pass saw it. The filter of the sync applies to both.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from suno_tui.config import Settings
from suno_tui.downloads.events import ProgressCallback
from suno_tui.downloads.options import DownloadOptions
from suno_tui.engine.account_feed import DEFAULT_WINDOW
from suno_tui.engine.compose import Wiring, open_engine
from suno_tui.engine.events import DownloadProgressed, EngineEvent, RoundEnded, TasksDiscovered
from suno_tui.engine.sync_run import ACCOUNT, SyncFilter, sync_source
from suno_tui.tracking.model import TaskSummary

__all__ = ["follow", "wants_summary"]


def wants_summary(chosen: SyncFilter, summary: TaskSummary) -> bool:
    """:meth:`SyncFilter.wants` for a watch-list row."""
    return chosen.wants_one(summary.status_label, summary.finished, summary.submitted_at)


def _window(chosen: SyncFilter, now: datetime) -> timedelta:
    """How far back the first look goes: the filter's start, at most a day
    (the first pass handled what was finished; this is for what is not)."""
    if chosen.since is None:
        return DEFAULT_WINDOW
    return min(DEFAULT_WINDOW, max(now - chosen.since, timedelta(seconds=1)))


async def follow(
    settings: Settings,
    options: DownloadOptions,
    chosen: SyncFilter,
    on_progress: ProgressCallback,
    *,
    seen: Collection[str],
    interval: float | None = None,
    stop: asyncio.Event | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Follow until ``stop`` is set (by SIGINT or SIGTERM when not given).
    ConfigError or WatchListError when the engine cannot be built."""
    settings = replace(
        settings, download_dir=options.directory, download_concurrency=options.concurrency,
        wav="wav" in options.assets, lrc="lrc" in options.assets,
    )  # fmt: skip
    account = sync_source(settings) == ACCOUNT
    wiring = Wiring(
        clock=clock,
        interval=interval,
        follow_account=account,
        account=account,
        account_window=_window(chosen, clock()),
    )
    engine = open_engine(settings, wiring)
    handled: set[str] = set(seen)

    def download(summaries: Collection[TaskSummary]) -> None:
        ids = [s.task_id for s in summaries
               if s.task_id not in handled and wants_summary(chosen, s)]  # fmt: skip
        handled.update(ids)
        if ids:
            engine.download(ids)

    def listen(event: EngineEvent) -> None:
        if isinstance(event, DownloadProgressed):
            on_progress(event.progress)
        elif isinstance(event, RoundEnded):
            download(event.finished)
        elif isinstance(event, TasksDiscovered):
            download([row for row in event.added if row.finished])

    stopping = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = () if stop is not None else (signal.SIGINT, signal.SIGTERM)
    for number in signals:
        loop.add_signal_handler(number, stopping.set)
    engine.subscribe(listen)
    try:
        engine.start()
        await stopping.wait()
    finally:
        for number in signals:
            with contextlib.suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(number)
        await engine.aclose()  # downloads in flight keep their .part files
