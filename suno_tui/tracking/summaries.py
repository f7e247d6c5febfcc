"""A task's list row: its summary from a snapshot, and the helpers that
compare snapshots and derive when a state began (used by the tracker)."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from suno_tui.relay.models import Clip, Lyrics, Task, TaskKind, TaskStatus
from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import NEW, NOT_FOUND, Progress, TaskSummary, Transition
from suno_tui.tracking.progress import estimate_progress

__all__ = [
    "MAX_ID",
    "MAX_REASON",
    "MAX_TAGS",
    "MAX_TITLE",
    "OUR_LABELS",
    "PLACEHOLDER_PROGRESS",
    "Update",
    "check_id",
    "entered_at",
    "new_summary",
    "short",
    "snapshot_fingerprint",
    "summarize",
    "with_progress",
]

# Longest text kept in a summary: a hostile gateway cannot bloat 10,000 rows.
MAX_TITLE = 200
MAX_TAGS = 300
MAX_REASON = 500
MAX_ID = 256
PLACEHOLDER_PROGRESS = Progress(0.0, estimated=True, stage="waiting")
# Labels that are ours, not the gateway's: leaving them is a first sighting.
OUR_LABELS = (NEW, NOT_FOUND)


@dataclass
class Update:
    """What one ``apply`` changed (for the front end, toasts, hooks, downloads)."""

    changed: list[TaskSummary] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    #: summaries that became finished in this update (a task first seen
    #: already finished is here too; its transition has ``from_label`` None;
    #: a task given up as NOT_FOUND is here with that label)
    finished: list[TaskSummary] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.changed or self.transitions or self.finished)

    def extend(self, other: Update) -> None:
        self.changed.extend(other.changed)
        self.transitions.extend(other.transitions)
        self.finished.extend(other.finished)


def short(value: str, limit: int) -> str:
    text = clean_line(value).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fail_reason(task: Task) -> str:
    if task.fail_reason:
        return task.fail_reason
    if task.status is not TaskStatus.FAILURE:
        return ""
    for clip in task.clips:
        if clip.failed and clip.error_message:
            return clip.error_message
    return task.lyrics.error_message if task.lyrics is not None else ""


def new_summary(task_id: str, profile: str, now: datetime) -> TaskSummary:
    """The row of a task just added, before the gateway has said anything."""
    return TaskSummary(
        task_id=task_id,
        profile=profile,
        kind=TaskKind.UNKNOWN,
        status=TaskStatus.UNKNOWN,
        status_label=NEW,
        title="",
        tags="",
        clips_done=0,
        clips_total=0,
        progress=PLACEHOLDER_PROGRESS,
        added_at=now,
        submitted_at=None,
        state_since=now,
        finished=False,
    )


def summarize(
    task: Task,
    *,
    profile: str,
    added_at: datetime,
    state_since: datetime,
    now: datetime,
    downloaded: int = 0,
    misses: int = 0,
) -> TaskSummary:
    """The list row of one snapshot; all text made display-safe."""
    tags = ", ".join(cleaned for tag in task.tags if (cleaned := clean_line(tag).strip()))
    return TaskSummary(
        task_id=task.task_id,
        profile=profile,
        kind=task.kind,
        status=task.status,
        status_label=short(task.status_label, 40),
        title=short(task.title, MAX_TITLE),
        tags=short(tags, MAX_TAGS),
        clips_done=task.clips_done,
        clips_total=len(task.clips),
        progress=estimate_progress(task, now),
        added_at=added_at,
        submitted_at=task.submitted_at,
        state_since=state_since,
        finished=task.is_finished,
        fail_reason=short(_fail_reason(task), MAX_REASON),
        downloaded=downloaded,
        started_at=task.started_at,
        misses=misses,
    )


def entered_at(task: Task, old: TaskSummary, now: datetime) -> datetime:
    """When ``task`` entered its status: the gateway's own time when it has
    one (more exact than our poll, and right for tasks added late), else now."""
    if task.is_finished:
        stamp = task.finished_at
    elif task.status is TaskStatus.IN_PROGRESS:
        stamp = task.started_at
    elif task.status in (TaskStatus.NOT_START, TaskStatus.SUBMITTED, TaskStatus.QUEUED):
        stamp = task.submitted_at
    else:
        stamp = None
    if stamp is None or stamp > now:
        return now
    if old.status_label not in OUR_LABELS and stamp < old.state_since:
        return old.state_since  # a state cannot start before the one it follows
    return stamp


def _compared(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    names = [f.name for f in dataclasses.fields(cls) if f.compare and f.name not in _NESTED]
    return operator.attrgetter(*names)


_NESTED = ("clips", "lyrics")
_task_fields = _compared(Task)
_clip_fields = _compared(Clip)
_lyrics_fields = _compared(Lyrics)


def snapshot_fingerprint(task: Task) -> int | None:
    """Hash of every parsed field but ``raw``: equal for equal snapshots (in
    this process; str hashes are salted per process)."""
    lyrics = task.lyrics
    try:
        return hash(
            (
                _task_fields(task),
                tuple(map(_clip_fields, task.clips)),
                None if lyrics is None else _lyrics_fields(lyrics),
            )
        )
    except TypeError:  # a field that cannot be hashed: treat as changed
        return None


_SUMMARY_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(TaskSummary)))
_PROGRESS_AT = [f.name for f in dataclasses.fields(TaskSummary)].index("progress")


def with_progress(old: TaskSummary, progress: Progress) -> TaskSummary:
    """``dataclasses.replace(old, progress=progress)`` at a third of the cost
    (it runs for every streaming task on every poll)."""
    values = list(_SUMMARY_FIELDS(old))
    values[_PROGRESS_AT] = progress
    return TaskSummary(*values)


def check_id(task_id: str) -> str:
    if (
        not task_id
        or len(task_id) > MAX_ID
        or clean_line(task_id) != task_id
        or any(char.isspace() for char in task_id)
    ):
        raise ValueError(f"not a task id: {task_id[:80]!r}")
    return task_id
