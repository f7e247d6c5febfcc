"""The full snapshots of watched tasks, read from the store when asked for.

The tracker keeps only a small summary per task in memory; the detail view
asks for a task's last full snapshot, which is parsed from the stored JSON
and kept in a small least-recently-used cache.
"""

from __future__ import annotations

import json
from collections import OrderedDict

from suno_tui.relay.models import ModelError, Task, parse_task
from suno_tui.tracking.store import Store

__all__ = ["TASK_CACHE", "SnapshotCache"]

TASK_CACHE = 32


class SnapshotCache:
    """The last ``size`` snapshots asked for, parsed (0: none kept)."""

    def __init__(self, store: Store, size: int = TASK_CACHE) -> None:
        self._store = store
        self._tasks: OrderedDict[str, Task] = OrderedDict()
        self._size = max(0, size)

    def get(self, task_id: str, *, watched: bool) -> Task | None:
        """The latest full snapshot (from the stored JSON; None if never
        fetched, damaged, or not ``watched``)."""
        cached = self._tasks.get(task_id)
        if cached is not None:
            self._tasks.move_to_end(task_id)
            return cached
        if not watched:
            return None
        text = self._store.load_raw(task_id)
        if text is None:
            return None
        try:
            task = parse_task(json.loads(text))
        except (ValueError, ModelError):  # a damaged row: show the summary only
            return None
        except RecursionError:  # nested as deep as the client let in, read from a deeper stack
            return None
        self.remember(task)
        return task

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._tasks

    def __len__(self) -> int:
        return len(self._tasks)

    def remember(self, task: Task) -> None:
        """Keep ``task`` as its id's latest snapshot (the oldest one out if full)."""
        if self._size == 0:
            return
        self._tasks[task.task_id] = task
        self._tasks.move_to_end(task.task_id)
        while len(self._tasks) > self._size:
            self._tasks.popitem(last=False)

    def forget(self, task_id: str) -> None:
        self._tasks.pop(task_id, None)

    def clear(self) -> None:
        self._tasks.clear()
