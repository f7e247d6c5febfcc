"""Working out what a fetch changes, without changing anything yet.

:func:`plan_merge` compares a fetch's snapshots with the summaries in memory
and fills a :class:`MergePlan`: the new summaries, the raw JSON to save, the
transitions. The tracker saves the plan and then makes it visible; memory is
not touched here, so the loop may run between chunks (the generator yields)
and the tracker's commit skips rows that changed meanwhile.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from suno_tui import jsoncodec
from suno_tui.relay.fetch_result import FetchResult
from suno_tui.relay.models import Task, TaskStatus
from suno_tui.tracking.model import NEW, NOT_FOUND, TaskSummary, Transition
from suno_tui.tracking.progress import refresh_progress
from suno_tui.tracking.summaries import (
    Update,
    entered_at,
    snapshot_fingerprint,
    summarize,
    with_progress,
)

__all__ = ["PLAN_CHUNK", "MergePlan", "plan_merge"]

#: tasks merged between two yields to the event loop (~5 ms of work)
PLAN_CHUNK = 250


@dataclass
class MergePlan:
    """Changes worked out in memory, to be saved and then made visible."""

    now: datetime
    #: (new summary, task whose raw JSON to save or None, summary it replaces)
    rows: list[tuple[TaskSummary, Task | None, TaskSummary]] = field(default_factory=list)
    #: the raw JSON of each task in ``rows`` that has one, encoded while
    #: planning (which yields to the loop); compressed when written
    raw_texts: dict[str, str] = field(default_factory=dict)
    fingerprints: dict[str, int | None] = field(default_factory=dict)
    update: Update = field(default_factory=Update)


def plan_merge(
    plan: MergePlan,
    result: FetchResult,
    profile: str,
    *,
    summaries: Mapping[str, TaskSummary],
    fingerprints: Mapping[str, int | None],
    not_found_after: int,
) -> Iterator[None]:
    """Work out ``result``'s changes to ``profile``'s tasks into ``plan``,
    pausing (yield) every :data:`PLAN_CHUNK` tasks.

    ``fingerprints`` are the hashes of the snapshots saved last, so an
    unchanged snapshot is not encoded and written again.
    """
    for index, (task_id, task) in enumerate(result.tasks.items()):
        if index and index % PLAN_CHUNK == 0:
            yield
        old = summaries.get(task_id)
        if old is not None and old.profile == profile:
            _plan_task(plan, old, task, fingerprints.get(task_id))
    for task_id in result.missing:
        old = summaries.get(task_id)
        if old is not None and old.profile == profile:
            _plan_missing(plan, old, not_found_after)


def _plan_task(plan: MergePlan, old: TaskSummary, task: Task, saved: int | None) -> None:
    now = plan.now
    fingerprint = snapshot_fingerprint(task)
    if (
        fingerprint is not None
        and fingerprint == saved
        and task.status_label == old.status_label
        and old.misses == 0
    ):
        # The same snapshot as last time: only a time-based estimate can move.
        progress = refresh_progress(old, now)
        if progress == old.progress:
            return
        new = with_progress(old, progress)
        plan.rows.append((new, None, old))
        _note(plan.update, old, new)
        return
    label_changed = task.status_label != old.status_label
    new = summarize(
        task,
        profile=old.profile,
        added_at=old.added_at,
        state_since=entered_at(task, old, now) if label_changed else old.state_since,
        now=now,
        downloaded=old.downloaded,
    )
    raw_changed = fingerprint is None or saved != fingerprint
    summary_changed = new != old
    if not (summary_changed or raw_changed):
        return
    plan.rows.append((new, task if raw_changed else None, old))
    if raw_changed:
        plan.raw_texts[old.task_id] = jsoncodec.dumps_compact(task.raw)
    plan.fingerprints[old.task_id] = fingerprint
    if summary_changed:
        _note(plan.update, old, new)


def _plan_missing(plan: MergePlan, old: TaskSummary, not_found_after: int) -> None:
    if old.finished and old.status_label != NOT_FOUND:
        return  # the gateway forgot a finished task: our copy is final
    misses = min(old.misses + 1, not_found_after)
    new = dataclasses.replace(
        old,
        status=TaskStatus.UNKNOWN,
        status_label=NOT_FOUND,
        misses=misses,
        finished=misses >= not_found_after,
        state_since=old.state_since if old.status_label == NOT_FOUND else plan.now,
    )
    if new != old:
        plan.rows.append((new, None, old))
        _note(plan.update, old, new)


def _note(update: Update, old: TaskSummary, new: TaskSummary) -> None:
    update.changed.append(new)
    if new.status_label != old.status_label:
        from_label = None if old.status_label == NEW else old.status_label
        update.transitions.append(
            Transition(new.task_id, from_label, new.status_label, new.state_since, new.title)
        )
    if new.finished and not old.finished:
        update.finished.append(new)
