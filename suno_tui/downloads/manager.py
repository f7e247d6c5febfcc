"""The download manager: a queue of tasks, bounded concurrency, progress events.

``submit(task)`` returns at once; the task waits for one of ``concurrency``
task slots, is fetched again from the gateway (fresh, time-limited links),
planned (which files, which names), and its files are downloaded with at most
``concurrency`` transfers at a time across the whole manager. Per clip the
cover image comes first so it can be embedded in the mp3. A 403/410 fetches
the task once more and retries with the new link before giving up.

Progress goes to ``on_progress`` (called on the event loop; cheap work only,
e.g. post a message), each task's outcome to ``on_ended`` when its run ends,
finished files to ``record`` (the store). Nothing here imports Textual or
the store.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from suno_tui.downloads.act_files import ACT_KINDS, ActFiles, ActionsFor, ActSkip, Sleep
from suno_tui.downloads.assets import Asset, Skip, plan_task
from suno_tui.downloads.clip_files import (
    fresh_url,
    name_fields,
    relay_error_kind,
    same_size,
    tagger_for,
)
from suno_tui.downloads.connection import file_client
from suno_tui.downloads.errors import DownloadError, LinkRefused, StorageError
from suno_tui.downloads.events import (
    DownloadProgress,
    EndedCallback,
    FileState,
    ProgressCallback,
    RecordCallback,
    TaskOutcome,
)
from suno_tui.downloads.existing import (
    Claims,
    Owner,
    matches_record,
    place,
    where_asked,
)
from suno_tui.downloads.files import copy_file, ensure_folder
from suno_tui.downloads.naming import (
    TemplateError,
    UnsafePath,
    file_name,
)
from suno_tui.downloads.options import DownloadOptions, FetchTask, LookupCallback
from suno_tui.downloads.reporting import ProgressEvents
from suno_tui.downloads.runs import SpeedMeter, TaskRun
from suno_tui.downloads.transfer.writer import (
    Written,
    download,
    write_atomic,
)
from suno_tui.relay.errors import RelayError, TaskNotFound
from suno_tui.relay.models import Task
from suno_tui.safe_text import clean_line

if TYPE_CHECKING:
    import httpx

__all__ = ["DownloadManager", "DownloadOptions", "FetchTask", "LookupCallback"]

#: what may be at the wanted name when an earlier download is copied there
_REPLACEABLE = frozenset({Owner.ABSENT, Owner.OURS})


class DownloadManager(ProgressEvents):
    """Use as ``async with DownloadManager(client.fetch_one, options) as manager``."""

    def __init__(
        self,
        fetch_task: FetchTask,
        options: DownloadOptions,
        *,
        on_progress: ProgressCallback | None = None,
        on_ended: EndedCallback | None = None,
        record: RecordCallback | None = None,
        lookup: LookupCallback | None = None,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.monotonic,
        actions: ActionsFor | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.options = options
        self._fetch_task = fetch_task
        self._on_progress = on_progress
        self._on_ended = on_ended
        self._record = record
        self._lookup = lookup
        self._clock = clock
        self._acts = ActFiles(actions, sleep)  # WAV and timed lyrics, asked of the gateway
        self._http = http
        self._own_http = http is None
        self._task_slots = asyncio.Semaphore(options.concurrency)
        self._file_slots = asyncio.Semaphore(options.concurrency)
        self._claims = Claims()
        self._runs: dict[str, asyncio.Task[TaskOutcome]] = {}
        self._outcomes: dict[str, TaskOutcome] = {}
        self._latest: dict[tuple[str, str, str], DownloadProgress] = {}
        self._directory: Path | None = None

    # -- life cycle ----------------------------------------------------------------

    async def __aenter__(self) -> DownloadManager:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Cancel what is running (the .part files stay) and close the HTTP client."""
        self.cancel()
        await asyncio.gather(*self._runs.values(), return_exceptions=True)
        if self._http is not None and self._own_http:
            self._http.close()
            self._http = None

    def _client(self) -> httpx.Client:
        """The HTTP client for files (synchronous: transfers run in worker threads)."""
        if self._http is None:
            options = self.options
            self._http = file_client(options.timeout, options.verify, options.concurrency)
        return self._http

    # -- public API ------------------------------------------------------------------

    def submit(self, task: Task | str, *, fetched_at: float | None = None) -> bool:
        """Queue a task (a Task snapshot or an id); False if it is already queued.

        A Task fetched less than ``link_max_age`` seconds ago (``fetched_at``
        from ``time.monotonic()``) is used as it is; otherwise, and for a bare
        id, the task is fetched again right before its downloads start.
        """
        task_id = task if isinstance(task, str) else task.task_id
        running = self._runs.get(task_id)
        if running is not None and not running.done():
            return False
        snapshot = None if isinstance(task, str) else task
        run = TaskRun(task_id, snapshot, fetched_at, TaskOutcome(task_id))
        self._emit_task(run, FileState.QUEUED, "waiting for a download slot")
        self._runs[task_id] = asyncio.ensure_future(self._run(run))
        return True

    async def download(self, task: Task | str, *, fetched_at: float | None = None) -> TaskOutcome:
        """Submit one task (or join its run in progress) and wait for it alone."""
        task_id = task if isinstance(task, str) else task.task_id
        self.submit(task, fetched_at=fetched_at)
        return await self._runs[task_id]

    async def join(self) -> dict[str, TaskOutcome]:
        """Wait for every submitted task; their outcomes by task id."""
        while True:
            pending = [run for run in self._runs.values() if not run.done()]
            if not pending:
                break
            await asyncio.gather(*pending, return_exceptions=True)
        return dict(self._outcomes)

    async def run(
        self, tasks: Iterable[Task | str], *, fetched_at: float | None = None
    ) -> dict[str, TaskOutcome]:
        """Submit ``tasks`` and wait for all of them."""
        for task in tasks:
            self.submit(task, fetched_at=fetched_at)
        return await self.join()

    def cancel(self, task_id: str | None = None) -> None:
        """Stop one task's downloads, or all; partial files stay for resume."""
        for key, run in self._runs.items():
            if task_id is None or key == task_id:
                run.cancel()

    @property
    def busy(self) -> bool:
        """Are downloads queued or running? (The monitor asks before quitting.)"""
        return any(not run.done() for run in self._runs.values())

    def active(self) -> list[DownloadProgress]:
        """The latest event of every file that is queued or running."""
        return list(self._latest.values())

    # -- one task ----------------------------------------------------------------------

    async def _run(self, run: TaskRun) -> TaskOutcome:
        try:
            async with self._task_slots:
                await self._process(run)
        except asyncio.CancelledError:
            if not run.outcome.error:
                run.outcome.error, run.outcome.error_kind = "cancelled", "cancelled"
            self._emit_task(run, FileState.CANCELLED, "cancelled; partial files kept for resume")
            self._ended(run.outcome)
            raise
        self._ended(run.outcome)
        return run.outcome

    async def _process(self, run: TaskRun) -> None:
        task = await self._fresh_task(run)
        if task is None:
            return
        try:
            directory = self._ensure_directory()
        except StorageError as error:
            self._fail_task(run, str(error), "storage")
            return
        assets, skips = plan_task(task, self.options.assets, self.options.clips)
        for skip in skips:
            self._emit_skip(run, skip)
        by_clip: dict[str, list[Asset]] = {}
        for asset in assets:
            by_clip.setdefault(asset.clip_id, []).append(asset)
        self._emit_task(run, FileState.RUNNING, f"{len(assets)} file(s) to fetch or check")
        # A TaskGroup (unlike gather) waits for every file when cancelled, so a
        # file that is finishing its rename is not abandoned half-way.
        async with asyncio.TaskGroup() as group:
            for clip_assets in by_clip.values():
                group.create_task(self._clip(run, directory, clip_assets))
        done = run.outcome.count(FileState.DONE)
        failed = run.outcome.count(FileState.FAILED)
        skipped = run.outcome.count(FileState.SKIPPED)
        state = FileState.FAILED if failed else FileState.DONE if done else FileState.SKIPPED
        self._emit_task(run, state, f"{done} done, {skipped} skipped, {failed} failed")

    async def _fresh_task(self, run: TaskRun) -> Task | None:
        if run.task is not None and run.links_fresh(self._clock(), self.options.link_max_age):
            return run.task
        self._emit_task(run, FileState.RUNNING, "fetching fresh links")
        try:
            return await run.fetch(self._fetch_task, self._clock)
        except TaskNotFound:
            self._fail_task(run, "task not found on the gateway", "not-found")
        except RelayError as error:
            self._fail_task(run, str(error), relay_error_kind(error))
        return None

    def _ensure_directory(self) -> Path:
        if self._directory is None:
            self._directory = ensure_folder(self.options.directory)
        return self._directory

    # -- one clip, one file -----------------------------------------------------------

    async def _clip(self, run: TaskRun, directory: Path, assets: list[Asset]) -> None:
        # Local files first (instant), then the cover, then audio and video together.
        first = [a for a in assets if not a.remote or a.kind == "image"]
        rest = [a for a in assets if a.remote and a.kind != "image"]
        for asset in first:
            await self._file(run, directory, asset)
        async with asyncio.TaskGroup() as group:
            for asset in rest:
                group.create_task(self._file(run, directory, asset))

    async def _file(self, run: TaskRun, directory: Path, asset: Asset) -> None:
        path: Path | None = None
        try:
            path, owner, copy, source = await self._place(directory, asset)
            if owner is Owner.SAME:
                await self._present(run, asset, path)
                return
            if source is None and asset.kind in ACT_KINDS:
                asset = await self._acts.prepare(run, asset, self.options.artist)
            self._emit(run, asset, path, FileState.QUEUED)
            if source is not None:  # downloaded before, elsewhere: copy it here
                written = await asyncio.to_thread(copy_file, source, path)
                self._finish(run, asset, written, note=f"copied from {clean_line(str(source))}")
                return
            if not asset.remote:
                assert asset.content is not None
                written = await asyncio.to_thread(write_atomic, path, asset.content)
                self._finish(run, asset, written)
                return
            async with self._file_slots:
                await self._remote(run, directory, asset, path, owner, copy)
        except asyncio.CancelledError:
            self._emit(run, asset, path, FileState.CANCELLED, "cancelled; .part kept for resume")
            raise
        except ActSkip as skip:
            self._emit_skip(run, Skip(run.task_id, asset.clip_id, asset.kind, skip.reason,
                                      skip.category))  # fmt: skip
        except (DownloadError, TemplateError, UnsafePath) as error:
            kind = error.kind if isinstance(error, DownloadError) else "naming"
            self._emit(run, asset, path, FileState.FAILED, clean_line(str(error)), error_kind=kind)
        except Exception as error:  # a bug must not take the other downloads down
            message = f"unexpected {type(error).__name__}: {clean_line(str(error))}"
            self._emit(run, asset, path, FileState.FAILED, message, error_kind="error")

    async def _place(self, directory: Path, asset: Asset) -> tuple[Path, Owner, int, Path | None]:
        """Where the file goes, what is there now, its copy number, and a
        complete earlier download of it elsewhere (another folder or
        template) to copy from, if the store knows one."""
        name = file_name(self.options.template, name_fields(asset))
        known = self._lookup(asset.task_id, asset.clip_id, asset.kind) if self._lookup else None
        if known is not None and not await asyncio.to_thread(matches_record, known):
            known = None
        if known is not None and where_asked(known.path, directory, name):
            self._claims.take(known.path, asset)
            return known.path, Owner.SAME, 1, None
        path, owner, copy = await place(
            self._claims, directory, name, asset, named_by_clip=self._named_by_clip
        )
        source = known.path if known is not None and owner in _REPLACEABLE else None
        return path, owner, copy, source

    @property
    def _named_by_clip(self) -> bool:
        return "{clip_id" in self.options.template

    async def _remote(
        self, run: TaskRun, directory: Path, asset: Asset, path: Path, owner: Owner, copy: int
    ) -> None:
        # The task may have been fetched again (after a 403) since it was planned.
        generation = run.generation
        url = (fresh_url(run.task, asset) if run.task is not None else "") or asset.url
        refreshed = False
        while True:
            self._emit(run, asset, path, FileState.RUNNING, "connecting")
            try:
                if owner is Owner.UNKNOWN:
                    # A file with this name exists: the same one, if the sizes agree.
                    if await same_size(self._client(), url, path, self.options.writer):
                        await self._present(run, asset, path)
                        return
                    if not self._named_by_clip:
                        # Another clip's file (or the user's): take the next free name.
                        self._claims.release(path)
                        name = file_name(self.options.template, name_fields(asset))
                        path, owner, copy = await place(
                            self._claims, directory, name, asset, named_by_clip=False,
                            start=copy + 1,
                        )  # fmt: skip
                        if owner is Owner.SAME:
                            await self._present(run, asset, path)
                            return
                        continue
                    owner = Owner.OURS
                written, note = await self._transfer(run, asset, path, url)
            except LinkRefused as error:
                if refreshed:
                    raise LinkRefused(
                        f"{error} (again after fetching a fresh link)", status=error.status
                    ) from None
                refreshed = True
                self._emit(run, asset, path, FileState.RUNNING, "link refused; fetching it again")
                if asset.kind in ACT_KINDS:  # a WAV's new link is asked of the gateway
                    url = (await self._acts.prepare(run, asset)).url
                else:
                    fresh = await run.refetch(self._fetch_task, self._clock, generation)
                    generation = run.generation
                    url = fresh_url(fresh, asset) if fresh is not None else ""
                if not url:
                    raise LinkRefused(
                        f"{error}; the task, fetched again, offers no link", status=error.status
                    ) from None
                continue
            self._finish(run, asset, written, note=note)
            return

    async def _transfer(
        self, run: TaskRun, asset: Asset, path: Path, url: str
    ) -> tuple[Written, str]:
        meter = SpeedMeter(self._clock, 0)
        started: list[int] = []

        def progress(received: int, total: int | None) -> None:
            if not started:
                started.append(received)
            if meter.due() or (total is not None and received >= total):
                speed = meter.speed(received - started[0])
                self._emit(run, asset, path, FileState.RUNNING, received=received, total=total,
                           speed=speed)  # fmt: skip

        options = self.options
        tagger = None
        if asset.kind == "audio" and options.tag_mp3:
            timed = await self._acts.lines_for_tags(run, asset, "lrc" in options.assets)
            cover = run.covers.get(asset.clip_id)
            tagger = tagger_for(run.task, asset, options.artist, cover, timed)
        written = await download(
            self._client(),
            url,
            path,
            asset.kind,
            on_progress=progress,
            before_commit=tagger,
            config=self.options.writer,
            render_tag=tagger.front if tagger is not None else None,
        )
        return written, tagger.note if tagger is not None else ""
