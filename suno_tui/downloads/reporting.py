"""The manager's progress events: one per change of a file or a task, the
latest of each file kept for ``active()``, none lost to a broken listener;
each file's final event tallied into its task's :class:`TaskOutcome` (the
run's one tally, handed to ``on_ended``); a saved file recorded (``record``)
before its ``done`` event."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from suno_tui.downloads.assets import Asset, Skip
from suno_tui.downloads.clip_files import size_and_hash
from suno_tui.downloads.events import (
    DownloadProgress,
    EndedCallback,
    FileState,
    ProgressCallback,
    RecordCallback,
    TaskOutcome,
)
from suno_tui.downloads.runs import TaskRun
from suno_tui.downloads.transfer import Written
from suno_tui.safe_text import clean_line


class ProgressEvents:
    """Emitting progress events (a base of DownloadManager)."""

    _on_progress: ProgressCallback | None
    _on_ended: EndedCallback | None
    _record: RecordCallback | None
    _latest: dict[tuple[str, str, str], DownloadProgress]
    _outcomes: dict[str, TaskOutcome]

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
        self._latest.pop((skip.task_id, skip.clip_id, skip.kind), None)  # it may have started
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

    async def _present(self, run: TaskRun, asset: Asset, path: Path) -> None:
        """``path`` is this asset, complete on disk already."""
        size, digest = await asyncio.to_thread(size_and_hash, path)
        self._finish(run, asset, Written(path, size, digest), present=True)

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

    def _ended(self, outcome: TaskOutcome) -> None:
        self._outcomes[outcome.task_id] = outcome
        if self._on_ended is not None:
            with contextlib.suppress(Exception):  # a broken listener must not stop downloads
                self._on_ended(outcome)

    def _finish(
        self, run: TaskRun, asset: Asset, written: Written, *, present: bool = False,
        note: str = "",
    ) -> None:  # fmt: skip
        if asset.kind == "image":
            run.covers[asset.clip_id] = written.path
        message = "already downloaded" if present else note
        if written.resumed_from:
            message = "; ".join(filter(None, [f"resumed after {written.resumed_from} bytes", note]))
        if self._record is not None:
            try:
                self._record(
                    asset.task_id, asset.clip_id, asset.kind, written.path, written.size,
                    written.sha256,
                )  # fmt: skip
            except Exception as error:
                message = f"saved, but not recorded in the state store: {clean_line(str(error))}"
        self._emit(
            run, asset, written.path, FileState.DONE, message, received=written.size,
            total=written.size, sha256=written.sha256, present=present,
            resumed_from=written.resumed_from,
        )  # fmt: skip
