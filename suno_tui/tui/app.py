"""The monitor app: the task list, the detail view, the panes, the status bar.

The app presents an :class:`~suno_tui.engine.engine.Engine` and sends it
commands; it holds no domain state. The engine's events arrive through an
:class:`~suno_tui.tui.feed.EngineFeed` as messages (a burst of poll rounds
is one message, and updates only the rows that changed). What a person sees
is split into parts that own it: :class:`Chrome` (top bar, banner, status
bars), :class:`Details` (the detail views), :class:`DownloadsUI` (the pane,
``d``/``D``), :class:`TasksUI` (add, remove, submit), :class:`Panes` (layout
by size, the event log, the filter line) and :class:`Quitting`. Nothing on screen
animates: relative times are re-checked on a slow tick and only rows whose
text changed are repainted.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from suno_tui.engine.engine import Engine
from suno_tui.engine.events import PollingStopped, RowsChanged, TaskFinished
from suno_tui.tracking.model import Progress, TaskSummary
from suno_tui.tui.account_ui import ACCOUNT_EVENTS, AccountUI
from suno_tui.tui.bindings import Scope, bindings
from suno_tui.tui.chrome import Chrome
from suno_tui.tui.detail import DetailView
from suno_tui.tui.detail_doc import CopyTarget
from suno_tui.tui.details import Details
from suno_tui.tui.download_pane import DownloadPane
from suno_tui.tui.downloads_ui import DownloadsUI
from suno_tui.tui.event_log import EventLog
from suno_tui.tui.feed import DownloadsChanged, EngineFeed, EngineNews, PollRound, PollStatusChanged
from suno_tui.tui.filter_input import FilterInput
from suno_tui.tui.palette import system_commands
from suno_tui.tui.panes import Panes
from suno_tui.tui.quitting import QuitScreen, Quitting
from suno_tui.tui.retry import retry_selected
from suno_tui.tui.row_loading import start_loading
from suno_tui.tui.screens.help import HelpScreen
from suno_tui.tui.screens.stats import StatsSource, open_stats
from suno_tui.tui.status_bar import StatusBar
from suno_tui.tui.styles import APP_CSS
from suno_tui.tui.task_list import TaskList
from suno_tui.tui.tasks_ui import TasksUI
from suno_tui.tui.toasts import Announcer

if TYPE_CHECKING:
    from suno_tui.downloads.cover_pool import CoverLoader

__all__ = ["MonitorApp", "PollRound", "QuitScreen"]

Clock = Callable[[], datetime]


def _never(summary: TaskSummary, now: datetime) -> bool:
    return False


def _as_is(summary: TaskSummary, now: datetime) -> Progress:
    return summary.progress


class MonitorApp(App[int]):
    """Watch Suno generation tasks on a gateway."""

    TITLE = "suno-tui"
    CSS = APP_CSS
    BINDINGS: ClassVar = bindings(Scope.APP)
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
        self._cursor_blink = cursor_blink
        #: [keys] ids in the settings that name no binding (the CLI warns)
        self.unknown_keys: list[str] = []
        #: why polling died, for the CLI to print after the screen is gone
        self.crash_message = ""
        self._stats_source = stats_source
        #: where the detail view gets clip covers (None: no images)
        self.covers = covers
        self.rounds_applied = 0
        environment = os.environ if env is None else env
        self.announcer = Announcer(self, bell=bell, notify=notify, env=environment)
        self.feed = EngineFeed(self)
        engine.subscribe(self.feed.take)
        rows = lambda: self.task_list  # noqa: E731 - the list exists once composed
        self.chrome = Chrome(self, engine, rows, clock=clock, tz=tz, gateway_label=gateway_label)
        self.details = Details(self, engine, rows, clock=clock, tz=tz)
        self.downloads = DownloadsUI(self, engine, rows, toast=self.announcer.toast,
                                     place_toasts=self.announcer.place)  # fmt: skip
        self.tasks = TasksUI(self, engine, rows, rows_changed=self._rows_changed,
                             removed=self._removed, cursor_blink=cursor_blink)  # fmt: skip
        self.account = AccountUI(self, engine, rows, lambda: self.event_log,
                                 rows_changed=self._rows_changed,
                                 status_changed=self.chrome.status)  # fmt: skip
        self.panes = Panes(self, rows, lambda: self.event_log, lambda: self.download_pane,
                           self.details, place_toasts=self.announcer.place, wide_at=wide_at,
                           show_events=show_events)  # fmt: skip
        self.quitting = Quitting(self, engine, busy=lambda: self.downloads.busy)

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="top-bar")
        yield Static(Content(""), id="banner")
        with Horizontal(id="main"):
            yield TaskList(clock=self.clock, stuck=self._stuck, live_progress=self._live_progress,
                           tz=self.tz, id="tasks")  # fmt: skip
            yield DetailView(id="side")
        yield DownloadPane(self.downloads.board, self.downloads.directory, id="downloads")
        yield EventLog(tz=self.tz, max_events=self._events_limit, id="events")
        filter_input = FilterInput(placeholder="filter: id, title, tags or status", id="filter")
        filter_input.cursor_blink = self._cursor_blink
        yield filter_input
        yield StatusBar(id="status")
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
        filter_line = self.query_one("#filter", FilterInput)
        self.watch(filter_line, "value", self.task_list.set_filter, init=False)
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        self.panes.apply_size(self.size.width, self.size.height, first=True)
        start_loading(self, self.engine, self.task_list)
        self.event_log.add(self.engine.events(self._events_limit))
        self.task_list.focus()
        if self._initial_ids:
            self.tasks.add(self._initial_ids, announce=False)
        self._rows_changed()
        self.chrome.top_bar()
        self.engine.start()
        self.chrome.status()
        self.set_interval(self._tick_seconds, self._tick, name="tick")
        self.announcer.place()

    def on_resize(self, event: Resize) -> None:
        self.panes.apply_size(event.size.width, event.size.height)
        self.announcer.place()

    # ---------------------------------------------------------- engine input

    def on_poll_round(self, message: PollRound) -> None:
        """Rounds since the last repaint: rows, events, open details, toasts, bell."""
        rounds = self.feed.rounds()
        self.rounds_applied += rounds.count
        if rounds.changed:
            self.task_list.upsert(rounds.changed.values())
            self.chrome.recount()
            self.details.refresh(set(rounds.changed))
        if rounds.transitions:
            self.event_log.add(rounds.transitions)
        if rounds.news:
            self.announcer.finished(rounds.news)
        self.chrome.status()

    def on_poll_status_changed(self, message: PollStatusChanged) -> None:
        self.feed.status_seen()
        self.chrome.status()
        self.chrome.banner()

    def on_downloads_changed(self, message: DownloadsChanged) -> None:
        self.downloads.apply(self.feed.downloads())

    def on_engine_news(self, message: EngineNews) -> None:
        event = message.event
        if isinstance(event, ACCOUNT_EVENTS):
            self.account.handle(event)
        elif isinstance(event, RowsChanged):
            shown = [s for s in event.summaries if s.task_id in self.task_list]
            self.task_list.upsert(shown)
            self.details.refresh({s.task_id for s in shown})
        elif isinstance(event, TaskFinished) and event.hook_problem:
            self.notify(event.hook_problem, title="on_finish hook failed", severity="error",
                        markup=False)  # fmt: skip
        elif isinstance(event, PollingStopped):
            self.crash_message = f"suno-tui: polling stopped after an internal error: {event.error}"
            self.chrome.crashed(event.error)
        else:  # the profiles changed
            self.chrome.banner()

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

    def refresh_status(self) -> None:
        """Redraw every status bar (if its text changed)."""
        self.chrome.status()

    def _rows_changed(self) -> None:
        self.chrome.recount()
        self.chrome.status()
        self.chrome.banner()

    def _removed(self, task_id: str) -> None:
        self.chrome.recount()
        self.details.closed(task_id)
        self.chrome.status()

    def _tick(self) -> None:
        """The slow clock: repaint only rows whose relative times changed."""
        self.task_list.tick()
        self.details.tick(self.clock())
        self.chrome.status()

    # ------------------------------------------------------------ list events

    @on(TaskList.Highlighted)
    def _highlighted(self, event: TaskList.Highlighted) -> None:
        self.details.sync_side()

    @on(TaskList.Opened)
    def _opened(self, event: TaskList.Opened) -> None:
        self.details.open(event.task_id)

    def _view_changed(self) -> None:
        self.chrome.top_bar()
        self.chrome.status()

    @on(TaskList.FilterRequested)
    def _filter_requested(self, event: TaskList.FilterRequested) -> None:
        self.panes.open_filter()

    @on(TaskList.FilterCleared)
    def _filter_cleared(self, event: TaskList.FilterCleared) -> None:
        self.panes.hide_filter()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        self.panes.filter_submitted(event.value)

    @on(FilterInput.Cleared)
    def _filter_input_cleared(self, event: FilterInput.Cleared) -> None:
        self.panes.filter_cleared()

    @on(DetailView.Back, "#side")
    def _side_back(self, event: DetailView.Back) -> None:
        self.task_list.focus()

    def on_download_pane_copy(self, event: DownloadPane.Copy) -> None:
        self.details.copy(CopyTarget(event.label, event.value))

    def on_download_pane_cancel(self, event: DownloadPane.Cancel) -> None:
        self.downloads.cancel(event.task_id)

    def on_download_pane_back(self, event: DownloadPane.Back) -> None:
        self.downloads.hide()

    # ---------------------------------------------------------------- actions

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_retry_task(self) -> None:
        retry_selected(self, self.engine, self.task_list, self.details, self._rows_changed)

    def action_show_stats(self) -> None:
        open_stats(self, self._stats_source)

    def action_poll_now(self) -> None:
        self.chrome.poll_now()

    def action_toggle_pause(self) -> None:
        self.chrome.toggle_pause()

    def action_interval(self, direction: int) -> None:
        self.chrome.step_interval(direction)

    def on_event_log_back(self, event: EventLog.Back) -> None:
        self.panes.hide_events()

    def action_toggle_events(self) -> None:
        self.panes.toggle_events()

    def action_copy_id(self) -> None:
        self.details.copy_id()

    def action_copy_field(self) -> None:
        self.details.copy_field()

    def action_add_tasks(self) -> None:
        self.tasks.ask_to_add()

    def action_remove_task(self) -> None:
        self.tasks.ask_to_remove(self.details.current_task_id())

    def action_submit_job(self) -> None:
        self.tasks.submit()

    def action_download(self) -> None:
        self.downloads.download(self.details.current_task_id())

    def action_download_all(self) -> None:
        self.downloads.download_all()

    def action_toggle_downloads(self) -> None:
        self.downloads.toggle()

    def action_discover(self) -> None:
        self.account.discover_now()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``A`` is offered (footer, palette) only where account mode is set up."""
        return self.account.available if action == "discover" else True

    # -------------------------------------------------------- command palette

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers the same commands as the keys (from the registry)."""
        return system_commands(self, self.user_keymap, self.task_list, self.details.views)

    # --------------------------------------------------------------- quitting

    async def action_quit(self) -> None:
        self.quitting.quit()

    async def on_unmount(self) -> None:
        if self.covers is not None:
            self.covers.close()  # returns at once: cover threads are never waited for
        await self.engine.aclose()
