"""Value types shared by the monitor's domain and its front ends.

A :class:`TaskSummary` is one row of the task list: everything the list shows,
already cleaned for display, and small enough that 10,000 of them load from the
store in a blink. The full :class:`~suno_tui.relay.models.Task` (with the raw
JSON) is loaded only for the detail view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from suno_tui.relay.models import TaskKind, TaskStatus

#: status label shown for an id the gateway does not return
NOT_FOUND = "NOT_FOUND"
#: status label of a task added but not fetched yet
NEW = "NEW"
#: the profile name used when none is chosen
DEFAULT_PROFILE = "default"


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a task has got, and whether that is the gateway's figure."""

    fraction: float  # 0.0 .. 1.0
    estimated: bool  # True when derived from the stage and elapsed time
    stage: str  # short words: "waiting", "queued", "generating", "streaming", "done", "failed"


@dataclass(frozen=True, slots=True)
class Transition:
    """A task entered a new status (``from_label`` is None when first seen)."""

    task_id: str
    from_label: str | None
    to_label: str
    at: datetime
    title: str = ""


@dataclass(frozen=True, slots=True)
class TaskSummary:
    """One row of the task list. Text fields are display-safe already."""

    task_id: str
    profile: str
    kind: TaskKind
    status: TaskStatus
    status_label: str  # NOT_FOUND, or the normalised label of the gateway's status
    title: str
    tags: str
    clips_done: int
    clips_total: int
    progress: Progress
    added_at: datetime  # when the user started watching it
    submitted_at: datetime | None
    state_since: datetime  # when the current status was first seen
    finished: bool  # the gateway will not change it any more
    fail_reason: str = ""
    downloaded: int = 0  # assets on disk for this task's clips
    started_at: datetime | None = None  # gateway's start time; drives the progress estimate
    misses: int = 0  # consecutive polls the gateway answered without this task
