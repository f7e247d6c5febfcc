"""The engine: the watch list, polling, downloads, hooks and submitting, as
one object both front ends drive.

It owns the tracker (and its store), the client pool, the poller and the
download service; a front end subscribes to its events
(:mod:`suno_tui.engine.events`) and sends it commands (poll now, pause,
interval, add, remove, download, submit). Everything runs on the caller's
event loop; nothing here knows Textual or argparse.

:meth:`Engine.open` builds it from the settings; the constructor takes the
parts, so tests drive it with a fixed tracker and a scripted poller.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from suno_tui.downloads.events import DownloadProgress, FileState, TaskOutcome
from suno_tui.engine.account_feed import AccountFeed, DiscoveryRequest
from suno_tui.engine.downloads import DownloadService, outcome_problems
from suno_tui.engine.events import (
    DownloadEnded,
    DownloadProgressed,
    EngineEvent,
    PollingStopped,
    ProfilesChanged,
    RoundEnded,
    RowsChanged,
    StatusChanged,
    TaskFinished,
)
from suno_tui.engine.hooks import FinishHook
from suno_tui.engine.ports import (
    ClientsLike,
    PollerFactory,
    PollerLike,
    PollStatusLike,
    TrackerLike,
    UpdateLike,
)
from suno_tui.relay.balance import Balance
from suno_tui.relay.export import not_found_json, task_to_json
from suno_tui.relay.fetch_result import FetchResult
from suno_tui.relay.models import Task
from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import DEFAULT_PROFILE, NOT_FOUND, TaskSummary, Transition
from suno_tui.tracking.wanted import download_problem, wants_download

if TYPE_CHECKING:  # a job is sent long after the first frame
    from suno_tui.relay.submit_requests import LyricsRequest, MusicRequest

Listener = Callable[[EngineEvent], None]

#: the steps the poll interval moves through (seconds)
INTERVAL_STEPS = (2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)


def next_interval(current: float, direction: int) -> float:
    """The next step up (``direction`` 1) or down (-1) from ``current``."""
    if direction > 0:
        return next((step for step in INTERVAL_STEPS if step > current + 1e-9), current)
    return next((step for step in reversed(INTERVAL_STEPS) if step < current - 1e-9), current)


def news(finished: Iterable[TaskSummary], transitions: Iterable[Transition]) -> list[TaskSummary]:
    """The finished tasks worth telling: not those first seen already finished."""
    first_seen = {t.task_id for t in transitions if t.from_label is None}
    return [summary for summary in finished if summary.task_id not in first_seen]


class Engine:
    """The watch list and everything that acts on it."""

    def __init__(
        self,
        tracker: TrackerLike,
        *,
        profile: str = DEFAULT_PROFILE,
        clients: ClientsLike | None = None,
        poller_factory: PollerFactory | None = None,
        downloads: DownloadService | None = None,
        on_finish: str | None = None,
        polling_off: str = "",
        finish_every: bool = False,
        auto_download: bool = False,
        on_close: Callable[[], Awaitable[None]] | None = None,
        account: AccountFeed | None = None,
    ) -> None:
        self._tracker = tracker
        self.profile = profile
        self.clients = clients
        self._poller_factory = poller_factory
        self._poller: PollerLike | None = None
        self._status: PollStatusLike | None = None
        self.downloads = downloads
        self._hook = FinishHook(on_finish) if on_finish else None
        #: why polling is off (no token, a crash); "" while it may run
        self.polling_off = polling_off
        #: every finished task is handled (``watch``), not only the news (the monitor)
        self._finish_every = finish_every
        self._auto_download = auto_download
        self._on_close = on_close
        self._listeners: list[Listener] = []
        #: profiles the poller has a client for (others are wired when first used)
        self._wired: set[str] = set(clients.prepared()) if clients is not None else set()
        self._reported: set[str] = set()
        self._background: set[asyncio.Future[Any]] = set()
        self._polling: asyncio.Task[None] | None = None
        #: account discovery and the key's balance (None: not wired, e.g. ``watch``)
        self.account = account
        self._account_loop: asyncio.Future[None] | None = None
        if downloads is not None:
            downloads.listen(progress=self._download_progressed, ended=self._download_ended)

    # -- events ---------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _emit(self, event: EngineEvent) -> None:
        for listener in list(self._listeners):
            listener(event)

    # -- reading --------------------------------------------------------------

    def load(self) -> list[TaskSummary]:
        """The saved watch list (the first frame: no network)."""
        return self._tracker.load()

    def load_first(self, newest: int) -> list[TaskSummary]:
        """The first screen of a long history: every unfinished task and the
        ``newest`` finished ones; the rest comes through :meth:`load_rest`."""
        return self._tracker.load_first(newest)

    def load_rest(self, page_rows: int = 2000) -> Iterator[list[TaskSummary]]:
        """What :meth:`load_first` left out, a page at a time."""
        yield from self._tracker.load_rest(page_rows)

    @property
    def unloaded(self) -> int:
        """Saved tasks not in memory yet (0 once the load is complete)."""
        return self._tracker.unloaded

    def summaries(self) -> Mapping[str, TaskSummary]:
        return self._tracker.summaries()

    def get(self, task_id: str) -> TaskSummary | None:
        return self._tracker.get(task_id)

    def task(self, task_id: str) -> Task | None:
        return self._tracker.task(task_id)

    def transitions(self, task_id: str) -> list[Transition]:
        return self._tracker.transitions(task_id)

    def events(self, limit: int) -> list[Transition]:
        return self._tracker.events(limit)

    def unfinished(self) -> int:
        return sum(1 for s in self._tracker.summaries().values() if not s.finished)

    @property
    def status(self) -> PollStatusLike | None:
        """The poller's latest status (None while polling is off)."""
        return self._status

    @property
    def polling(self) -> bool:
        return self._poller is not None

    def profiles(self) -> list[str]:
        return self.clients.profiles() if self.clients is not None else [self.profile]

    def profile_problem(self, profile: str) -> str | None:
        """Why tasks of ``profile`` cannot be polled or downloaded (None: fine)."""
        return self.clients.problem(profile) if self.clients is not None else None

    def profile_problems(self) -> dict[str, tuple[int, str]]:
        """Unfinished tasks whose profile has no client: {profile: (count, why)}."""
        if self.clients is None:
            return {}
        counts: dict[str, int] = {}
        for summary in self._tracker.summaries().values():
            if not summary.finished:
                counts[summary.profile] = counts.get(summary.profile, 0) + 1
        problems: dict[str, tuple[int, str]] = {}
        for profile, count in counts.items():
            why = self.clients.problem(profile)
            if why:
                problems[profile] = (count, why)
        return problems

    # -- running --------------------------------------------------------------

    def prepare_polling(self) -> None:
        """Make the poller without running it: its status (the interval, not
        polled yet) can be shown before :meth:`start`."""
        self._start_poller()

    def start(self) -> None:
        """Start polling, and account mode if wired, in the background (on the
        running event loop). The prepared profiles' clients are built here
        (httpx loads now: the monitor starts the engine after its first frame)."""
        self._start_poller()
        if self._poller is not None and self._polling is None:
            self._connect_prepared(self._poller)
            self._polling = asyncio.ensure_future(self.run_polling(raise_errors=False))
        if self.account is not None and self._account_loop is None:
            self._account_loop = asyncio.ensure_future(
                self.account.run(self._discovered, self._emit)
            )

    def _start_poller(self) -> bool:
        if self._poller_factory is None or self._poller is not None:
            return False
        self._poller = self._poller_factory(self._on_update, self._on_status)
        self._status = self._poller.status
        return True

    def _connect_prepared(self, poller: PollerLike) -> None:
        """Give the poller the clients of the profiles prepared at open."""
        if self.clients is None:
            return
        given = set(self.clients.ready())
        for profile, client in self.clients.build_prepared().items():
            if profile not in given:
                poller.set_client(profile, client)

    async def run_polling(self, *, raise_errors: bool = True) -> None:
        """Poll until :meth:`stop`; an internal error ends polling with a
        PollingStopped event (and is raised again if ``raise_errors``)."""
        if self._poller is None and not self._start_poller():
            return
        poller = self._poller
        assert poller is not None
        try:
            await poller.run()
        except Exception as error:
            message = clean_line(f"{type(error).__name__}: {error}")
            self.polling_off = f"polling crashed: {message}"
            self._poller = None
            self._status = None
            self._emit(PollingStopped(message))
            if raise_errors:
                raise

    def stop(self) -> None:
        """Stop polling and cancel downloads (.part files stay): quitting."""
        if self._poller is not None:
            self._poller.stop()
        if self.account is not None:
            self.account.stop()
        if self.downloads is not None:
            self.downloads.cancel()

    def stop_polling(self) -> None:
        if self._poller is not None:
            self._poller.stop()

    async def finishing(self) -> None:
        """Wait for the finished tasks being handled (downloads, hooks)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    async def aclose(self) -> None:
        """Stop everything (a round or a hook in flight is cancelled, not
        awaited: quitting never waits for a slow gateway) and close what the
        engine opened."""
        self.stop_polling()
        if self.account is not None:
            self.account.stop()
        loops = (self._polling, self._account_loop, *self._background)
        pending = [task for task in loops if task is not None]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self.downloads is not None:
            await self.downloads.aclose()
        if self.clients is not None:
            await self.clients.aclose()
        if self._on_close is not None:
            await self._on_close()

    # -- commands: polling ----------------------------------------------------

    def poll_now(self) -> bool:
        """A round as soon as allowed (resuming a pause or an auth stop); False if off."""
        if self._poller is None:
            return False
        status = self._poller.status
        if status.auth_failed or status.paused:
            self._poller.resume()
        self._poller.poll_now()
        return True

    def toggle_pause(self) -> bool | None:
        """Pause, or resume; the new paused state (None: polling is off)."""
        if self._poller is None:
            return None
        status = self._poller.status
        if status.paused or status.auth_failed:
            self._poller.resume()
        else:
            self._poller.pause()
        self._status = self._poller.status
        return self._status.paused

    def step_interval(self, direction: int) -> float | None:
        """Move the interval one step; the new interval (None: polling is off)."""
        if self._poller is None:
            return None
        self._poller.set_interval(next_interval(self._poller.status.interval, direction))
        self._status = self._poller.status
        return self._status.interval

    # -- commands: the watch list ---------------------------------------------

    def add(self, ids: Iterable[str], profile: str | None = None) -> list[TaskSummary]:
        """Watch ``ids`` under ``profile`` (the selected one by default); returns
        the new rows. ValueError for an id that cannot be one."""
        profile = profile or self.profile
        added = self._tracker.add(list(ids), profile)
        if added:
            if self.clients is not None and profile not in self._wired:
                self._background_task(self._wire(profile))
            elif self._poller is not None:
                self._poller.notify_added()
        return added

    def remove(self, task_id: str) -> None:
        """Stop watching a task: a round in flight does not bring it back."""
        self._tracker.remove(task_id)

    def retry(self, task_ids: Iterable[str]) -> list[TaskSummary]:
        """Poll tasks the gateway did not find once more (now); the rows that changed."""
        changed = self._tracker.retry(task_ids)
        if changed and self._poller is not None:
            self._poller.poll_now()
        return changed

    async def _wire(self, profile: str) -> None:
        """Give the poller a client for a profile first used now (built in a thread)."""
        assert self.clients is not None
        try:
            client = await self.clients.client(profile)
        except Exception:  # the pool keeps the reason: ProfilesChanged shows it
            self._emit(ProfilesChanged())
            return
        self._wired.add(profile)
        if self._poller is not None:
            self._poller.set_client(profile, client)
            self._poller.notify_added()
        self._emit(ProfilesChanged())

    # -- commands: account mode ------------------------------------------------

    def discover_now(self) -> DiscoveryRequest:
        """Look at the account's task list now (the monitor's ``A``); the
        result comes as a TasksDiscovered or DiscoveryFailed event."""
        if self.account is None:
            return DiscoveryRequest(False, "account mode is not available here")
        return self.account.request_discovery()

    @property
    def account_ready(self) -> bool:
        """Account discovery is set up for the selected profile (``A`` is offered)."""
        return self.account is not None and self.account.ready

    @property
    def balance(self) -> Balance | None:
        """What the selected profile's key has left, as last read (None: not known)."""
        return self.account.balance if self.account is not None else None

    async def _discovered(
        self, tasks: list[Task], profile: str
    ) -> tuple[tuple[TaskSummary, ...], tuple[Transition, ...]]:
        """Watch tasks found in the account's list and show them from the list's
        own data, merged by the tracker as a poll result would be (no fetch).
        Unfinished ones are polled from the next regular round on."""
        wanted = [task.task_id for task in reversed(tasks)]  # oldest first, as submitted
        try:
            added = self._tracker.add(wanted, profile)
        except ValueError:  # an id that cannot be one: skip it, keep the others
            added = []
            for task_id in wanted:
                try:
                    added.extend(self._tracker.add([task_id], profile))
                except ValueError:
                    continue
        ids = [summary.task_id for summary in added]
        if not ids:
            return (), ()
        by_id = {task.task_id: task for task in tasks}
        result = FetchResult(requested=ids, tasks={task_id: by_id[task_id] for task_id in ids})
        update = await self._tracker.apply_async(result, profile=profile)
        if self.clients is not None and profile not in self._wired:
            self._background_task(self._wire(profile))
        elif self._poller is not None:
            self._poller.notify_fresh()
        rows = tuple(s for task_id in ids if (s := self._tracker.get(task_id)) is not None)
        return rows, tuple(update.transitions)

    # -- commands: downloads and submitting -----------------------------------

    def download_problem(self, task_id: str) -> str | None:
        """Why ``d`` on ``task_id`` would download nothing (None: worth a try)."""
        summary = self._tracker.get(task_id)
        if summary is None:
            return "the task is not watched any more"
        return download_problem(summary) or self.profile_problem(summary.profile)

    def worth_downloading(self) -> list[str]:
        """For ``D``: the finished tasks with files not on disk yet, whose
        profile can fetch them (the tasks a run left complete are skipped)."""
        downloads = self.downloads
        if downloads is None:
            return []
        return [
            summary.task_id
            for summary in self._tracker.summaries().values()
            if wants_download(summary, downloads.assets)
            and summary.task_id not in downloads.complete
            and not self.profile_problem(summary.profile)
        ]

    def download(self, task_ids: Iterable[str]) -> list[str]:
        """Queue downloads; the tasks newly queued."""
        return self.downloads.start(task_ids) if self.downloads is not None else []

    def cancel_download(self, task_id: str | None = None) -> None:
        if self.downloads is not None:
            self.downloads.cancel(task_id)

    async def send_job(self, request: MusicRequest | LyricsRequest, profile: str) -> str:
        from suno_tui.relay.submit_requests import LyricsRequest

        """Submit a job to ``profile``'s gateway (never retried); its task id."""
        if self.clients is None:
            raise RuntimeError("submitting needs a gateway")
        client = await self.clients.client(profile)
        if isinstance(request, LyricsRequest):
            return str(await client.submit_lyrics(request.prompt))
        return str(await client.submit_music(request.payload()))

    # -- what the parts report ------------------------------------------------

    def _on_update(self, update: UpdateLike, status: PollStatusLike) -> None:
        self._status = status
        watched = self._tracker.summaries()
        # A task removed while the round was in flight stays removed.
        changed = tuple(s for s in update.changed if s.task_id in watched)
        finished = tuple(update.finished)
        transitions = tuple(update.transitions)
        told = tuple(news(finished, transitions))
        self._emit(RoundEnded(changed, transitions, finished, told, status))
        if finished and self.account is not None:
            self.account.task_finished()
        for summary in finished if self._finish_every else told:
            self.finish(summary)

    def _on_status(self, status: PollStatusLike) -> None:
        self._status = status
        self._emit(StatusChanged(status))

    def _download_progressed(self, event: DownloadProgress) -> None:
        if event.state is FileState.DONE and not event.is_task_event:
            # The file was recorded through the tracker (``store_callbacks``
            # in compose): the row's download count changed.
            summary = self._tracker.get(event.task_id)
            if summary is not None:
                self._emit(RowsChanged((summary,)))
        self._emit(DownloadProgressed(event))

    def _download_ended(self, outcome: TaskOutcome) -> None:
        self._emit(DownloadEnded(outcome))

    # -- finished tasks ---------------------------------------------------------

    def finish(self, summary: TaskSummary) -> None:
        """Handle a finished task once: its downloads (if asked), then its hook."""
        if not (self._hook or self._auto_download or self._finish_every):
            return
        if self._finish_every:
            if summary.task_id in self._reported:
                return
            self._reported.add(summary.task_id)
        self._background_task(self._finish(summary))

    async def _finish(self, summary: TaskSummary) -> None:
        task = self._tracker.task(summary.task_id)
        document = task_to_json(task) if task is not None else not_found_json(summary.task_id)
        paths: list[str] = []
        problems: list[str] = []
        downloads = self.downloads
        if downloads is not None and self._auto_download and summary.status_label != NOT_FOUND:
            try:
                paths, problems = outcome_problems(await downloads.download(summary.task_id))
            except Exception as error:  # reported, and the watch goes on
                problems = [f"download failed: {error}"]
        elif downloads is not None:
            paths = downloads.paths_for(summary.task_id)
        hook_problem = await self._hook.run(document, paths) if self._hook else None
        self._emit(TaskFinished(summary, document, tuple(paths), tuple(problems), hook_problem))

    def _background_task(self, work: Awaitable[None]) -> None:
        future = asyncio.ensure_future(work)
        self._background.add(future)
        future.add_done_callback(self._background.discard)
