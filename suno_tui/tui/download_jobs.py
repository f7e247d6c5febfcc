"""The monitor's downloads: which tasks to send to the download manager, its
progress events gathered for the pane, and a result per task for the toasts.

No widgets here. The manager (the domain's, built by the front end's factory
on first use) calls :meth:`Downloads.take` on the event loop for every
progress event; the app drains them in one message handler, so a burst of
events costs one repaint. Each task's run ends with a :class:`TaskResult`
(what was saved where, what was skipped and why).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from suno_tui.downloads.assets import SkipKind
from suno_tui.downloads.events import DownloadProgress, FileState
from suno_tui.relay.models import TaskKind, TaskStatus
from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import NOT_FOUND, TaskSummary
from suno_tui.tui.announce import Toast
from suno_tui.tui.download_board import DownloadBoard
from suno_tui.tui.ports import DownloaderLike, DownloadSetup, RecordDownload

#: asset kinds that many clips simply do not have (not counted as missing)
_OPTIONAL = frozenset({"video"})
_LYRICS_TASK_KINDS = frozenset({"lyrics", "json"})


@dataclass(slots=True)
class TaskResult:
    """How one task's download run ended. Texts are display-safe."""

    task_id: str
    saved: list[Path] = field(default_factory=list)  # new files
    present: list[Path] = field(default_factory=list)  # complete on disk already
    skipped: list[str] = field(default_factory=list)  # "clip 1: still streaming..."
    unavailable: int = 0  # assets the clips simply do not have (no video...)
    failed: list[str] = field(default_factory=list)
    error: str = ""  # the task itself could not be fetched
    cancelled: bool = False

    @property
    def paths(self) -> list[Path]:
        return [*self.saved, *self.present]

    @property
    def complete(self) -> bool:
        """Everything the task offers is on disk."""
        return not (self.error or self.failed or self.skipped or self.cancelled) and bool(
            self.paths
        )


def downloadable(summary: TaskSummary) -> str | None:
    """Why ``summary`` has nothing to download yet (None: worth asking the manager).

    Unfinished tasks are worth it: a complete clip of a running task is saved,
    and the others are skipped with their reason.
    """
    if summary.status_label == NOT_FOUND:
        return "the gateway does not know this task: nothing to download"
    failed = summary.status is TaskStatus.FAILURE and summary.kind is not TaskKind.LYRICS
    if failed and summary.clips_done == 0:
        reason = clean_line(summary.fail_reason)
        return "the task failed with no finished clip" + (f" ({reason})" if reason else "")
    return None


def wants_download(summary: TaskSummary, assets: Sequence[str]) -> bool:
    """For ``D``: a finished task with files, and fewer of them on disk than it offers."""
    if not summary.finished or downloadable(summary) is not None:
        return False
    if summary.kind is TaskKind.LYRICS:
        expected = sum(1 for kind in assets if kind in _LYRICS_TASK_KINDS)
    else:
        if summary.clips_done == 0:
            return False
        expected = summary.clips_done * sum(1 for kind in assets if kind not in _OPTIONAL)
    return summary.downloaded == 0 or summary.downloaded < expected


class Downloads:
    """Gathers the manager's events; the manager is built on the first download."""

    def __init__(self, setup: DownloadSetup, record: RecordDownload) -> None:
        self.setup = setup
        self._record = record
        self._manager: DownloaderLike | None = None
        self._pending: list[DownloadProgress] = []
        self._results: dict[str, TaskResult] = {}
        #: done paths per task, across runs (for the completion hook)
        self._paths: dict[str, list[str]] = {}
        #: tasks whose last run left everything on disk
        self.complete: set[str] = set()
        self.board = DownloadBoard()
        self.on_event: Callable[[], None] = lambda: None

    @property
    def directory(self) -> Path:
        return self.setup.directory

    @property
    def busy(self) -> bool:
        return self._manager is not None and self._manager.busy

    def _take(self, event: DownloadProgress) -> None:
        first = not self._pending
        self._pending.append(event)
        if first:
            self.on_event()

    def start(self, task_ids: Iterable[str]) -> list[str]:
        """Queue tasks (those already queued are left as they are); returns the new ones."""
        if self._manager is None:
            self._manager = self.setup.factory(self._take, self._record)
        started: list[str] = []
        for task_id in task_ids:
            # The board is reset first: submit() reports "queued" at once.
            self.board.started(task_id)
            if self._manager.submit(task_id):
                self._results[task_id] = TaskResult(task_id)
                started.append(task_id)
        return started

    def cancel(self, task_id: str | None = None) -> None:
        if self._manager is not None:
            self._manager.cancel(task_id)

    async def aclose(self) -> None:
        """Cancel what runs (.part files stay for resume) and close the connections."""
        if self._manager is not None:
            await self._manager.aclose()

    def paths_for(self, task_id: str) -> list[str]:
        return list(self._paths.get(task_id, ()))

    def drain(self, label: Callable[[DownloadProgress], str]) -> list[TaskResult]:
        """Apply the waiting events to the board; return the runs that ended."""
        events, self._pending = self._pending, []
        ended: list[TaskResult] = []
        for event in events:
            self.board.apply(event, label)
            result = self._results.get(event.task_id)
            if result is None:
                continue
            if event.is_task_event:
                if event.state.final:
                    self._end(result, event)
                    ended.append(self._results.pop(event.task_id))
            elif event.state.final:
                _tally(result, event, label(event))
                if event.state is FileState.DONE and event.path is not None:
                    paths = self._paths.setdefault(event.task_id, [])
                    if str(event.path) not in paths:
                        paths.append(str(event.path))
        return ended

    def _end(self, result: TaskResult, event: DownloadProgress) -> None:
        if event.state is FileState.CANCELLED:
            result.cancelled = True
        elif event.state is FileState.FAILED and not (result.failed or result.paths):
            result.error = clean_line(event.message) or "failed"
        if result.complete:
            self.complete.add(result.task_id)
        else:
            self.complete.discard(result.task_id)


