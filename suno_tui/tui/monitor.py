"""The monitor on screen: the task list, the detail view, the panes, the bars,
kept in step with the engine (what a person does is :mod:`suno_tui.tui.app`).

The monitor presents an :class:`~suno_tui.engine.engine.Engine`; it holds no
domain state. The engine's events arrive through an
:class:`~suno_tui.tui.feed.EngineFeed` as one message class per event, each
handled by its own ``on_...`` method below (a burst of poll rounds is one
message, and updates only the rows that changed). The bars are widgets with
reactive state that these handlers set. What a person sees is split into
parts that own it: :class:`Details` (the detail views), :class:`DownloadsUI`
(the pane, ``d``/``D``), :class:`TasksUI` (add, remove, submit),
:class:`AccountUI` (``A``, what the account says), :class:`PollingControls`,
:class:`Panes` (layout by size, the event log, the filter line) and
:class:`Quitting`. Nothing on screen animates: relative times are re-checked
on a slow tick and only rows whose text changed are repainted.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.driver import Driver
from textual.events import Resize
from textual.notifications import SeverityLevel
from textual.widgets import Footer

from suno_tui.engine.engine import Engine
from suno_tui.tracking.model import Progress, TaskSummary
from suno_tui.tui.bars.banner import Banner, Notice, crash_banner, notice_for
from suno_tui.tui.bars.player_controls import PlayerControls
from suno_tui.tui.bars.polling_controls import PollingControls
from suno_tui.tui.bars.status_bar import StatusBar
from suno_tui.tui.bars.status_words import Counts
from suno_tui.tui.bars.top_bar import TopBar
from suno_tui.tui.clips.clip_files_ui import ClipFilesUI
from suno_tui.tui.detail.details import Details
from suno_tui.tui.detail.view import DetailView
from suno_tui.tui.downloads.downloads_ui import DownloadsUI
from suno_tui.tui.downloads.pane import DownloadPane
from suno_tui.tui.engine_messages import (
    BalanceChanged,
    BalanceUnavailable,
    DiscoveryFailed,
    DiscoveryUnsupported,
    DownloadsReported,
    PollingStopped,
    PollRoundsEnded,
    PollStatusChanged,
    ProfilesChanged,
    RowsChanged,
    TaskFinished,
    TasksDiscovered,
)
from suno_tui.tui.feed import EngineFeed
from suno_tui.tui.keys.bindings import Scope, bindings
from suno_tui.tui.news.announcer import Announcer
from suno_tui.tui.news.event_log import EventLog
from suno_tui.tui.news.terminal import Terminal
from suno_tui.tui.panes import Panes
from suno_tui.tui.screens.quitting import Quitting
from suno_tui.tui.styles import APP_CSS
from suno_tui.tui.tasks.account_ui import AccountUI
from suno_tui.tui.tasks.loading import start_loading
from suno_tui.tui.tasks.task_list import TaskList
from suno_tui.tui.tasks.tasks_ui import TasksUI

if TYPE_CHECKING:
    from suno_tui.downloads.cover_pool import CoverLoader
    from suno_tui.engine.listening import Listening
    from suno_tui.tui.screens.stats_screen import StatsSource

Clock = Callable[[], datetime]


def _never(summary: TaskSummary, now: datetime) -> bool:
    return False


def _as_is(summary: TaskSummary, now: datetime) -> Progress:
    return summary.progress


def _saved_file(engine: Engine) -> Callable[[str, str], Path | None]:
    """A clip's saved audio file, as the state recorded it (none without downloads)."""
    downloads = engine.downloads
    return lambda task_id, clip_id: (
        downloads.saved_file(task_id, clip_id) if downloads is not None else None
    )


def _listening(
    engine: Engine, player: str | None, env: Mapping[str, str]
) -> Callable[[], Listening]:
    """The player, made at the first ``l`` (it loads after the first frame)."""

    def make() -> Listening:
        from suno_tui.engine.listening import Listening

        return Listening(engine, _saved_file(engine), player=player, env=env)

    return make


