"""The monitor app: the task list, the detail view, the event log, the status bar.

Data comes from the tracker (the first frame straight from the store, no
network) and from the poller, which runs as a worker in the app's event loop
and reports each round through one callback; the app coalesces those into one
message and updates only the rows that changed. Nothing on screen animates:
relative times are re-checked on a slow tick and only rows whose text changed
are repainted.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import DEFAULT_PROFILE, Progress, TaskSummary, Transition
from suno_tui.tui.announce import Toast, news, toasts
from suno_tui.tui.app_downloads import DownloadsMixin
from suno_tui.tui.app_jobs import JobsMixin
from suno_tui.tui.bindings import BY_ID, COMMANDS, Scope, bindings
from suno_tui.tui.detail import DetailView
from suno_tui.tui.detail_doc import CopyTarget, copy_targets
from suno_tui.tui.download_board import DownloadBoard
from suno_tui.tui.download_jobs import (
    Downloads,
    TaskResult,
)
from suno_tui.tui.download_pane import DownloadPane
from suno_tui.tui.event_log import EventLog
from suno_tui.tui.filter_input import FilterInput
from suno_tui.tui.finish import FinishHook
from suno_tui.tui.notify import TerminalNotifier
from suno_tui.tui.ports import (
    ClientsLike,
    DownloadSetup,
    PollerFactory,
    PollerLike,
    PollStatusLike,
    TrackerLike,
)
from suno_tui.tui.screens.add_tasks import AddTasksScreen
from suno_tui.tui.screens.confirm import ConfirmScreen
from suno_tui.tui.screens.copy_picker import CopyPickerScreen
from suno_tui.tui.screens.detail_screen import DetailScreen
from suno_tui.tui.screens.help import HelpScreen
from suno_tui.tui.status_bar import (
    Counts,
    StatusBar,
    auth_banner,
    interval_text,
    polling_off_banner,
    profiles_banner,
    status_content,
    top_bar_content,
)
from suno_tui.tui.styles import APP_CSS
from suno_tui.tui.task_list import TaskList

Clock = Callable[[], datetime]

#: the steps ``+``/``-`` move the poll interval through (seconds)
INTERVAL_STEPS = (2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)


def _never(summary: TaskSummary, now: datetime) -> bool:
    return False


def _as_is(summary: TaskSummary, now: datetime) -> Progress:
    return summary.progress


def next_interval(current: float, direction: int) -> float:
    """The next step up (``direction`` 1) or down (-1) from ``current``."""
    if direction > 0:
        return next((step for step in INTERVAL_STEPS if step > current + 1e-9), current)
    return next((step for step in reversed(INTERVAL_STEPS) if step < current - 1e-9), current)


class PollRound(Message):
    """One or more poll rounds ended (their updates wait in the app's buffer)."""


class PollStatusChanged(Message):
    """The poller's status changed (the latest is in the app)."""


class QuitScreen(ConfirmScreen):
    """The question asked before quitting while downloads run."""


class MonitorApp(DownloadsMixin, JobsMixin, App[int]):
    """Watch Suno generation tasks on a gateway."""

    TITLE = "suno-tui"
    CSS = APP_CSS
    BINDINGS: ClassVar = bindings(Scope.APP)
    NOTIFICATION_TIMEOUT = 6

    def __init__(
        self,
        tracker: TrackerLike,
        *,
        poller_factory: PollerFactory | None = None,
        clock: Clock,
        tz: tzinfo | None = None,
        initial_ids: Sequence[str] = (),
        profile: str = DEFAULT_PROFILE,
        gateway_label: str = "",
        polling_off: str = "",
        bell: bool = True,
        keymap: Mapping[str, str] | None = None,
        stuck: Callable[[TaskSummary, datetime], bool] = _never,
        live_progress: Callable[[TaskSummary, datetime], Progress] = _as_is,
        tick_seconds: float = 5.0,
        events_limit: int = 500,
        wide_at: int = 140,
        show_events: bool | None = None,
        cursor_blink: bool = True,
        on_exit: Callable[[], Awaitable[None]] | None = None,
        clients: ClientsLike | None = None,
        downloads: DownloadSetup | None = None,
        on_finish: str | None = None,
        notify: bool = False,
        env: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        # Over SSH every frame costs: scroll jumps instead of gliding.
        self.animation_level = "none"
        self.tracker = tracker
        self._poller_factory = poller_factory
        self.poller: PollerLike | None = None
        self.clock = clock
        self.tz = tz
        self._initial_ids = list(initial_ids)
        self.profile = profile
        self._gateway_label = gateway_label
        self._polling_off = polling_off
        self._bell = bell
        self.user_keymap: dict[str, str] = dict(keymap or {})
        self._stuck = stuck
        self._live_progress = live_progress
        self._tick_seconds = tick_seconds
        self._events_limit = events_limit
        self._wide_at = wide_at
        self._show_events = show_events
        self._cursor_blink = cursor_blink
        self._on_exit = on_exit
        #: [keys] ids in the settings that name no binding (the CLI warns)
        self.unknown_keys: list[str] = []
        #: why polling died, for the CLI to print after the screen is gone
        self.crash_message = ""
        self._pending: list[tuple[Any, Any]] = []
        self._status: PollStatusLike | None = None
        self._status_posted = False
        self._banner = Content("")
        self._unfinished = 0
        self.rounds_applied = 0
        self.clients = clients
        #: profiles the poller has a client for (others are wired when first used)
        self._wired: set[str] = set()
        self.downloads = Downloads(downloads, self._record_download) if downloads else None
        self._bulk_pending: set[str] = set()
        self._bulk_results: list[TaskResult] = []
        self._finish_hook = FinishHook(on_finish) if on_finish else None
        self._notify_terminal = notify
        self._env = dict(os.environ if env is None else env)
        self.notifier = TerminalNotifier(self._write_to_terminal, self._env)

    # ---------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="top-bar")
        yield Static(Content(""), id="banner")
        with Horizontal(id="main"):
            yield TaskList(
                clock=self.clock,
                stuck=self._stuck,
                live_progress=self._live_progress,
                tz=self.tz,
                id="tasks",
            )
            yield DetailView(id="side")
        board = self.downloads.board if self.downloads else DownloadBoard()
        directory = self.downloads.directory if self.downloads else Path(".")
        yield DownloadPane(board, directory, id="downloads")
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
    def side(self) -> DetailView:
        return self.query_one("#side", DetailView)

    @property
    def event_log(self) -> EventLog:
        return self.query_one("#events", EventLog)

    @property
    def wide(self) -> bool:
        return self.has_class("-wide")

    def on_mount(self) -> None:
        if self.user_keymap:
            self.set_keymap(self.user_keymap)
        self._apply_size(self.size.width, self.size.height, first=True)
        task_list = self.task_list
        task_list.set_rows(self.tracker.load())
        self.event_log.add(self.tracker.events(self._events_limit))
        task_list.focus()
        if self.downloads is not None:
            self.downloads.on_event = self._downloads_changed
        if self.clients is not None:
            self._wired = set(self.clients.ready())
        if self._initial_ids:
            self._add_ids(self._initial_ids, announce=False)
        self._recount()
        self._update_banner()
        self._update_top_bar()
        if self._poller_factory is not None:
            self.poller = self._poller_factory(self._on_poll_update, self._on_poll_status)
            self._status = self.poller.status
            self.run_worker(self.poller.run(), name="poller", group="poller", exit_on_error=False)
        self._update_status_bar()
        self.set_interval(self._tick_seconds, self._tick, name="tick")
        self._place_toasts()

    def on_resize(self, event: Resize) -> None:
        self._apply_size(event.size.width, event.size.height)
        self._place_toasts()

    def _apply_size(self, width: int, height: int, *, first: bool = False) -> None:
        pane = self.download_pane
        rows = max(2, min(10, (height - 8) // 3))
        if rows != pane.max_rows:
            pane.max_rows = rows
            pane.refresh(layout=True)
            self._place_toasts()
        wide = width >= self._wide_at
        if wide != self.wide:
            self.set_class(wide, "-wide")
            if wide:
                self._sync_side()
        if first:
            show = self._show_events if self._show_events is not None else height >= 36
            self.set_class(show, "-show-events")

    # ------------------------------------------------------------ poll input

    def _on_poll_update(self, update: Any, status: Any) -> None:
        """The poller's on_update: buffer it, and post one message until handled."""
        first = not self._pending
        self._pending.append((update, status))
        if first:
            self.post_message(PollRound())

    def _on_poll_status(self, status: Any) -> None:
        self._status = status
        if not self._status_posted:
            self._status_posted = True
            self.post_message(PollStatusChanged())

    def on_poll_round(self, message: PollRound) -> None:
        pending, self._pending = self._pending, []
        changed: dict[str, TaskSummary] = {}
        transitions: list[Transition] = []
        finished: list[TaskSummary] = []
        for update, status in pending:
            for summary in update.changed:
                changed[summary.task_id] = summary
            transitions.extend(update.transitions)
            finished.extend(update.finished)
            self._status = status
        self.rounds_applied += len(pending)
        self.apply_changes(list(changed.values()), transitions, finished)

    def apply_changes(
        self,
        changed: Sequence[TaskSummary],
        transitions: Sequence[Transition],
        finished: Sequence[TaskSummary],
    ) -> None:
        """Show what a poll changed: rows, events, open details, toasts, bell."""
        if changed:
            # A task removed while the round was in flight stays removed.
            self.task_list.upsert(s for s in changed if s.task_id in self.tracker.summaries())
            self._recount()
            shown = {summary.task_id for summary in changed}
            self._refresh_details(shown)
        if transitions:
            self.event_log.add(transitions)
        # A task first seen already finished is no news: its row says enough.
        worth_telling = news(finished, transitions)
        if worth_telling:
            self._announce(worth_telling)
            self._run_hooks(worth_telling)
        self._update_status_bar()

    def on_poll_status_changed(self, message: PollStatusChanged) -> None:
        self._status_posted = False
        self._update_status_bar()
        self._update_banner()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place poller failures end up."""
        worker = event.worker
        if worker.group != "poller" or event.state is not WorkerState.ERROR:
            return
        error = clean_line(f"{type(worker.error).__name__}: {worker.error}")
        self._polling_off = f"polling crashed: {error}"
        self.crash_message = f"suno-tui: polling stopped after an internal error: {error}"
        self.poller = None
        self._status = None
        self._update_status_bar()
        self._show_banner(
            Content.assemble(
                ("Polling stopped after an internal error. ", "bold"),
                error,
                "  Restart suno-tui; the watch list is saved.",
            ),
            warning=False,
        )

    # ------------------------------------------------------------- rendering

    def _recount(self) -> None:
        self._unfinished = sum(1 for s in self.tracker.summaries().values() if not s.finished)

    def refresh_status(self) -> None:
        """Redraw every status bar (if its text changed)."""
        self._update_status_bar()

    def _update_status_bar(self) -> None:
        task_list = self.task_list
        counts = Counts(task_list.total, self._unfinished, task_list.shown)
        content = status_content(
            counts, self._status, self.clock(), self.tz, polling_off=self._polling_off
        )
        for screen in self.screen_stack:
            for bar in screen.query(StatusBar).results():
                bar.show(content)

    def _update_top_bar(self) -> None:
        task_list = self.task_list
        content = top_bar_content(
            task_list.sort.value,
            task_list.filter_text,
            task_list.shown,
            task_list.total,
            self._gateway_label,
        )
        self.query_one("#top-bar", Static).update(content)

    def _show_banner(self, content: Content, *, warning: bool) -> None:
        banner = self.query_one("#banner", Static)
        if banner.has_class("-shown") and content.is_same(self._banner):
            return
        self._banner = content
        banner.update(content)
        banner.set_class(warning, "-warning")
        banner.add_class("-shown")

    def _hide_banner(self) -> None:
        self.query_one("#banner", Static).remove_class("-shown")

    def _update_banner(self) -> None:
        status = self._status
        if status is not None and status.auth_failed:
            self._show_banner(auth_banner(status.auth_message), warning=False)
        elif self.poller is None and self._polling_off:
            self._show_banner(polling_off_banner(self._polling_off), warning=True)
        elif problems := self._profile_problems():
            self._show_banner(profiles_banner(problems), warning=True)
        else:
            self._hide_banner()

    def profile_problem(self, profile: str) -> str | None:
        """Why tasks of ``profile`` cannot be polled or downloaded (None: fine)."""
        if self.clients is None:
            return None
        return self.clients.problem(profile)

    def _profile_problems(self) -> dict[str, tuple[int, str]]:
        """Unfinished tasks whose profile has no client: {profile: (count, why)}."""
        if self.clients is None:
            return {}
        counts: dict[str, int] = {}
        for summary in self.tracker.summaries().values():
            if not summary.finished:
                counts[summary.profile] = counts.get(summary.profile, 0) + 1
        problems: dict[str, tuple[int, str]] = {}
        for profile, count in counts.items():
            why = self.clients.problem(profile)
            if why:
                problems[profile] = (count, why)
        return problems

    def _announce(self, finished: Sequence[TaskSummary]) -> None:
        if self._bell:
            self.bell()
        for toast in toasts(finished):
            self._toast(toast)
            if self._notify_terminal:
                self.notifier.send(f"suno-tui: {toast.title}", toast.message)

    def _toast(self, toast: Toast, *, timeout: float | None = None) -> None:
        self.notify(
            toast.message, title=toast.title, severity=toast.severity, timeout=timeout, markup=False
        )

    def _write_to_terminal(self, text: str) -> None:
        """Raw bytes for the terminal (a notification), through the app's driver."""
        driver = self._driver
        if driver is None:
            return
        try:
            driver.write(text)
        except Exception:  # a closed terminal must not end the monitor
            return

    def _place_toasts(self) -> None:
        """Toasts sit above whatever is under the list (panes, status bar, footer)."""
        self.call_after_refresh(self._place_toasts_now)

    def _place_toasts_now(self) -> None:
        main = self.query_one("#main")
        bottom = max(2, self.size.height - main.region.bottom)
        for rack in self.screen_stack[0].query("#textual-toastrack"):
            if rack.styles.margin.bottom != bottom:
                rack.styles.margin = (0, 0, bottom, 0)

    def _tick(self) -> None:
        """The slow clock: repaint only rows whose relative times changed."""
        self.task_list.tick()
        now = self.clock()
        for view in self._detail_views():
            view.tick(now)
        self._update_status_bar()

    # --------------------------------------------------------------- details

    def _detail_views(self) -> list[DetailView]:
        views: list[DetailView] = []
        if self.wide:
            views.append(self.side)
        for screen in self.screen_stack:
            if isinstance(screen, DetailScreen):
                views.append(screen.detail)
        return views

    def _fill(self, view: DetailView, task_id: str | None) -> None:
        if task_id is None:
            view.show(None, None, None, (), self.clock(), self.tz)
            return
        summary = self.tracker.get(task_id)
        view.show(
            task_id,
            summary,
            self.tracker.task(task_id),
            self.tracker.transitions(task_id),
            self.clock(),
            self.tz,
            profile_note=(self.profile_problem(summary.profile) or "") if summary else "",
        )

    def _sync_side(self) -> None:
        if self.wide:
            self._fill(self.side, self.task_list.cursor_task_id)

    def _refresh_details(self, task_ids: set[str]) -> None:
        for view in self._detail_views():
            if view.task_id in task_ids:
                self._fill(view, view.task_id)

    def current_task_id(self) -> str | None:
        """The task the user is looking at: an open detail's, else the cursor's."""
        screen = self.screen
        if isinstance(screen, DetailScreen):
            return screen.detail.task_id
        return self.task_list.cursor_task_id

    # ------------------------------------------------------------ list events

    @on(TaskList.Highlighted)
    def _highlighted(self, event: TaskList.Highlighted) -> None:
        self._sync_side()

    @on(TaskList.Opened)
    def _opened(self, event: TaskList.Opened) -> None:
        if self.wide:
            self._fill(self.side, event.task_id)
            self.side.focus()
        else:
            task_id = event.task_id
            self.push_screen(DetailScreen(lambda view: self._fill(view, task_id)))

    @on(TaskList.ViewChanged)
    def _view_changed(self, event: TaskList.ViewChanged) -> None:
        self._update_top_bar()
        self._update_status_bar()

    @on(TaskList.FilterRequested)
    def _filter_requested(self, event: TaskList.FilterRequested) -> None:
        filter_input = self.query_one(FilterInput)
        filter_input.value = self.task_list.filter_text
        filter_input.add_class("-shown")
        filter_input.focus()

    @on(TaskList.FilterCleared)
    def _filter_cleared(self, event: TaskList.FilterCleared) -> None:
        self.query_one(FilterInput).remove_class("-shown")

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.task_list.set_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one(FilterInput).remove_class("-shown")
        self.task_list.focus()

    @on(FilterInput.Cleared)
    def _filter_input_cleared(self, event: FilterInput.Cleared) -> None:
        self.task_list.set_filter("")
        self.query_one(FilterInput).remove_class("-shown")
        self.task_list.focus()

    @on(DetailView.Back, "#side")
    def _side_back(self, event: DetailView.Back) -> None:
        self.task_list.focus()

    # ---------------------------------------------------------------- actions

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_poll_now(self) -> None:
        if self.poller is None:
            self._polling_is_off()
            return
        status = self.poller.status
        if status.auth_failed or status.paused:
            self.poller.resume()
        self.poller.poll_now()
        self.notify("Polling now", timeout=2, markup=False)

    def action_toggle_pause(self) -> None:
        if self.poller is None:
            self._polling_is_off()
            return
        status = self.poller.status
        if status.paused or status.auth_failed:
            self.poller.resume()
            self.notify("Polling resumed", timeout=2, markup=False)
        else:
            self.poller.pause()
            self.notify("Polling paused: p resumes", timeout=3, markup=False)
        self._status = self.poller.status
        self._update_status_bar()
        self._update_banner()

    def action_interval(self, direction: int) -> None:
        if self.poller is None:
            self._polling_is_off()
            return
        current = self.poller.status.interval
        wanted = next_interval(current, direction)
        self.poller.set_interval(wanted)
        self._status = self.poller.status
        self._update_status_bar()
        shown = interval_text(self._status.interval)
        self.notify(f"Polling every {shown}", timeout=2, markup=False)

    def action_toggle_events(self) -> None:
        self.toggle_class("-show-events")
        self._place_toasts()

    def action_copy_id(self) -> None:
        task_id = self.current_task_id()
        if task_id is None:
            self.notify("No task selected", severity="warning", markup=False)
            return
        self._copy(CopyTarget("task id", clean_line(task_id)))

    def action_copy_field(self) -> None:
        task_id = self.current_task_id()
        if task_id is None:
            self.notify("No task selected", severity="warning", markup=False)
            return
        targets = copy_targets(task_id, self.tracker.task(task_id))

        def copy(target: CopyTarget | None) -> None:
            if target is not None:
                self._copy(target)

        self.push_screen(CopyPickerScreen(targets), copy)

    def _copy(self, target: CopyTarget) -> None:
        self.copy_to_clipboard(target.value)
        shown = target.value if len(target.value) <= 60 else target.value[:59] + "…"
        self.notify(f"Copied {target.label}: {shown}", timeout=3, markup=False)

    def action_add_tasks(self) -> None:
        def added(ids: list[str] | None) -> None:
            if ids:
                self._add_ids(ids, announce=True)

        self.push_screen(AddTasksScreen(cursor_blink=self._cursor_blink), added)

    def _add_ids(
        self, ids: Iterable[str], *, announce: bool, profile: str | None = None
    ) -> list[TaskSummary]:
        ids = list(ids)
        profile = profile or self.profile
        try:
            added = self.tracker.add(ids, profile)
        except ValueError as error:
            self.notify(clean_line(str(error)), title="Not added", severity="error", markup=False)
            return []
        if added:
            self.task_list.upsert(added)
            self._recount()
            self.task_list.select(added[0].task_id)
            if self.clients is not None and profile not in self._wired:
                self.run_worker(self._wire(profile), group="wire", exit_on_error=False)
            elif self.poller is not None:
                self.poller.notify_added()
        self._update_status_bar()
        self._update_banner()
        if announce:
            skipped = len(ids) - len(added)
            text = f"Watching {len(added)} new task{'s' if len(added) != 1 else ''}"
            if skipped:
                text += f" ({skipped} already watched)"
            self.notify(text, timeout=3, markup=False)
        return added

    async def _wire(self, profile: str) -> None:
        """Give the poller a client for a profile first used now (built in a thread)."""
        assert self.clients is not None
        try:
            client = await self.clients.client(profile)
        except Exception:  # the reason is kept by the pool: the banner shows it
            self._update_banner()
            return
        self._wired.add(profile)
        if self.poller is not None:
            self.poller.set_client(profile, client)
            self.poller.notify_added()
        self._update_banner()

    def action_remove_task(self) -> None:
        task_id = self.current_task_id()
        if task_id is None:
            self.notify("No task selected", severity="warning", markup=False)
            return
        summary = self.tracker.get(task_id)
        title = clean_line(summary.title) if summary is not None else ""
        question = Content.assemble(
            "Stop watching ",
            (clean_line(task_id), "bold"),
            (f"\n{title}" if title else ""),
            ("\n\nIts saved snapshot and timeline are deleted; downloads stay.", "$text-muted"),
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(task_id)

        self.push_screen(ConfirmScreen("Stop watching?", question), answered)

    def _remove(self, task_id: str) -> None:
        self.tracker.remove(task_id)
        self.task_list.discard(task_id)
        self._recount()
        if isinstance(self.screen, DetailScreen) and self.screen.detail.task_id == task_id:
            self.pop_screen()
        self._sync_side()
        self._update_status_bar()
        self.notify(f"Stopped watching {clean_line(task_id)}", timeout=3, markup=False)

    def _polling_is_off(self) -> None:
        self.notify(
            self._polling_off or "Polling is off", severity="warning", timeout=4, markup=False
        )

    # -------------------------------------------------------- command palette

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers the same commands as the keys (from the registry)."""
        keymap = self.user_keymap
        for command in COMMANDS:
            if not command.palette or command.scope not in (Scope.APP, Scope.LIST, Scope.DETAIL):
                continue
            if command.scope is Scope.DETAIL and not self._detail_views():
                continue
            keys = keymap.get(command.id, command.key_display or command.key)
            yield SystemCommand(
                command.description,
                f"{keys}  ·  {command.id}",
                self._palette_runner(command.id),
            )
        yield SystemCommand("Theme", "Change the colour theme", self.action_change_theme)

    def _palette_runner(self, command_id: str) -> Callable[[], Any]:
        command = BY_ID[command_id]

        async def run() -> None:
            if command.scope is Scope.APP:
                await self.run_action(command.action)
            elif command.scope is Scope.LIST:
                await self.run_action(command.action, self.task_list)
            else:
                views = self._detail_views()
                if views:
                    await self.run_action(command.action, views[-1])

        return run

    # --------------------------------------------------------------- quitting

    async def action_quit(self) -> None:
        busy = self.downloads is not None and self.downloads.busy
        if busy and not isinstance(self.screen, QuitScreen):
            question = Content.assemble(
                "Downloads are running. Quitting cancels them.\n\n",
                ("Partial files (.part) are kept: d resumes them next time.", "$text-muted"),
            )

            def answered(yes: bool | None) -> None:
                if yes:
                    self._quit_now()

            self.push_screen(QuitScreen("Quit while downloading?", question), answered)
            return
        self._quit_now()

    def _quit_now(self) -> None:
        if self.poller is not None:
            self.poller.stop()
        if self.downloads is not None:
            self.downloads.cancel()
        self.exit(0)

    async def on_unmount(self) -> None:
        if self.poller is not None:
            self.poller.stop()
        if self.downloads is not None:
            await self.downloads.aclose()
        if self._on_exit is not None:
            await self._on_exit()
