"""The download service: the download manager with its options, as every
front end uses it.

:func:`options_from_settings` turns the settings (and a command's overrides)
into :class:`~suno_tui.downloads.DownloadOptions`; a bad value is a
:class:`~suno_tui.config.ConfigError`. :class:`DownloadService` builds the
manager on the first download, sends each task's progress and the
manager's :class:`~suno_tui.downloads.TaskOutcome` of each run to a
listener, and remembers what is on disk (the completion hook gets the paths; ``D`` skips
tasks already complete).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from suno_tui.config import ConfigError, Settings
from suno_tui.downloads.assets import ACT_KINDS, check_assets
from suno_tui.downloads.events import (
    DownloadProgress,
    EndedCallback,
    FileState,
    ProgressCallback,
    RecordCallback,
    TaskOutcome,
)
from suno_tui.downloads.naming import TemplateError, check_template
from suno_tui.downloads.options import DownloadOptions, FetchTask, LookupCallback
from suno_tui.downloads.transfer.writer_config import WriterConfig
from suno_tui.engine.clients import tls_verify
from suno_tui.engine.offer_memory import OfferMemory, RememberingActions
from suno_tui.engine.ports import ClientsLike, TrackerLike
from suno_tui.relay.models import Task
from suno_tui.tracking.model import TaskSummary
from suno_tui.tracking.wanted import wants_download

if TYPE_CHECKING:
    from suno_tui.downloads.act_files import ActionsFor
    from suno_tui.downloads.manager import DownloadManager

__all__ = [
    "DownloadService",
    "Downloader",
    "DownloaderFactory",
    "options_from_settings",
]

Sleep = Callable[[float], Awaitable[None]]


def options_from_settings(
    settings: Settings,
    *,
    assets: str | None = None,
    template: str | None = None,
    concurrency: int | None = None,
    download_dir: str | None = None,
    no_tags: bool = False,
    artist: str | None = None,
    wav: bool = False,
    lrc: bool = False,
) -> DownloadOptions:
    """Download options from the settings, with overrides given as the
    ``download`` command's flags give them; ConfigError if a value is invalid.
    The monitor and ``watch --download`` call it with the settings alone.
    The WAV and the timed lyrics (asked of the gateway, maybe billed) are
    added when the config's ``wav`` / ``lrc`` or the flags ask for them."""
    chosen = settings.assets
    if assets is not None:
        try:
            chosen = check_assets(assets.split(","))
        except ValueError as error:
            raise ConfigError(f"--assets: {error}") from None
        if asked := [kind for kind in chosen if kind in ACT_KINDS]:
            raise ConfigError(f"--assets: use --{asked[0]} for {asked[0]}")
    chosen += tuple(kind for kind, on in (("wav", wav or settings.wav),
                                          ("lrc", lrc or settings.lrc)) if on)  # fmt: skip
    template = template if template is not None else settings.name_template
    try:
        check_template(template)
    except TemplateError as error:
        raise ConfigError(f"--template: {error}") from None
    if concurrency is None:  # 0 is refused below, not taken as "not given"
        concurrency = settings.download_concurrency
    if not 1 <= concurrency <= 16:
        raise ConfigError("--concurrency must be between 1 and 16")
    directory = Path(download_dir) if download_dir else settings.download_dir
    return DownloadOptions(
        directory=directory.expanduser(),
        assets=chosen,
        template=template,
        tag_mp3=settings.tag_mp3 and not no_tags,
        artist=artist or settings.artist,
        concurrency=concurrency,
        timeout=settings.request_timeout,
        verify=tls_verify(settings),
        writer=WriterConfig(
            min_speed=settings.download_min_speed,
            min_speed_time=settings.download_min_speed_time,
        ),
    )


# -- the service -------------------------------------------------------------------


class Downloader(Protocol):
    """What the service needs of the domain's DownloadManager (tests fake it)."""

    def submit(self, task: str) -> bool: ...
    async def download(self, task: str) -> TaskOutcome: ...
    def cancel(self, task_id: str | None = None) -> None: ...
    @property
    def busy(self) -> bool: ...
    async def aclose(self) -> None: ...


#: builds the manager with the service's progress and end-of-run callbacks
DownloaderFactory = Callable[[ProgressCallback, EndedCallback], Downloader]
#: one_clip(kinds, clip_id): the factory of a manager for those files of one clip
OneClipFactory = Callable[[tuple[str, ...], str], DownloaderFactory]