class Monitor(App[int]):
    """The monitor's screen, kept in step with the engine (the keys are
    :class:`~suno_tui.tui.app.MonitorApp`'s)."""

    TITLE = "suno-tui"
    CSS = APP_CSS
    BINDINGS: ClassVar = [*bindings(Scope.APP), *bindings(Scope.CLIP)]
    NOTIFICATION_TIMEOUT = 6

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock,
        tz: tzinfo | None = None,
        initial_ids: Iterable[str] = (),
        gateway_label: str = "",
        bell: bool = True,
        keymap: Mapping[str, str] | None = None,
        stuck: Callable[[TaskSummary, datetime], bool] = _never,
        live_progress: Callable[[TaskSummary, datetime], Progress] = _as_is,
        tick_seconds: float = 5.0,
        events_limit: int = 500,
        wide_at: int = 140,
        show_events: bool | None = None,
        cursor_blink: bool = True,
        notify: bool = False,
        env: Mapping[str, str] | None = None,
        stats_source: StatsSource | None = None,
        covers: CoverLoader | None = None,
        player: str | None = None,
        after_first_frame: Callable[[], object] | None = None,
    ) -> None:
        super().__init__()
        # Over SSH every frame costs: scroll jumps instead of gliding.
        self.animation_level = "none"
        self.engine = engine
        self.clock = clock
        self.tz = tz
        self._initial_ids = list(initial_ids)
        self.user_keymap: dict[str, str] = dict(keymap or {})
        self._stuck, self._live_progress = stuck, live_progress
        self._tick_seconds = tick_seconds
        self._events_limit = events_limit
        #: [keys] ids in the settings that name no binding (the CLI warns)
        self.unknown_keys: list[str] = []
        #: why polling died, for the CLI to print after the screen is gone
        self.crash_message = ""
        self._stats_source = stats_source
        #: where the detail view gets clip covers (None: no images)
        self.covers = covers
        #: called once the first frame is on screen (the CLI turns the collector back on)
        self._after_first_frame = after_first_frame
        self.rounds_applied = 0
        self._gateway_label = gateway_label
        self._cursor_blink = cursor_blink  # text fields of forms opened later
        self._unfinished = 0
        environment = os.environ if env is None else env
        self.announcer = Announcer(self, self.terminal, bell=bell, notify=notify, env=environment)
        self.feed = EngineFeed(self)
        engine.subscribe(self.feed.take)
        rows = lambda: self.task_list  # noqa: E731 - the list exists once composed
        self.controls = PollingControls(engine, self.notify, changed=self._polling_changed)
        self.details = Details(self, engine, rows, status_bar=lambda: self.status_bar,
                               clock=clock, tz=tz, covers=covers)  # fmt: skip
        self.downloads = DownloadsUI(self, engine, rows, toast=self.announcer.toast,
                                     place_toasts=self.announcer.place)  # fmt: skip
        self.tasks = TasksUI(self, engine, rows, rows_changed=self._rows_changed,
                             removed=self._removed, cursor_blink=cursor_blink)  # fmt: skip
        self.account = AccountUI(self, engine, rows, lambda: self.event_log,
                                 rows_changed=self._rows_changed)  # fmt: skip
        self.panes = Panes(self, rows, lambda: self.event_log, lambda: self.download_pane,
                           self.details, place_toasts=self.announcer.place, wide_at=wide_at,
                           show_events=show_events, status_bar=lambda: self.status_bar,
                           cursor_blink=cursor_blink)  # fmt: skip
        self.clip_files = ClipFilesUI(self, engine, current=self.details.current_task_id,
                                      show_downloads=self.downloads.show,
                                      task_changed=self.details.refresh,
                                      keymap=self.user_keymap)  # fmt: skip
        self.quitting = Quitting(self, engine, busy=lambda: self.downloads.busy)
        listening = _listening(engine, player, environment)
        self.player = PlayerControls(self, listening, self.notify,
                                     status_bar=lambda: self.status_bar,
                                     current=self.details.current_task_id)  # fmt: skip

    @cached_property
    def terminal(self) -> Terminal:
        """The terminal the monitor runs on, for its notifications' bytes
        (asked for by ``App.__init__``, before ours runs: hence cached)."""
        return Terminal()

    def get_driver_class(self) -> type[Driver]:
        return self.terminal.drive_with(super().get_driver_class())

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        self.panes.starting_layout(self.size.width, self.size.height)
        self.top_bar = TopBar(self._gateway_label, id="top-bar")
        self.banner = Banner(id="banner")
        self.status_bar = StatusBar(clock=self.clock, tz=self.tz, id="status")
        yield self.top_bar
        yield self.banner
        with Horizontal(id="main"):
            yield TaskList(clock=self.clock, stuck=self._stuck, live_progress=self._live_progress,
                           tz=self.tz, id="tasks")  # fmt: skip
            yield DetailView(covers=self.covers, id="side")
        yield DownloadPane(self.downloads.board, self.downloads.directory, id="downloads")
        yield EventLog(tz=self.tz, max_events=self._events_limit, id="events")
        yield self.status_bar
        yield Footer(show_command_palette=False)

    @property
    def task_list(self) -> TaskList:
        return self.query_one("#tasks", TaskList)

    @property
    def event_log(self) -> EventLog:
        return self.query_one("#events", EventLog)

    @property
    def download_pane(self) -> DownloadPane:
        return self.downloads.pane

    @property
    def side(self) -> DetailView:
        return self.details.side

    @property
    def wide(self) -> bool:
        return self.panes.wide

    def on_mount(self) -> None:
        # Watchers run at once (a message would come a frame later).
        self.watch(self.task_list, "view", self._view_changed, init=False)
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        self.panes.apply_size(self.size.width, self.size.height, first=True)
        start_loading(self, self.engine, self.task_list)
        self.event_log.add(self.engine.events(self._events_limit))
        self.task_list.focus()
        if self._initial_ids:
            self.tasks.add(self._initial_ids, announce=False)
        self._rows_changed()
        self.top_bar.view = self.task_list.view
        self.engine.prepare_polling()
        self._polling_changed()
        self.status_bar.balance = self.engine.balance
        self.set_interval(self._tick_seconds, self._tick, name="tick")
        self.announcer.place()
        # Polling starts right after the first frame: building the clients
        # (httpx, TLS) is not on the way to it; the bar shows the poller's
        # status (not polled yet, the interval) from the first frame.
        self.call_after_refresh(self._start_engine)

    def _start_engine(self) -> None:
        if self._after_first_frame is not None:
            self._after_first_frame()
        self.engine.start()
        self._polling_changed()
        self.panes.filter_line()  # hidden until ``/``: mounted after the first frame

    def on_resize(self, event: Resize) -> None:
        self.panes.apply_size(event.size.width, event.size.height)
        self.announcer.place()

    # ---------------------------------------------------------- engine input

    def on_poll_rounds_ended(self, message: PollRoundsEnded) -> None:
        """Rounds since the last repaint: rows, events, open details, toasts, bell."""
        rounds = message.take()
        self.rounds_applied += rounds.count
        if rounds.changed:
            self.task_list.upsert(rounds.changed.values())
            self._recount()
            self.details.refresh(set(rounds.changed))
        if rounds.transitions:
            self.event_log.add(rounds.transitions)
        if rounds.news:
            self.announcer.finished(rounds.news)
        self.status_bar.poll = rounds.status

    def on_poll_status_changed(self, message: PollStatusChanged) -> None:
        self.status_bar.poll = message.take().status
        self._show_banner()

    def on_downloads_reported(self, message: DownloadsReported) -> None:
        reported = message.take()
        self.downloads.apply(reported.progress, reported.ended)

    def on_rows_changed(self, message: RowsChanged) -> None:
        shown = [s for s in message.event.summaries if s.task_id in self.task_list]
        self.task_list.upsert(shown)
        self.details.refresh({s.task_id for s in shown})

    def on_task_finished(self, message: TaskFinished) -> None:
        if message.event.hook_problem:
            self.notify(message.event.hook_problem, title="on_finish hook failed",
                        severity="error", markup=False)  # fmt: skip

    def on_polling_stopped(self, message: PollingStopped) -> None:
        error = message.event.error
        self.crash_message = f"suno-tui: polling stopped after an internal error: {error}"
        self.status_bar.poll = None
        self.status_bar.polling_off = self.engine.polling_off
        self.banner.notice = Notice(crash_banner(error), warning=False)

    def on_profiles_changed(self, message: ProfilesChanged) -> None:
        self._show_banner()

    def on_tasks_discovered(self, message: TasksDiscovered) -> None:
        self.account.discovered(message.event)

    def on_discovery_failed(self, message: DiscoveryFailed) -> None:
        self.account.failed(message.event)

    def on_discovery_unsupported(self, message: DiscoveryUnsupported) -> None:
        self.account.unsupported(message.event)

    def on_balance_changed(self, message: BalanceChanged) -> None:
        self.status_bar.balance = message.event.balance

    def on_balance_unavailable(self, message: BalanceUnavailable) -> None:
        self.account.balance_unavailable(message.event)
        if message.event.final:  # the gateway has none: the bar shows none
            self.status_bar.balance = None

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """One toast at a time: a new one replaces what is shown (the event log and
        the downloads pane keep the details), so toasts never stack over the list."""
        self.clear_notifications()
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # ------------------------------------------------------------- rendering

    def _show_counts(self) -> None:
        task_list = self.task_list
        self.status_bar.counts = Counts(task_list.total, self._unfinished, task_list.shown)

    def _recount(self) -> None:
        """Count the unfinished tasks again (after rows changed)."""
        self._unfinished = self.engine.unfinished()
        self._show_counts()

    def _show_banner(self) -> None:
        self.banner.notice = notice_for(self.engine)

    def _polling_changed(self) -> None:
        """Polling started, or a control changed the poller's state."""
        self.status_bar.poll = self.engine.status
        self.status_bar.polling_off = self.engine.polling_off
        self._show_banner()

    def _rows_changed(self) -> None:
        self._recount()
        self._show_banner()

    def _removed(self, task_id: str) -> None:
        self._recount()
        self.details.closed(task_id)

    def _tick(self) -> None:
        """The slow clock: repaint only rows whose relative times changed."""
        self.task_list.tick()
        self.details.tick(self.clock())
        self.status_bar.tick()

    def _view_changed(self) -> None:
        self.top_bar.view = self.task_list.view
        self._show_counts()
