"""A tracker with fixed data, for deterministic app tests without a store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from suno_tui.ids import validate_id
from suno_tui.monitor.model import NEW, Progress, TaskSummary, Transition
from suno_tui.relay.models import Task, TaskKind, TaskStatus

from .factories import NOW


class FakeTracker:
    """Implements the app's TrackerLike protocol over plain dicts."""

    def __init__(
        self,
        summaries: Iterable[TaskSummary] = (),
        *,
        tasks: Mapping[str, Task] | None = None,
        transitions: Iterable[Transition] = (),
    ) -> None:
        self._summaries = {s.task_id: s for s in summaries}
        self._tasks = dict(tasks or {})
        self._transitions = list(transitions)
        self.removed: list[str] = []
        self.downloads: list[tuple[str, str, str, str]] = []

    def load(self) -> list[TaskSummary]:
        return list(self._summaries.values())

    def add(self, ids: Iterable[str], profile: str = "default") -> list[TaskSummary]:
        added = []
        for task_id in ids:
            validate_id(task_id)
            if task_id in self._summaries:
                continue
            summary = TaskSummary(
                task_id=task_id,
                profile=profile,
                kind=TaskKind.UNKNOWN,
                status=TaskStatus.UNKNOWN,
                status_label=NEW,
                title="",
                tags="",
                clips_done=0,
                clips_total=0,
                progress=Progress(0.0, True, "waiting"),
                added_at=NOW,
                submitted_at=None,
                state_since=NOW,
                finished=False,
            )
            self._summaries[task_id] = summary
            added.append(summary)
        return added

    def remove(self, task_id: str) -> None:
        self._summaries.pop(task_id, None)
        self.removed.append(task_id)

    def summaries(self) -> Mapping[str, TaskSummary]:
        return self._summaries

    def get(self, task_id: str) -> TaskSummary | None:
        return self._summaries.get(task_id)

    def task(self, task_id: str) -> Task | None:
        return self._tasks.get(task_id)

    def transitions(self, task_id: str) -> list[Transition]:
        return [t for t in self._transitions if t.task_id == task_id]

    def events(self, limit: int = 500) -> list[Transition]:
        return self._transitions[-limit:]

    def record_download(
        self,
        task_id: str,
        clip_id: str,
        asset: str,
        path: str,
        size: int | None = None,
        sha256: str | None = None,
    ) -> TaskSummary | None:
        self.downloads.append((task_id, clip_id, asset, path))
        old = self._summaries.get(task_id)
        if old is None:
            return None
        count = sum(1 for d in self.downloads if d[0] == task_id)
        return self.change(task_id, downloaded=count)

    # test helpers
    def put(self, summary: TaskSummary, task: Task | None = None) -> TaskSummary:
        self._summaries[summary.task_id] = summary
        if task is not None:
            self._tasks[summary.task_id] = task
        return summary

    def change(self, task_id: str, **changes: object) -> TaskSummary:
        summary = replace(self._summaries[task_id], **changes)  # type: ignore[arg-type]
        self._summaries[task_id] = summary
        return summary