def manager_factory(
    options: DownloadOptions,
    fetch: FetchTask,
    record: RecordCallback | None,
    lookup: LookupCallback | None,
    actions: ActionsFor | None = None,
    sleep: Sleep = asyncio.sleep,
) -> DownloaderFactory:
    """The real manager: each task fetched afresh with ``fetch``, each saved
    file given to ``record`` (built by ``downloads.store_callbacks``), a
    task's WAV and timed lyrics asked of ``actions(task_id)``."""

    def build(on_progress: ProgressCallback, on_ended: EndedCallback) -> DownloadManager:
        # the transfer, httpx's sync client and the threads load with the first download
        from suno_tui.downloads.manager import DownloadManager

        return DownloadManager(fetch, options, on_progress=on_progress, on_ended=on_ended,
                               record=record, lookup=lookup, actions=actions,
                               sleep=sleep)  # fmt: skip

    return build


@dataclass
class _Listeners:
    """Where a download run's progress and ends go."""

    progress: ProgressCallback
    ended: EndedCallback


def _ignore(*_: object) -> None:
    return None


class DownloadService:
    """The download manager (built on first use), its progress, and each
    run's outcome as the manager tallied it."""

    def __init__(
        self,
        factory: DownloaderFactory,
        directory: Path,
        assets: Sequence[str],
        lookup: LookupCallback | None = None,
        *,
        one_clip: OneClipFactory | None = None,
        record: RecordCallback | None = None,
    ) -> None:
        self._factory = factory
        #: a manager for some files of one clip (``W``, ``L``); None: not here
        self._one_clip = one_clip
        self._record = record
        self._clip_runs: dict[tuple[str, str, tuple[str, ...]], asyncio.Future[TaskOutcome]] = {}
        #: the state's record of a clip's saved file (None: no records kept)
        self._lookup = lookup
        self.directory = directory
        self.assets = tuple(assets)
        self._manager: Downloader | None = None
        self._listeners = _Listeners(_ignore, _ignore)
        #: done paths per task, across runs (for the completion hook)
        self._paths: dict[str, list[str]] = {}
        #: tasks whose last run left everything on disk
        self.complete: set[str] = set()
        #: what the gateways do not offer (WAV, timed lyrics), as downloads found out
        self.offers = OfferMemory(None)

    @classmethod
    def from_options(
        cls,
        options: DownloadOptions,
        fetch: FetchTask,
        record: RecordCallback | None = None,
        lookup: LookupCallback | None = None,
        actions: ActionsFor | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> DownloadService:
        directory = options.directory.expanduser().resolve()
        factory = manager_factory(options, fetch, record, lookup, actions, sleep)

        def one_clip(kinds: tuple[str, ...], clip_id: str) -> DownloaderFactory:
            only = replace(options, assets=kinds, clips=(clip_id,))
            return manager_factory(only, fetch, record, lookup, actions, sleep)

        return cls(factory, directory, options.assets, lookup, one_clip=one_clip, record=record)

    @classmethod
    def for_profiles(
        cls,
        options: DownloadOptions,
        pool: ClientsLike,
        tracker: TrackerLike,
        *,
        default_profile: str,
        record: RecordCallback | None = None,
        lookup: LookupCallback | None = None,
        sleep: Sleep = asyncio.sleep,
        memory: OfferMemory | None = None,
    ) -> DownloadService:
        """Each task's fresh links (and its WAV and timed lyrics) asked of its
        own profile's gateway; ``sleep`` between asks for a WAV being made;
        what a gateway does not offer kept in ``memory`` (engine/offer_memory.py)."""
        offers = memory if memory is not None else OfferMemory(None)

        async def client_of(task_id: str) -> Any:
            summary = tracker.get(task_id)
            return await pool.client(summary.profile if summary is not None else default_profile)

        async def fetch(task_id: str) -> Task:
            task: Task = await (await client_of(task_id)).fetch_one(task_id)
            return task

        async def actions(task_id: str) -> RememberingActions:
            from suno_tui.relay.clip_actions import ClipActions  # with the first download

            client = await client_of(task_id)
            return offers.actions(ClipActions(client), str(client.base_url))

        service = cls.from_options(options, fetch, record, lookup, actions, sleep)
        service.offers = offers
        return service

    def worth(
        self, summaries: Iterable[TaskSummary], problem: Callable[[str], str | None]
    ) -> list[str]:
        """Of ``summaries``, the finished tasks with files not on disk yet whose
        profile has no ``problem`` (the tasks a run left complete are skipped)."""
        return [
            summary.task_id
            for summary in summaries
            if wants_download(summary, self.assets)
            and summary.task_id not in self.complete
            and not problem(summary.profile)
        ]

    def listen(self, *, progress: ProgressCallback, ended: EndedCallback) -> None:
        """Where progress and each run's end go (the engine)."""
        self._listeners = _Listeners(progress, ended)

    @property
    def busy(self) -> bool:
        return bool(self._clip_runs) or (self._manager is not None and self._manager.busy)

    def _ensure_manager(self) -> Downloader:
        if self._manager is None:
            self._manager = self._factory(self._progress, self._ended)
        return self._manager

    def start(self, task_ids: Iterable[str]) -> list[str]:
        """Queue tasks (those already queued are left as they are); returns the new ones."""
        manager = self._ensure_manager()
        return [task_id for task_id in task_ids if manager.submit(task_id)]

    async def download(self, task_id: str) -> TaskOutcome:
        """Download one task now and wait for it (``watch --download``)."""
        return await self._ensure_manager().download(task_id)

    def cancel(self, task_id: str | None = None) -> None:
        if self._manager is not None:
            self._manager.cancel(task_id)
        for (owner, _, _), run in list(self._clip_runs.items()):
            if task_id is None or owner == task_id:
                run.cancel()

    async def aclose(self) -> None:
        """Cancel what runs (.part files stay for resume) and close the connections."""
        if self._manager is not None:
            await self._manager.aclose()
        runs = list(self._clip_runs.values())
        for run in runs:
            run.cancel()
        await asyncio.gather(*runs, return_exceptions=True)

    # -- some files of one clip (the monitor's W and L) ------------------------------

    def start_clip(
        self, task_id: str, clip_id: str, kinds: tuple[str, ...]
    ) -> asyncio.Future[TaskOutcome] | None:
        """``kinds`` of one clip (its WAV, its timed lyrics) in a run of their
        own, named and recorded as any download, its progress and end sent
        like the others'; None when the same run is on already, or this
        service cannot make one."""
        key = (task_id, clip_id, kinds)
        if self._one_clip is None or key in self._clip_runs:
            return None
        manager = self._one_clip(kinds, clip_id)(self._progress, self._clip_ended)

        async def run() -> TaskOutcome:
            try:
                return await manager.download(task_id)
            finally:
                await manager.aclose()
                self._clip_runs.pop(key, None)

        future = asyncio.ensure_future(run())
        self._clip_runs[key] = future
        return future

    def record_file(self, task_id: str, clip_id: str, asset: str, path: Path, size: int,
                    sha: str) -> None:  # fmt: skip
        """Record a file changed in place (an mp3 given its timed lyrics)."""
        if self._record is not None:
            self._record(task_id, clip_id, asset, path, size, sha)

    def _clip_ended(self, outcome: TaskOutcome) -> None:
        """A clip's own run ended: its paths kept, the task's completeness not
        touched (it was about some of its files), the outcome passed on."""
        done = [str(e.path) for e in outcome.files if e.state is FileState.DONE and e.path]
        self.remember_paths(outcome.task_id, done)
        self._listeners.ended(outcome)

    def paths_for(self, task_id: str) -> list[str]:
        return list(self._paths.get(task_id, ()))

    def saved_file(self, task_id: str, clip_id: str, asset: str = "audio") -> Path | None:
        """The file the state recorded for one clip's asset, if it is still
        there at its recorded size (no hashing: this answers a key press)."""
        from suno_tui.downloads.existing import still_there  # a key press, not start-up

        known = self._lookup(task_id, clip_id, asset) if self._lookup is not None else None
        return known.path if known is not None and still_there(known) else None

    def remember_paths(self, task_id: str, paths: Iterable[str]) -> None:
        known = self._paths.setdefault(task_id, [])
        known.extend(path for path in paths if path not in known)

    def _progress(self, event: DownloadProgress) -> None:
        self._listeners.progress(event)

    def _ended(self, outcome: TaskOutcome) -> None:
        """A run ended: remember what is on disk, then pass the outcome on."""
        done = [str(e.path) for e in outcome.files if e.state is FileState.DONE and e.path]
        self.remember_paths(outcome.task_id, done)
        if outcome.complete:
            self.complete.add(outcome.task_id)
        else:
            self.complete.discard(outcome.task_id)
        self._listeners.ended(outcome)


def outcome_problems(outcome: TaskOutcome) -> tuple[list[str], list[str]]:
    """(paths on disk, problems) of one task's run, as ``watch`` prints them."""
    problems = [outcome.error] if outcome.error else []
    problems += [f"{event.path or event.asset}: {event.message}" for event in outcome.failed]
    paths = [str(e.path) for e in outcome.files if e.state is FileState.DONE and e.path]
    return paths, problems