def _tally(result: TaskResult, event: DownloadProgress, label: str) -> None:
    message = clean_line(event.message)
    if event.state is FileState.DONE and event.path is not None:
        (result.present if event.present else result.saved).append(event.path)
    elif event.state is FileState.SKIPPED:
        if event.skip_kind is SkipKind.UNAVAILABLE:
            result.unavailable += 1
        else:
            result.skipped.append(f"{label}: {message}" if message else label)
    elif event.state is FileState.FAILED:
        result.failed.append(f"{label}: {message}" if message else label)
    elif event.state is FileState.CANCELLED:
        result.cancelled = True


def common_folder(paths: Sequence[Path], fallback: Path) -> Path:
    """The folder holding every path (the download folder if none)."""
    folders = {path.parent for path in paths}
    if not folders:
        return fallback
    if len(folders) == 1:
        return folders.pop()
    import os.path

    try:
        return Path(os.path.commonpath([str(folder) for folder in folders]))
    except ValueError:
        return fallback


def skip_label(event: DownloadProgress, title: str) -> str:
    """How a line without a file is named: the task's title, the clip, the asset."""
    title = clean_line(title) or clean_line(event.task_id)[:12]
    if event.is_task_event:
        return title
    clip = clean_line(event.clip_id)[:8]
    asset = "" if event.asset in ("", "clip") else f" {clean_line(event.asset)}"
    return f"{title} · clip {clip}{asset}" if clip else f"{title}{asset}"


def _more(items: Sequence[str], shown: int = 1) -> str:
    text = "\n".join(items[:shown])
    if len(items) > shown:
        text += f"\n(and {len(items) - shown} more: w shows them)"
    return text


def download_toast(result: TaskResult, name: str, directory: Path) -> Toast:
    """What to say when a task's download run ends (display-safe text)."""
    name = clean_line(name) or clean_line(result.task_id)
    folder = clean_line(str(common_folder(result.paths, directory)))
    if result.cancelled:
        return Toast(f"{name}\nPartial files are kept; d resumes.", "Download cancelled")
    if result.error:
        return Toast(f"{name}\n{result.error}", "✗ Download failed", "error")
    if result.failed:
        saved = f"\n{len(result.paths)} saved in {folder}" if result.paths else ""
        return Toast(f"{name}\n{_more(result.failed)}{saved}", "✗ Some files failed", "error")
    if not result.paths:
        why = _more(result.skipped) if result.skipped else "the task offers no files"
        return Toast(f"{name}\n{why}", "Nothing downloaded", "warning")
    count = len(result.paths)
    files = f"{count} file{'s' if count != 1 else ''}"
    if not result.saved:
        text = f"{name}\nAll {files} already in {folder}"
        title = "Already downloaded"
    else:
        text = f"{name}\n{files} in {folder}"
        title = "↓ Downloaded"
    if result.skipped:
        text += f"\nSkipped: {_more(result.skipped)}"
    return Toast(text + "\nw, then y, copies the folder", title)


def bulk_toast(results: Sequence[TaskResult], directory: Path) -> Toast:
    """One toast for a whole ``D`` run: a toast per task would bury the screen."""
    saved = sum(len(result.saved) for result in results)
    present = sum(len(result.present) for result in results)
    troubled = sum(1 for result in results if result.error or result.failed)
    folder = clean_line(str(directory))
    lines = [f"{saved} new file{'s' if saved != 1 else ''} in {folder}"]
    if present:
        lines.append(f"{present} already there")
    if troubled:
        lines.append(f"{troubled} task{'s' if troubled != 1 else ''} failed: w shows why")
    count = len(results)
    title = f"↓ {count} task{'s' if count != 1 else ''} done"
    return Toast("\n".join(lines), title, "error" if troubled else "information")
