"""The engine: the watch list, polling, downloads, hooks and submitting, as
one object both front ends drive. It owns the tracker (and its store), the
client pool, the poller (engine/polling.py) and the download service; finished
tasks go through engine/finishing.py, tasks found in the account through
engine/adopting.py, clip actions through engine/clip_commands.py. Front ends
subscribe to its events (engine/events.py) and send it commands. It runs on the
caller's event loop, knows no Textual; engine/compose.py builds it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from suno_tui.downloads.events import DownloadProgress, FileState, TaskOutcome
from suno_tui.engine.account_feed import AccountFeed, DiscoveryRequest
from suno_tui.engine.adopting import adopt, send_job
from suno_tui.engine.downloads import DownloadService
from suno_tui.engine.events import (
    DownloadEnded,
    DownloadProgressed,
    EngineEvent,
    PollingStopped,
    ProfilesChanged,
    RoundEnded,
    RowsChanged,
    StatusChanged,
)
from suno_tui.engine.finishing import Finishing, news
from suno_tui.engine.polling import Polling, connect_prepared, unpolled_profiles
from suno_tui.engine.ports import (
    ClientsLike,
    PollerFactory,
    PollStatusLike,
    TrackerLike,
    UpdateLike,
)
from suno_tui.relay.balance import Balance
from suno_tui.relay.models import Task
from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import DEFAULT_PROFILE, TaskSummary, Transition
from suno_tui.tracking.wanted import download_problem

if TYPE_CHECKING:  # a job or a clip action comes long after the first frame
    from suno_tui.engine.clip_commands import ClipCommands
    from suno_tui.relay.submit_requests import LyricsRequest, MusicRequest

Listener = Callable[[EngineEvent], None]


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
        self._polls = Polling(poller_factory, self._on_update, self._on_status)
        self.downloads = downloads
        self.polling_off = polling_off  # why polling is off (no token, a crash); "" if it may run
        self._on_close = on_close
        self._listeners: list[Listener] = []
        #: profiles the poller has a client for (others are wired when first used)
        self._wired: set[str] = set(clients.prepared()) if clients is not None else set()
        self._background: set[asyncio.Future[Any]] = set()
        self._finishing = Finishing(
            tracker,
            downloads,
            on_finish=on_finish,
            every=finish_every,
            auto_download=auto_download,
            emit=self._emit,
            spawn=self._background_task,
        )
        self.lineage = self._finishing.lineage  # what tasks were made from (engine/lineage.py)
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
        return self._polls.status

    @property
    def polling(self) -> bool:
        return self._polls.poller is not None

    def profiles(self) -> list[str]:
        return self.clients.profiles() if self.clients is not None else [self.profile]

    def profile_problem(self, profile: str) -> str | None:
        """Why tasks of ``profile`` cannot be polled or downloaded (None: fine)."""
        return self.clients.problem(profile) if self.clients is not None else None

    def profile_problems(self) -> dict[str, tuple[int, str]]:
        """Unfinished tasks whose profile has no client: {profile: (count, why)}."""
        if self.clients is None:
            return {}
        return unpolled_profiles(self.clients, self._tracker.summaries().values())

    # -- running --------------------------------------------------------------

    def prepare_polling(self) -> None:
        """Make the poller, not running yet: its status shows before :meth:`start`."""
        self._polls.make()

    def start(self) -> None:
        """Start polling (building the prepared profiles' clients: the monitor
        calls this after its first frame) and account mode if wired."""
        self._polls.make()
        poller = self._polls.poller
        if poller is not None and self._polling is None:
            connect_prepared(self.clients, poller)
            self._polling = asyncio.ensure_future(self.run_polling(raise_errors=False))
        if self.account is not None and self._account_loop is None:
            self._account_loop = asyncio.ensure_future(
                self.account.run(self._discovered, self._emit)
            )

    async def run_polling(self, *, raise_errors: bool = True) -> None:
        """Poll until :meth:`stop`; an internal error ends polling with a
        PollingStopped event (and is raised again if ``raise_errors``)."""
        self._polls.make()
        poller = self._polls.poller
        if poller is None:
            return
        try:
            await poller.run()
        except Exception as error:
            message = clean_line(f"{type(error).__name__}: {error}")
            self.polling_off = f"polling crashed: {message}"
            self._polls.ended()
            self._emit(PollingStopped(message))
            if raise_errors:
                raise

    def stop(self) -> None:
        """Stop polling and cancel downloads (.part files stay): quitting."""
        self._polls.stop()
        if self.account is not None:
            self.account.stop()
        if self.downloads is not None:
            self.downloads.cancel()

    def stop_polling(self) -> None:
        self._polls.stop()

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
        return self._polls.poll_now()

    def toggle_pause(self) -> bool | None:
        """Pause, or resume; the new paused state (None: polling is off)."""
        return self._polls.toggle_pause()

    def step_interval(self, direction: int) -> float | None:
        """Move the interval one step; the new interval (None: polling is off)."""
        return self._polls.step_interval(direction)

    # -- commands: the watch list ---------------------------------------------

    def add(self, ids: Iterable[str], profile: str | None = None) -> list[TaskSummary]:
        """Watch ``ids`` under ``profile`` (the selected one by default); returns
        the new rows. ValueError for an id that cannot be one."""
        profile = profile or self.profile
        added = self._tracker.add(list(ids), profile)
        if added:
            if self.clients is not None and profile not in self._wired:
                self._background_task(self._wire(profile))
            elif (poller := self._polls.poller) is not None:
                poller.notify_added()
        return added

    def remove(self, task_id: str) -> None:
        """Stop watching a task: a round in flight does not bring it back."""
        self._tracker.remove(task_id)

    def retry(self, task_ids: Iterable[str]) -> list[TaskSummary]:
        """Poll tasks the gateway did not find once more (now); the rows that changed."""
        changed = self._tracker.retry(task_ids)
        if changed and (poller := self._polls.poller) is not None:
            poller.poll_now()
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
        if (poller := self._polls.poller) is not None:
            poller.set_client(profile, client)
            poller.notify_added()
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
        """Watch tasks found in the account's list (engine/adopting.py);
        unfinished ones are polled from the next regular round on."""
        rows, transitions = await adopt(self._tracker, tasks, profile)
        if not rows:
            return rows, transitions
        if self.clients is not None and profile not in self._wired:
            self._background_task(self._wire(profile))
        elif (poller := self._polls.poller) is not None:
            poller.notify_fresh()
        return rows, transitions

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
        if self.downloads is None:
            return []
        return self.downloads.worth(self._tracker.summaries().values(), self.profile_problem)

    def download(self, task_ids: Iterable[str]) -> list[str]:
        """Queue downloads; the tasks newly queued."""
        return self.downloads.start(task_ids) if self.downloads is not None else []

    def cancel_download(self, task_id: str | None = None) -> None:
        if self.downloads is not None:
            self.downloads.cancel(task_id)

    def clip_commands(self) -> ClipCommands:  # extend, concat, run again
        from suno_tui.engine.clip_commands import clip_commands_over  # loads httpx

        memory = self.downloads.offers if self.downloads is not None else None
        return clip_commands_over(self._tracker, self.clients, self.add, self.profile, memory)

    async def send_job(self, request: MusicRequest | LyricsRequest, profile: str) -> str:
        """Submit a job to ``profile``'s gateway (never retried); its task id."""
        if self.clients is None:
            raise RuntimeError("submitting needs a gateway")
        return await send_job(await self.clients.client(profile), request)

    # -- what the parts report ------------------------------------------------

    def _on_update(self, update: UpdateLike, status: PollStatusLike) -> None:
        self._polls.status = status
        watched = self._tracker.summaries()
        # A task removed while the round was in flight stays removed.
        changed = tuple(s for s in update.changed if s.task_id in watched)
        finished = tuple(update.finished)
        transitions = tuple(update.transitions)
        told = tuple(news(finished, transitions))
        self._emit(RoundEnded(changed, transitions, finished, told, status))
        if finished and self.account is not None:
            self.account.task_finished()
        for summary in finished if self._finishing.every else told:
            self.finish(summary)

    def _on_status(self, status: PollStatusLike) -> None:
        self._polls.status = status
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
        self._finishing.finish(summary)

    def _background_task(self, work: Awaitable[None]) -> None:
        future = asyncio.ensure_future(work)
        self._background.add(future)
        future.add_done_callback(self._background.discard)
