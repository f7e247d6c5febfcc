"""The monitor's downloads: ``d``, ``D``, the pane (``w``), and what the
download manager reports (rows, pane lines, a toast per task).

A mixin of :class:`~suno_tui.tui.app.MonitorApp`, kept apart so that the app
module coordinates and this one handles downloads only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.message import Message

from suno_tui.downloads.events import DownloadProgress
from suno_tui.safe_text import clean_line
from suno_tui.tui.detail_doc import CopyTarget
from suno_tui.tui.download_board import file_label
from suno_tui.tui.download_jobs import (
    Downloads,
    TaskResult,
    bulk_toast,
    download_toast,
    downloadable,
    skip_label,
    wants_download,
)
from suno_tui.tui.download_pane import DownloadPane
from suno_tui.tui.ports import TrackerLike

if TYPE_CHECKING:
    from suno_tui.tui.announce import Toast
    from suno_tui.tui.task_list import TaskList


class DownloadsChanged(Message):
    """Download progress events wait in the app's Downloads."""


class DownloadsMixin(App[int]):
    """Download actions and events (the host app provides what is declared here)."""

    tracker: TrackerLike
    downloads: Downloads | None
    #: tasks of a D run still downloading, and the results of those done
    _bulk_pending: set[str]
    _bulk_results: list[TaskResult]

    if TYPE_CHECKING:

        @property
        def task_list(self) -> TaskList: ...
        def current_task_id(self) -> str | None: ...
        def profile_problem(self, profile: str) -> str | None: ...
        def _refresh_details(self, task_ids: set[str]) -> None: ...
        def _toast(self, toast: Toast, *, timeout: float | None = None) -> None: ...
        def _copy(self, target: CopyTarget) -> None: ...
        def _place_toasts(self) -> None: ...

    @property
    def download_pane(self) -> DownloadPane:
        return self.query_one("#downloads", DownloadPane)

    def action_download(self) -> None:
        """``d``: the selected task's finished clips."""
        task_id = self.current_task_id()
        if task_id is None:
            self.notify("No task selected", severity="warning", markup=False)
            return
        downloads = self._downloads_or_say()
        summary = self.tracker.get(task_id)
        if downloads is None or summary is None:
            return
        name = self._task_name(task_id)
        problem = downloadable(summary) or self.profile_problem(summary.profile)
        if problem:
            self.notify(f"{name}\n{problem}", title="Not downloaded", severity="warning",
                        markup=False)  # fmt: skip
            return
        if not downloads.start([task_id]):
            self.notify(f"{name}\nalready downloading", timeout=3, markup=False)
            return
        self._show_downloads()
        note = "" if summary.finished else "\nnot finished: only its complete clips are saved"
        self.notify(f"{name}{note}", title="Downloading", timeout=3, markup=False)

    def action_download_all(self) -> None:
        """``D``: every finished task with files not downloaded yet."""
        downloads = self._downloads_or_say()
        if downloads is None:
            return
        assets = downloads.setup.assets
        wanted = [
            summary.task_id
            for summary in self.tracker.summaries().values()
            if wants_download(summary, assets)
            and summary.task_id not in downloads.complete
            and not self.profile_problem(summary.profile)
        ]
        if not wanted:
            self.notify("Nothing new to download: every finished task's files are on disk",
                        timeout=4, markup=False)  # fmt: skip
            return
        started = downloads.start(wanted)
        self._bulk_pending.update(started)
        self._show_downloads()
        count = len(started)
        self.notify(
            f"{count} task{'s' if count != 1 else ''} queued; files go to "
            f"{clean_line(str(downloads.directory))}",
            title="Downloading",
            timeout=4,
            markup=False,
        )

    def action_toggle_downloads(self) -> None:
        """``w``: show and focus the downloads pane; again: hide it."""
        pane = self.download_pane
        if self.has_class("-show-downloads") and pane.has_focus:
            self.remove_class("-show-downloads")
            self._place_toasts()
            self.task_list.focus()
            return
        self._show_downloads()
        pane.focus()

    def _show_downloads(self) -> None:
        if not self.has_class("-show-downloads"):
            self.add_class("-show-downloads")
            self.download_pane.refresh(layout=True)
            self._place_toasts()

    def _downloads_or_say(self) -> Downloads | None:
        if self.downloads is None:
            self.notify("Downloads are not set up (no gateway configured)", severity="warning",
                        markup=False)  # fmt: skip
        return self.downloads

    def _task_name(self, task_id: str) -> str:
        summary = self.tracker.get(task_id)
        title = clean_line(summary.title) if summary is not None else ""
        return title or clean_line(task_id)

    def _download_label(self, event: DownloadProgress) -> str:
        if event.path is not None and self.downloads is not None:
            return file_label(event.path, self.downloads.directory, event.path.name)
        summary = self.tracker.get(event.task_id)
        return skip_label(event, summary.title if summary is not None else "")

    def _record_download(
        self, task_id: str, clip_id: str, asset: str, path: Path, size: int, sha256: str
    ) -> None:
        """The manager saved a file: remember it, and show the new count in the list."""
        summary = self.tracker.record_download(task_id, clip_id, asset, str(path), size, sha256)
        if summary is not None and summary.task_id in self.task_list:
            self.task_list.upsert([summary])
            self._refresh_details({task_id})

    def _downloads_changed(self) -> None:
        self.post_message(DownloadsChanged())

    def on_downloads_changed(self, message: DownloadsChanged) -> None:
        if self.downloads is None:
            return
        results = self.downloads.drain(self._download_label)
        self.download_pane.board_changed()
        self._place_toasts()
        for result in results:
            self._download_ended(result)

    def _download_ended(self, result: TaskResult) -> None:
        assert self.downloads is not None
        if result.task_id in self._bulk_pending:  # part of a D run: one toast at its end
            self._bulk_pending.discard(result.task_id)
            self._bulk_results.append(result)
            if not self._bulk_pending:
                results, self._bulk_results = self._bulk_results, []
                self._toast(bulk_toast(results, self.downloads.directory), timeout=8)
            return
        toast = download_toast(result, self._task_name(result.task_id), self.downloads.directory)
        self._toast(toast, timeout=8)

    def on_download_pane_copy(self, event: DownloadPane.Copy) -> None:
        self._copy(CopyTarget(event.label, event.value))

    def on_download_pane_cancel(self, event: DownloadPane.Cancel) -> None:
        if self.downloads is not None:
            self.downloads.cancel(event.task_id)
            self.notify(f"Cancelling {self._task_name(event.task_id)}", timeout=3, markup=False)

    def on_download_pane_back(self, event: DownloadPane.Back) -> None:
        self.task_list.focus()
