"""What the downloads pane shows: one line per file, built from progress events.

Pure data and formatting (no widgets). The download manager's events come in
as they are; the board keeps the latest state of every file, running ones
first, then the finished ones newest first, and forgets the oldest finished
lines past a bound. Events about a whole task (fetching fresh links, a task
that is not found) get a line of their own while they matter.

All text is cleaned here: file names come from server titles.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from suno_tui.downloads.events import DownloadProgress, FileState
from suno_tui.safe_text import clean_line

#: finished lines kept (older ones are forgotten)
KEEP_FINISHED = 100

Key = tuple[str, str, str]  # (task id, clip id, asset) ; asset "" for the task itself

SYMBOL: dict[FileState, str] = {
    FileState.QUEUED: "·",
    FileState.RUNNING: "↓",
    FileState.DONE: "✓",
    FileState.SKIPPED: "–",
    FileState.FAILED: "✗",
    FileState.CANCELLED: "⊘",
}


@dataclass(frozen=True, slots=True)
class BoardLine:
    """One line of the pane. ``label`` and ``message`` are display-safe."""

    key: Key
    label: str
    state: FileState
    path: Path | None = None
    received: int = 0
    total: int | None = None
    speed: float = 0.0
    message: str = ""
    present: bool = False  # was complete on disk already
    order: int = 0  # when it appeared (active lines) or finished (finished lines)

    @property
    def task_id(self) -> str:
        return self.key[0]

    @property
    def is_task_line(self) -> bool:
        return not self.key[2]

    @property
    def fraction(self) -> float | None:
        if self.state is FileState.DONE:
            return 1.0
        if self.total:
            return min(1.0, self.received / self.total)
        return None


def human_size(size: float) -> str:
    """``812 B``, ``4.2 kB``, ``3.1 MB``, ``1.0 GB`` (powers of 1000, like the speed)."""
    if size < 1000:
        return f"{int(size)} B"
    for unit in ("kB", "MB", "GB", "TB"):
        size /= 1000
        if size < 999.95 or unit == "TB":
            return f"{size:.1f} {unit}"
    return f"{size:.1f} TB"  # pragma: no cover - the loop always returns


def speed_text(bps: float) -> str:
    return f"{human_size(bps)}/s" if bps > 0 else ""


def size_text(line: BoardLine) -> str:
    if line.state is FileState.DONE:
        return human_size(line.total or line.received)
    if line.total:
        return f"{human_size(line.received)}/{human_size(line.total)}"
    return human_size(line.received) if line.received else ""


def state_text(line: BoardLine) -> str:
    """The last column: speed while running, else a word."""
    if line.state is FileState.RUNNING:
        return speed_text(line.speed) or (line.message if line.is_task_line else "starting")
    if line.state is FileState.DONE:
        return "on disk" if line.present else "done"
    return line.state.value


def file_label(path: Path | None, directory: Path | None, fallback: str) -> str:
    """A file's name relative to the download folder (templates may make folders)."""
    if path is None:
        return fallback
    if directory is not None:
        try:
            return clean_line(str(path.relative_to(directory)))
        except ValueError:
            pass
    return clean_line(path.name)


class DownloadBoard:
    """The latest state of every file downloaded in this session (bounded)."""

    def __init__(self, *, keep_finished: int = KEEP_FINISHED) -> None:
        self._lines: dict[Key, BoardLine] = {}
        self._keep = max(1, keep_finished)
        self._counter = itertools.count(1)
        self._files_of: dict[str, set[Key]] = {}  # task id -> file keys of its current run
        self.version = 0  # bumped by every change (the pane repaints when it moved)

    def __len__(self) -> int:
        return len(self._lines)

    def get(self, key: Key) -> BoardLine | None:
        return self._lines.get(key)

    def started(self, task_id: str) -> None:
        """A new run of ``task_id``: its old lines go (the new ones replace them)."""
        for key in [key for key in self._lines if key[0] == task_id]:
            del self._lines[key]
        self._files_of[task_id] = set()
        self.version += 1

    def apply(self, event: DownloadProgress, label: Callable[[DownloadProgress], str]) -> None:
        """Take one progress event; ``label`` names the line when it first appears."""
        key: Key = (event.task_id, event.clip_id, event.asset)
        if event.is_task_event:
            self._apply_task_event(key, event, label)
            return
        self._files_of.setdefault(event.task_id, set()).add(key)
        old = self._lines.get(key)
        order = next(self._counter) if event.state.final or old is None else old.order
        shown_label = label(event) if old is None or old.path != event.path else old.label
        total = event.total if event.total is not None else (old.total if old else None)
        line = BoardLine(
            key=key,
            label=shown_label,
            state=event.state,
            path=event.path or (old.path if old else None),
            received=event.received or (old.received if old and not event.state.final else 0),
            total=total,
            speed=event.speed_bps,
            message=clean_line(event.message),
            present=event.present,
            order=order,
        )
        if line.state is FileState.DONE and not line.received:
            line = replace(line, received=line.total or 0)
        self._lines[key] = line
        self.version += 1
        self._prune()

    def _apply_task_event(
        self, key: Key, event: DownloadProgress, label: Callable[[DownloadProgress], str]
    ) -> None:
        old = self._lines.get(key)
        if not event.state.final:
            self._lines[key] = BoardLine(
                key=key,
                label=old.label if old else label(event),
                state=event.state,
                message=clean_line(event.message),
                order=old.order if old else next(self._counter),
            )
            self.version += 1
            return
        files = self._files_of.get(event.task_id, set())
        if event.state in (FileState.FAILED, FileState.CANCELLED) and not files:
            # The task itself failed (not found, refused, no folder): say so.
            self._lines[key] = BoardLine(
                key=key,
                label=old.label if old else label(event),
                state=event.state,
                message=clean_line(event.message),
                order=next(self._counter),
            )
        else:
            self._lines.pop(key, None)  # its files speak for it
        self.version += 1
        self._prune()

    def _prune(self) -> None:
        finished = [line for line in self._lines.values() if line.state.final]
        extra = len(finished) - self._keep
        if extra > 0:
            finished.sort(key=lambda line: line.order)
            for line in finished[:extra]:
                del self._lines[line.key]

    def lines(self) -> list[BoardLine]:
        """Running and queued lines first (in order of appearance), then the
        finished ones, newest first."""
        active = sorted((ln for ln in self._lines.values() if not ln.state.final), key=_order)
        done = sorted((ln for ln in self._lines.values() if ln.state.final), key=_order)
        return active + done[::-1]

    def counts(self) -> dict[FileState, int]:
        """Files (not task lines) per state."""
        counts: dict[FileState, int] = {}
        for line in self._lines.values():
            if not line.is_task_line:
                counts[line.state] = counts.get(line.state, 0) + 1
        return counts


def _order(line: BoardLine) -> int:
    return line.order
