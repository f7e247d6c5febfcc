"""``suno-tui sync``'s work without its printing: mirror the finished clips
of the account's tasks (or, without an access token, of the watch list)
into a folder.

1. **Find** the tasks: account mode's task list (the selected profile's
   access token; the list's own data carries fresh links), else the watch
   list's tasks of the selected profile from the state file (their last
   snapshots).
2. **Check** each wanted task against the state's download records and the
   disk (:func:`~suno_tui.downloads.on_disk.task_on_disk`): no request, no
   hashing. A complete task is told as files already there and left alone.
3. **Download** the others with the one download manager (``download``'s
   and ``D``'s path: names, tags, ``.part`` resume, records). Links expire,
   so fresh ones are asked for only for these tasks: the task list's pages
   were just read; the watch list's snapshots are fetched again in batches.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from suno_tui.account.clients import account_client_for, account_mode_on
from suno_tui.config import ConfigError, Settings
from suno_tui.downloads.events import (
    DownloadProgress,
    FileState,
    ProgressCallback,
    RecordCallback,
    TaskOutcome,
)
from suno_tui.downloads.existing import KnownDownload
from suno_tui.downloads.files import ensure_folder
from suno_tui.downloads.on_disk import TaskOnDisk, task_on_disk
from suno_tui.downloads.options import DownloadOptions, LookupCallback
from suno_tui.downloads.records import DownloadStore, store_callbacks
from suno_tui.engine.clients import client_for
from suno_tui.engine.oneshot import NO_ACCESS_TOKEN
from suno_tui.engine.watchlist import WatchListError
from suno_tui.relay.account import DEFAULT_LIST_LIMIT, TaskQuery
from suno_tui.relay.client import RelayClient
from suno_tui.relay.clip_actions import ClipActions
from suno_tui.relay.models import Task
from suno_tui.tracking.store import Store, StoreError
from suno_tui.tracking.tracker import Tracker

__all__ = ["SyncFilter", "SyncReport", "SyncSource", "sync_library", "sync_source"]

SyncSource = str  # "account" or "watch list"
ACCOUNT = "account"
WATCH_LIST = "watch list"


@dataclass(frozen=True, slots=True)
class SyncFilter:
    """Which tasks to mirror: submitted since ``since``, in one of
    ``statuses`` (the gateway's labels); by default every finished task."""

    since: datetime | None = None
    statuses: frozenset[str] = frozenset()
    limit: int = DEFAULT_LIST_LIMIT

    def wants(self, task: Task) -> bool:
        return self.wants_one(task.status_label, task.is_finished, task.submitted_at)

    def wants_one(self, status_label: str, finished: bool, submitted: datetime | None) -> bool:
        """For a task told by its status, whether it finished and when it was submitted."""
        if self.statuses:
            if status_label not in self.statuses:
                return False
        elif not finished:
            return False
        return self.since is None or submitted is None or submitted >= self.since


@dataclass
class SyncReport:
    """What a sync found and did."""

    source: SyncSource
    directory: Path | None = None
    #: the tasks that passed the filter
    found: int = 0
    #: of those, already complete in the folder (no request made for them)
    complete: int = 0
    #: tasks seen but not finished yet (left for a later sync or ``--watch``)
    unfinished: int = 0
    #: each downloaded task's outcome (its files: done, present, skipped, failed)
    outcomes: dict[str, TaskOutcome] = field(default_factory=dict)
    #: watch-list tasks the gateway does not know any more
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: the task list stopped at its bound: older tasks of the window were not seen
    truncated: bool = False
    #: the ids of the tasks that passed the filter (``--watch`` leaves them be)
    seen: set[str] = field(default_factory=set)


def sync_source(settings: Settings) -> SyncSource:
    """The account when the selected profile has account mode on and an
    access token (or its command) configured; the watch list otherwise."""
    gateway = settings.gateway
    configured = gateway.access_token is not None or gateway.access_token_command is not None
    return ACCOUNT if configured and account_mode_on(gateway) else WATCH_LIST


class _Checker:
    """Checks tasks against the records; keeps the ones with something missing."""

    def __init__(
        self,
        options: DownloadOptions,
        directory: Path,
        lookup: LookupCallback,
        report: SyncReport,
        tell: ProgressCallback,
    ) -> None:
        self.options = options
        self.directory = directory
        self.lookup = lookup
        self.report = report
        self.tell = tell
        self.wanted: list[Task] = []

    def check(self, task: Task) -> None:
        """Count ``task``, told as there when nothing is missing; kept when
        something is (a finished task's snapshot is final but its links)."""
        self.report.seen.add(task.task_id)
        on_disk = task_on_disk(task, self.options, self.directory, self.lookup)
        if on_disk.missing:
            self.wanted.append(task)
            return
        self.report.complete += on_disk.complete
        self._tell_present(on_disk)

    def _tell_present(self, on_disk: TaskOnDisk) -> None:
        for asset, known in on_disk.present:
            self.tell(DownloadProgress(asset.task_id, asset.clip_id, asset.kind, known.path,
                                       known.size, known.size, 0.0, FileState.DONE,
                                       "already downloaded", present=True))  # fmt: skip
        for skip in on_disk.skips:
            self.tell(DownloadProgress(skip.task_id, skip.clip_id, skip.kind or "clip", None, 0,
                                       None, 0.0, FileState.SKIPPED, skip.reason,
                                       skip_kind=skip.category))  # fmt: skip


Sleep = Callable[[float], Awaitable[None]]


def _records_by_task(state: DownloadStore) -> LookupCallback:
    """A lookup that reads each task's records once (the check asks for
    them file by file, task after task)."""
    held: dict[str, dict[tuple[str, str], KnownDownload]] = {}

    def lookup(task_id: str, clip_id: str, asset: str) -> KnownDownload | None:
        if task_id not in held:
            held.clear()
            held[task_id] = {
                (row.clip_id, row.asset): KnownDownload(Path(row.path), row.size, row.sha256)
                for row in state.downloads_for(task_id)
                if row.size is not None
            }
        return held[task_id].get((clip_id, asset))

    return lookup


async def sync_library(
    settings: Settings,
    options: DownloadOptions,
    chosen: SyncFilter,
    *,
    on_progress: ProgressCallback,
    sleep: Sleep = asyncio.sleep,
) -> SyncReport:
    """Mirror the wanted tasks into ``options.directory``. ConfigError for
    the settings (no client, a failing command), WatchListError if the state
    file cannot be opened, StorageError if the folder cannot be made, the
    relay's errors if the task list or the fetch of fresh links fails."""
    report = SyncReport(sync_source(settings))
    directory = ensure_folder(options.directory)
    report.directory = directory
    try:
        store = Store.open(settings.state_path)
    except StoreError as error:
        raise WatchListError(str(error)) from None
    try:
        tracker = None
        if report.source == WATCH_LIST:
            tracker = Tracker(store, clock=lambda: datetime.now(UTC))
            tracker.load()
        # through the tracker, a watched row's download count follows
        state: DownloadStore = tracker if tracker is not None else store
        record, lookup = store_callbacks(state)
        checker = _Checker(options, directory, _records_by_task(state), report, on_progress)
        async with client_for(settings) as client:
            if tracker is None:
                fetched_at = await _from_account(settings, client, chosen, checker)
            else:
                fetched_at = await _from_watch_list(settings, client, tracker, chosen, checker)
            if checker.wanted:
                await _download(client, options, checker.wanted, fetched_at, report,
                                on_progress, record, lookup, sleep)  # fmt: skip
    finally:
        store.close()
    return report


async def _from_account(
    settings: Settings, client: RelayClient, chosen: SyncFilter, checker: _Checker
) -> float:
    """Walk the task list page by page (only the tasks to download are kept)."""
    report = checker.report
    account = account_client_for(settings, client)
    if not account.has_access_token:  # a token command that printed nothing
        raise ConfigError(NO_ACCESS_TOKEN)
    statuses = chosen.statuses
    status = next(iter(statuses)) if len(statuses) == 1 else None  # the gateway filters one
    query = TaskQuery(since=chosen.since, status=status)

    def take(tasks: list[Task]) -> None:
        for task in tasks:
            if not chosen.wants(task):
                report.unfinished += not task.is_finished
                continue
            report.found += 1
            checker.check(task)

    listing = await account.list_tasks(query, limit=chosen.limit, on_tasks=take)
    report.problems.extend(listing.problems)
    report.truncated = listing.stop == "limit"
    return time.monotonic()


async def _from_watch_list(
    settings: Settings, client: RelayClient, tracker: Tracker, chosen: SyncFilter, checker: _Checker
) -> float:
    """The watch list's tasks of the profile from their snapshots; those with
    something missing (or not finished when last seen) fetched again, the
    news saved as a poll would."""
    report = checker.report
    profile = settings.profile
    stale: list[str] = []
    for summary in list(tracker.summaries().values()):
        if summary.profile != profile:
            continue
        task = tracker.task(summary.task_id) if summary.finished else None
        if task is None or not task.is_finished:
            stale.append(summary.task_id)  # its status is news only the gateway has
        elif chosen.wants(task):
            report.found += 1
            checker.check(task)
    known = [task.task_id for task in checker.wanted]
    checker.wanted = []
    if not known and not stale:
        return time.monotonic()
    result = await client.fetch(known + stale)  # in batches, as a poll
    fetched_at = time.monotonic()
    if stale:
        await tracker.apply_async(result, profile=profile)
    report.problems.extend(result.problems)
    report.missing = [task_id for task_id in known if task_id in result.missing]
    checker.wanted = [result.tasks[task_id] for task_id in known if task_id in result.tasks]
    for task_id in stale:  # not finished when last seen: is it now?
        task = result.tasks.get(task_id)
        if task is None:
            continue
        if chosen.wants(task):
            report.found += 1
            checker.check(task)
        else:
            report.unfinished += not task.is_finished
    return fetched_at


async def _download(
    client: RelayClient,
    options: DownloadOptions,
    tasks: Iterable[Task],
    fetched_at: float,
    report: SyncReport,
    on_progress: ProgressCallback,
    record: RecordCallback,
    lookup: LookupCallback,
    sleep: Sleep,
) -> None:
    from suno_tui.downloads.manager import DownloadManager

    async def actions(_task_id: str) -> ClipActions:
        return ClipActions(client)  # the WAV and timed lyrics, asked of the same gateway

    async with DownloadManager(
        client.fetch_one, options, on_progress=on_progress, record=record, lookup=lookup,
        actions=actions, sleep=sleep,
    ) as manager:  # fmt: skip
        report.outcomes = await manager.run(tasks, fetched_at=fetched_at)
