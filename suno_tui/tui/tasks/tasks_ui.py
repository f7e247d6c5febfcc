"""Editing the watch list from the monitor: ``a`` adds ids, ``x`` stops
watching one (after asking), ``n`` submits a new job (the form) and watches it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual.app import App
from textual.content import Content

from suno_tui.engine.engine import Engine
from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import TaskSummary
from suno_tui.tui.tasks.task_list import TaskList

# The screens are imported when opened: the first frame does not need them.
if TYPE_CHECKING:
    from suno_tui.relay.submit_requests import MusicRequest
    from suno_tui.tui.screens.add_tasks import AddRequest
    from suno_tui.tui.screens.submit_form import Submitted


class TasksUI:
    def __init__(
        self,
        app: App[int],
        engine: Engine,
        task_list: Callable[[], TaskList],
        *,
        rows_changed: Callable[[], None],
        removed: Callable[[str], None],
        cursor_blink: bool,
    ) -> None:
        self._app = app
        self._engine = engine
        self._task_list = task_list
        self._rows_changed = rows_changed
        self._removed = removed
        self._cursor_blink = cursor_blink

    def ask_to_add(self) -> None:
        from suno_tui.tui.screens.add_tasks import AddTasksScreen

        def added(request: AddRequest | None) -> None:
            if request and request.ids:
                self.add(request.ids, announce=True, profile=request.profile)

        screen = AddTasksScreen(
            cursor_blink=self._cursor_blink,
            profiles=self._engine.profiles(),
            profile=self._engine.profile,
        )
        self._app.push_screen(screen, added)

    def add(
        self, ids: Iterable[str], *, announce: bool, profile: str | None = None
    ) -> list[TaskSummary]:
        ids = list(ids)
        try:
            added = self._engine.add(ids, profile)
        except ValueError as error:
            self._app.notify(clean_line(str(error)), title="Not added", severity="error",
                             markup=False)  # fmt: skip
            return []
        if added:
            task_list = self._task_list()
            task_list.upsert(added)
            task_list.select(added[0].task_id)
        self._rows_changed()
        if announce:
            skipped = len(ids) - len(added)
            text = f"Watching {len(added)} new task{'s' if len(added) != 1 else ''}"
            if skipped:
                text += f" ({skipped} already watched)"
            self._app.notify(text, timeout=3, markup=False)
        return added

    def ask_to_remove(self, task_id: str | None) -> None:
        from suno_tui.tui.screens.confirm import ConfirmScreen

        if task_id is None:
            self._app.notify("No task selected", severity="warning", markup=False)
            return
        summary = self._engine.get(task_id)
        title = clean_line(summary.title) if summary is not None else ""
        question = Content.assemble(
            "Stop watching ",
            (clean_line(task_id), "bold"),
            (f"\n{title}" if title else ""),
            ("\n\nIts saved snapshot and timeline are deleted; downloads stay.", "$text-muted"),
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.remove(task_id)

        self._app.push_screen(ConfirmScreen("Stop watching?", question), answered)

    def remove(self, task_id: str) -> None:
        self._engine.remove(task_id)
        self._task_list().discard(task_id)
        self._removed(task_id)
        self._app.notify(f"Stopped watching {clean_line(task_id)}", timeout=3, markup=False)

    def submit(self, *, prefill: MusicRequest | None = None, profile: str | None = None) -> None:
        """``n``: the form for a new music or lyrics job (``N``: filled with
        ``prefill``, to go to ``profile``)."""
        from suno_tui.tui.screens.submit_form import SubmitScreen

        engine = self._engine
        if engine.clients is None:
            self._app.notify("Submitting needs a gateway: no token configured",
                             severity="warning", markup=False)  # fmt: skip
            return

        def submitted(result: Submitted | None) -> None:
            if result is None:
                return
            self.add([result.task_id], announce=False, profile=result.profile)
            self._app.notify(
                f"{clean_line(result.task_id)}: watching it now",
                title=f"Submitted a {result.kind} job",
                timeout=5,
                markup=False,
            )

        screen = SubmitScreen(
            engine.send_job,
            profiles=engine.profiles(),
            profile=profile or engine.profile,
            cursor_blink=self._cursor_blink,
            prefill=prefill,
        )
        self._app.push_screen(screen, submitted)
