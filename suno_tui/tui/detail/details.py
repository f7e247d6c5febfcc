"""The detail of a task, wherever it shows: beside the list on a wide
terminal, on a screen of its own on a narrow one. Keeps every open view
current, answers "which task is the user looking at", and copies its id
or one of its URLs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App

from suno_tui.engine.engine import Engine
from suno_tui.safe_text import clean_line
from suno_tui.tui.bars.status_bar import StatusBar
from suno_tui.tui.detail.cover_view import CoverSource
from suno_tui.tui.detail.document import CopyTarget, copy_targets
from suno_tui.tui.detail.screen import DetailScreen
from suno_tui.tui.detail.timed_lines import TimedLyrics
from suno_tui.tui.detail.view import DetailView
from suno_tui.tui.tasks.task_list import TaskList

if TYPE_CHECKING:
    from suno_tui.relay.models import Task
    from suno_tui.tui.detail.lineage_lines import Family


class Details:
    def __init__(
        self,
        app: App[int],
        engine: Engine,
        task_list: Callable[[], TaskList],
        *,
        status_bar: Callable[[], StatusBar],
        clock: Callable[[], datetime],
        tz: tzinfo | None,
        covers: CoverSource | None = None,
    ) -> None:
        self._app = app
        self._covers = covers
        self._status_bar = status_bar
        self._engine = engine
        self._task_list = task_list
        self._clock = clock
        self._tz = tz
        downloads = engine.downloads
        #: the clips' timed lyrics, read back from their .lrc files
        self.timed = TimedLyrics(
            downloads.saved_file if downloads is not None else (lambda *_: None),
            _read_timed_file,
        )

    @property
    def wide(self) -> bool:
        return self._app.has_class("-wide")

    @property
    def side(self) -> DetailView:
        return self._app.query_one("#side", DetailView)

    def views(self) -> list[DetailView]:
        """Every detail view on show (the side one only when the terminal is wide)."""
        views: list[DetailView] = []
        if self.wide:
            views.append(self.side)
        for screen in self._app.screen_stack:
            if isinstance(screen, DetailScreen):
                views.append(screen.detail)
        return views

    def fill(self, view: DetailView, task_id: str | None) -> None:
        if task_id is None:
            view.show(None, None, None, (), self._clock(), self._tz)
            return
        engine = self._engine
        summary = engine.get(task_id)
        task = engine.task(task_id)
        view.show(
            task_id,
            summary,
            task,
            engine.transitions(task_id),
            self._clock(),
            self._tz,
            profile_note=(engine.profile_problem(summary.profile) or "") if summary else "",
            timed=self.timed.for_task(engine.task(task_id)),
            family=_family(engine, task_id, task),
        )

    def sync_side(self) -> None:
        if self.wide:
            self.fill(self.side, self._task_list().cursor_task_id)

    def refresh(self, task_ids: set[str]) -> None:
        self.timed.forget(task_ids)
        for view in self.views():
            if view.task_id in task_ids:
                self.fill(view, view.task_id)

    def tick(self, now: datetime) -> None:
        for view in self.views():
            view.tick(now)

    def open(self, task_id: str) -> None:
        """Show a task: beside the list (focused), or on a screen of its own."""
        if self.wide:
            self.fill(self.side, task_id)
            self.side.focus()
        else:
            fill = lambda view: self.fill(view, task_id)  # noqa: E731
            self._app.push_screen(DetailScreen(fill, self._status_bar(), self._covers))

    def current_task_id(self) -> str | None:
        """The task the user is looking at: an open detail's, else the cursor's."""
        screen = self._app.screen
        if isinstance(screen, DetailScreen):
            return screen.detail.task_id
        return self._task_list().cursor_task_id

    def closed(self, task_id: str) -> None:
        """A task is gone: close its screen, and show the cursor's beside the list."""
        screen = self._app.screen
        if isinstance(screen, DetailScreen) and screen.detail.task_id == task_id:
            self._app.pop_screen()
        self.sync_side()

    # -- copying what the user looks at ------------------------------------------

    def copy_id(self) -> None:
        task_id = self.current_task_id()
        if task_id is None:
            self._app.notify("No task selected", severity="warning", markup=False)
            return
        self.copy(CopyTarget("task id", clean_line(task_id)))

    def copy_field(self) -> None:
        """A picker of the task's URLs and ids; the chosen one is copied."""
        from suno_tui.tui.screens.copy_picker import CopyPickerScreen  # when opened

        task_id = self.current_task_id()
        if task_id is None:
            self._app.notify("No task selected", severity="warning", markup=False)
            return

        def copy(target: CopyTarget | None) -> None:
            if target is not None:
                self.copy(target)

        targets = copy_targets(task_id, self._engine.task(task_id))
        self._app.push_screen(CopyPickerScreen(targets), copy)

    def copy(self, target: CopyTarget) -> None:
        self._app.copy_to_clipboard(target.value)
        shown = target.value if len(target.value) <= 60 else target.value[:59] + "…"
        self._app.notify(f"Copied {target.label}: {shown}", timeout=3, markup=False)


# The detail's lineage and timed lyrics load when a detail is first drawn,
# not on the way to the first frame (tests/test_first_frame_imports.py).


def _read_timed_file(path: Path) -> list[str] | None:
    from suno_tui.engine.clip_extras import read_timed_file

    return read_timed_file(path)


def _family(engine: Engine, task_id: str, task: Task | None) -> Family:
    from suno_tui.tui.detail.lineage_lines import family_of

    return family_of(engine.lineage, task_id, task)
