"""The manager's progress events: one per change of a file or a task, the
latest of each file kept for ``active()``, none lost to a broken listener."""

from __future__ import annotations

import contextlib
from pathlib import Path

from suno_tui.downloads.assets import Asset, Skip
from suno_tui.downloads.events import (
    DownloadProgress,
    FileState,
    ProgressCallback,
)
from suno_tui.downloads.runs import TaskRun
from suno_tui.safe_text import clean_line


class ProgressEvents:
    """Emitting progress events (a base of DownloadManager)."""

    _on_progress: ProgressCallback | None
    _latest: dict[tuple[str, str, str], DownloadProgress]

    def _emit(
        self,
        run: TaskRun,
        asset: Asset,
        path: Path | None,
        state: FileState,
        message: str = "",
        *,
        received: int = 0,
        total: int | None = None,
        speed: float = 0.0,
        sha256: str = "",
        present: bool = False,
        resumed_from: int = 0,
        error_kind: str = "",
    ) -> None:
        event = DownloadProgress(
            task_id=asset.task_id,
            clip_id=asset.clip_id,
            asset=asset.kind,
            path=path,
            received=received,
            total=total,
            speed_bps=speed,
            state=state,
            message=message,
            sha256=sha256,
            present=present,
            resumed_from=resumed_from,
            error_kind=error_kind,
        )
        key = (asset.task_id, asset.clip_id, asset.kind)
        if state.final:
            self._latest.pop(key, None)
            run.outcome.files.append(event)
        else:
            self._latest[key] = event
        self._send(event)

    def _emit_skip(self, run: TaskRun, skip: Skip) -> None:
        event = DownloadProgress(
            task_id=skip.task_id,
            clip_id=skip.clip_id,
            asset=skip.kind or "clip",
            path=None,
            received=0,
            total=None,
            speed_bps=0.0,
            state=FileState.SKIPPED,
            message=skip.reason,
            skip_kind=skip.category,
        )
        run.outcome.files.append(event)
        self._send(event)

    def _emit_task(self, run: TaskRun, state: FileState, message: str, kind: str = "") -> None:
        event = DownloadProgress(
            task_id=run.task_id,
            clip_id="",
            asset="",
            path=None,
            received=0,
            total=None,
            speed_bps=0.0,
            state=state,
            message=clean_line(message),
            error_kind=kind,
        )
        self._send(event)

    def _fail_task(self, run: TaskRun, message: str, kind: str) -> None:
        run.outcome.error, run.outcome.error_kind = clean_line(message), kind
        self._emit_task(run, FileState.FAILED, message, kind)

    def _send(self, event: DownloadProgress) -> None:
        if self._on_progress is not None:
            with contextlib.suppress(Exception):  # a broken listener must not stop downloads
                self._on_progress(event)
