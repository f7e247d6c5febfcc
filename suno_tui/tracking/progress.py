"""Progress estimates for tasks whose gateway reports only "0%" or "100%".

The estimate is a pure function of the snapshot and ``now``: the same inputs
always give the same value, so nothing on screen moves unless a poll brought
data or the front end's slow tick asks again (see :func:`refresh_progress`).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from suno_tui.relay.models import ClipStatus, Task, TaskKind, TaskStatus
from suno_tui.tracking.model import Progress, TaskSummary

# Fixed points of the stages before anything is generated.
WAITING = 0.02  # NOT_START, or a status we cannot read
SUBMITTED = 0.05
QUEUED = 0.10
GENERATING = 0.15  # IN_PROGRESS, clips submitted or queued
# While clips stream (or lyrics are written) the estimate grows from FLOOR
# toward CEILING, never reaching it: only SUCCESS shows 100%.
FLOOR = 0.20
CEILING = 0.95
#: a song usually takes about this long from start to complete
TYPICAL_MUSIC = timedelta(seconds=120)
TYPICAL_LYRICS = timedelta(seconds=30)
# Completed clips close this share of the remaining gap at most.
_CLIP_WEIGHT = 0.5
# The largest float below CEILING, so "never reaching" holds after rounding too.
_TOP = math.nextafter(CEILING, 0.0)

_STAGE_OF_STATUS = {
    TaskStatus.NOT_START: ("waiting", WAITING),
    TaskStatus.SUBMITTED: ("waiting", SUBMITTED),
    TaskStatus.QUEUED: ("queued", QUEUED),
}


def growing_fraction(
    elapsed: timedelta, *, clips_done: int = 0, clips_total: int = 0, kind: TaskKind
) -> float:
    """FLOOR..CEILING (exclusive): time since start, raised by completed clips.

    Monotonic in ``elapsed`` and in ``clips_done``; negative elapsed time (a
    gateway clock ahead of ours) counts as zero.
    """
    typical = TYPICAL_LYRICS if kind is TaskKind.LYRICS else TYPICAL_MUSIC
    seconds = max(0.0, elapsed.total_seconds())
    by_time = 1.0 - math.exp(-seconds / typical.total_seconds())
    by_clips = _CLIP_WEIGHT * min(clips_done, clips_total) / clips_total if clips_total > 0 else 0.0
    share = by_time + (1.0 - by_time) * by_clips
    return min(FLOOR + (CEILING - FLOOR) * share, _TOP)


def _elapsed(task: Task, now: datetime) -> timedelta:
    start = task.started_at or task.submitted_at
    return now - start if start is not None else timedelta(0)


def _working(task: Task, now: datetime) -> tuple[str, float]:
    """(stage, fraction) of a task that is not done, from its clips and time."""
    if task.status in _STAGE_OF_STATUS:
        return _STAGE_OF_STATUS[task.status]
    clips = task.clips
    if task.kind is TaskKind.LYRICS:
        if task.status is TaskStatus.IN_PROGRESS:
            return "generating", growing_fraction(_elapsed(task, now), kind=TaskKind.LYRICS)
        return "waiting", WAITING
    if any(clip.status in (ClipStatus.STREAMING, ClipStatus.COMPLETE) for clip in clips):
        fraction = growing_fraction(
            _elapsed(task, now),
            clips_done=task.clips_done,
            clips_total=len(clips),
            kind=TaskKind.MUSIC,
        )
        return "streaming", fraction
    if task.status is TaskStatus.IN_PROGRESS:
        return "generating", GENERATING
    # An unknown status with nothing streaming: we cannot say more.
    return "waiting", WAITING


def estimate_progress(task: Task, now: datetime) -> Progress:
    """How far ``task`` has got at ``now``.

    A figure strictly between 0 and 100 from the gateway is used as it is;
    otherwise the fraction is derived from the stage (``estimated=True``).
    """
    if task.status is TaskStatus.SUCCESS:
        return Progress(1.0, estimated=False, stage="done")
    reported = task.reported_progress
    has_figure = reported is not None and 0 < reported < 100
    if task.status is TaskStatus.FAILURE:
        if has_figure:
            assert reported is not None
            return Progress(reported / 100, estimated=False, stage="failed")
        # Frozen at the moment it failed, so a failed row never moves.
        end = task.finished_at or task.started_at or task.submitted_at or now
        _, fraction = _working(task, end)
        return Progress(fraction, estimated=True, stage="failed")
    if task.is_finished:
        # A finish time under a status we cannot read: the gateway is done with it.
        if any(clip.failed for clip in task.clips):
            _, fraction = _working(task, task.finished_at or now)
            return Progress(fraction, estimated=True, stage="failed")
        return Progress(1.0, estimated=reported != 100, stage="done")
    stage, fraction = _working(task, now)
    if has_figure:
        assert reported is not None
        return Progress(reported / 100, estimated=False, stage=stage)
    return Progress(fraction, estimated=True, stage=stage)


def refresh_progress(summary: TaskSummary, now: datetime) -> Progress:
    """The summary's progress re-estimated for ``now``, without the full task.

    Only an estimate that grows with time changes; for the front end's slow
    tick (a reported figure, a fixed stage or a finished task stays as is).
    """
    progress = summary.progress
    if summary.finished or not progress.estimated:
        return progress
    growing = progress.stage == "streaming" or (
        progress.stage == "generating" and summary.kind is TaskKind.LYRICS
    )
    if not growing:
        return progress
    start = summary.started_at or summary.submitted_at
    elapsed = now - start if start is not None else timedelta(0)
    fraction = growing_fraction(
        elapsed,
        clips_done=summary.clips_done,
        clips_total=summary.clips_total,
        kind=summary.kind,
    )
    if fraction == progress.fraction:
        return progress
    return Progress(fraction, estimated=True, stage=progress.stage)


def is_stuck(
    summary: TaskSummary, now: datetime, *, threshold: timedelta = timedelta(minutes=15)
) -> bool:
    """An unfinished task that has stayed in the same state longer than ``threshold``."""
    return not summary.finished and now - summary.state_since > threshold
