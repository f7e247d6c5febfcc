"""The monitor's downloads as a person sees them: ``d``, ``D``, the pane
(``w``) with a line per file, and a toast when a task's run ends (one for a
whole ``D`` run)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from textual.app import App

from suno_tui.downloads.events import DownloadProgress, TaskOutcome
from suno_tui.engine.engine import Engine
from suno_tui.safe_text import clean_line
from suno_tui.tui.downloads.board import DownloadBoard, file_label
from suno_tui.tui.downloads.download_toasts import bulk_toast, download_toast, skip_label
from suno_tui.tui.downloads.pane import DownloadPane
from suno_tui.tui.news.finished import Toast
from suno_tui.tui.tasks.task_list import TaskList


class DownloadsUI:
    def __init__(
        self,
        app: App[int],
        engine: Engine,
        task_list: Callable[[], TaskList],
        *,
        toast: Callable[[Toast, float], None],
        place_toasts: Callable[[], None],
    ) -> None:
        self._app = app
        self._engine = engine
        self._task_list = task_list
        self._toast = toast
        self._place_toasts = place_toasts
        self.board = DownloadBoard()
        #: tasks of a D run still downloading, and the outcomes of those done
        self._bulk_pending: set[str] = set()
        self._bulk_results: list[TaskOutcome] = []

    @property
    def directory(self) -> Path:
        downloads = self._engine.downloads
        return downloads.directory if downloads is not None else Path(".")

    @property
    def pane(self) -> DownloadPane:
        return self._app.query_one("#downloads", DownloadPane)

    @property
    def busy(self) -> bool:
        return self._engine.downloads is not None and self._engine.downloads.busy

    def download(self, task_id: str | None) -> None:
        """``d``: the selected task's finished clips."""
        app = self._app
        if task_id is None:
            app.notify("No task selected", severity="warning", markup=False)
            return
        summary = self._engine.get(task_id)
        if not self._set_up() or summary is None:
            return
        name = self.task_name(task_id)
        problem = self._engine.download_problem(task_id)
        if problem:
            app.notify(f"{name}\n{problem}", title="Not downloaded", severity="warning",
                       markup=False)  # fmt: skip
            return
        if not self._start([task_id]):
            app.notify(f"{name}\nalready downloading", timeout=3, markup=False)
            return
        self.show()
        note = "" if summary.finished else "\nnot finished: only its complete clips are saved"
        app.notify(f"{name}{note}", title="Downloading", timeout=3, markup=False)

    def download_all(self) -> None:
        """``D``: every finished task with files not downloaded yet."""
        if not self._set_up():
            return
        wanted = self._engine.worth_downloading()
        if not wanted:
            self._app.notify("Nothing new to download: every finished task's files are on disk",
                             timeout=4, markup=False)  # fmt: skip
            return
        started = self._start(wanted)
        self._bulk_pending.update(started)
        self.show()
        count = len(started)
        self._app.notify(
            f"{count} task{'s' if count != 1 else ''} queued; files go to "
            f"{clean_line(str(self.directory))}",
            title="Downloading",
            timeout=4,
            markup=False,
        )

    def _start(self, task_ids: Sequence[str]) -> list[str]:
        for task_id in task_ids:
            self.board.started(task_id)  # reset first: the engine reports "queued" at once
        return self._engine.download(task_ids)

    def _set_up(self) -> bool:
        if self._engine.downloads is None:
            self._app.notify("Downloads are not set up (no gateway configured)",
                             severity="warning", markup=False)  # fmt: skip
            return False
        return True

    def toggle(self) -> None:
        """``w``: show and focus the downloads pane; again: hide it."""
        pane = self.pane
        if self._app.has_class("-show-downloads") and pane.has_focus:
            self.hide()
            return
        self.show()
        pane.focus()

    def hide(self) -> None:
        """Hide the pane and go back to the list (``w`` again, or Esc there)."""
        self._app.remove_class("-show-downloads")
        self._place_toasts()
        self._task_list().focus()

    def show(self) -> None:
        if not self._app.has_class("-show-downloads"):
            self._app.add_class("-show-downloads")
            self.pane.refresh(layout=True)
            self._place_toasts()

    def cancel(self, task_id: str) -> None:
        self._engine.cancel_download(task_id)
        self._app.notify(f"Cancelling {self.task_name(task_id)}", timeout=3, markup=False)

    def task_name(self, task_id: str) -> str:
        summary = self._engine.get(task_id)
        title = clean_line(summary.title) if summary is not None else ""
        return title or clean_line(task_id)

    def label(self, event: DownloadProgress) -> str:
        if event.path is not None:
            return file_label(event.path, self.directory, event.path.name)
        summary = self._engine.get(event.task_id)
        return skip_label(event, summary.title if summary is not None else "")

    def apply(self, progress: Sequence[DownloadProgress], ended: Sequence[TaskOutcome]) -> None:
        """Progress onto the board (one repaint), then a toast per run that ended."""
        for event in progress:
            self.board.apply(event, self.label)
        self.pane.board_changed()
        self._place_toasts()
        for outcome in ended:
            self._ended(outcome)

    def _ended(self, outcome: TaskOutcome) -> None:
        if outcome.task_id in self._bulk_pending:  # part of a D run: one toast at its end
            self._bulk_pending.discard(outcome.task_id)
            self._bulk_results.append(outcome)
            if not self._bulk_pending:
                results, self._bulk_results = self._bulk_results, []
                self._toast(bulk_toast(results, self.directory), 8)
            return
        name = self.task_name(outcome.task_id)
        self._toast(download_toast(outcome, name, self.directory, self.label), 8)
