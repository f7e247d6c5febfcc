"""Lineage over the watch list: what a task was made from, what was made
from it, and the ``extends`` object of the JSON outputs.

    lineages = engine.lineage
    lineages.parent(task_id)     # Lineage(kind, clip_id, at, task_id) or None
    lineages.children(task_id)   # [Child(task_id, lineage)], oldest first
    lineages.extends_json(task)  # {"task_id", "clip_id", "at", "kind"} or None

A parent comes from what the submit knew (the state file's ``lineage``
table) or, for a task made elsewhere, from its clips' metadata; the task
that made the parent clip is then looked for: a sibling's row, the tasks of
the same answer, then the watch list's newest snapshots (all their clips
read at once into an index, read again at most every :data:`REINDEX_SECONDS`;
a clip found is kept in memory and in the state file).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from suno_tui.relay.lineage import Lineage, task_lineage
from suno_tui.relay.models import Task
from suno_tui.tracking.lineage_book import Child, LineageBook, clip_owners_in_state
from suno_tui.tracking.model import TaskSummary
from suno_tui.tracking.store import StoreError
from suno_tui.tracking.store_connection import StateConnection

__all__ = [
    "LOOKUP_TASKS",
    "REINDEX_SECONDS",
    "Lineages",
    "StateLineage",
    "clip_owners",
    "lineages_over",
]

#: at most this many of the newest watched snapshots are read to find a clip's task
LOOKUP_TASKS = 2000
#: the index of their clips is read again at most this often (seconds), on a miss
REINDEX_SECONDS = 30.0
_MISSES_KEPT = 10_000


class TasksLike(Protocol):
    def summaries(self) -> Mapping[str, TaskSummary]: ...
    def get(self, task_id: str) -> TaskSummary | None: ...
    def task(self, task_id: str) -> Task | None: ...


def clip_owners(tasks: Iterable[Task]) -> dict[str, str]:
    """{clip id: the task that made it} for the tasks of one answer."""
    return {clip.id: task.task_id for task in tasks for clip in task.clips}


class Lineages:
    """Parents and children of the watched tasks (``book`` None: a watch list
    without a state file, which knows only what the clips say)."""

    def __init__(
        self,
        tasks: TasksLike,
        book: LineageBook | None,
        state: StateConnection | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._tasks = tasks
        self._book = book
        self._state = state  # to look for a clip's task among the snapshots
        self._monotonic = monotonic
        #: clip id -> the watched task that made it, once found
        self._clip_tasks: dict[str, str] = {}
        #: the newest snapshots' clips (None: not read yet), and when they were read
        self._owners: dict[str, str] | None = None
        self._owners_at = 0.0
        #: clip id -> how many tasks were watched when it was missed: looked for
        #: again only once that changed (a detail shown each round reads nothing)
        self._missed: dict[str, int] = {}

    def parent(self, task_id: str, task: Task | None = None) -> Lineage | None:
        """What ``task_id`` was made from (``task``: its snapshot, if at hand)."""
        found = self._remembered(task_id)
        if found is None:
            snapshot = task if task is not None else self._tasks.task(task_id)
            found = task_lineage(snapshot) if snapshot is not None else None
        if found is None or found.task_id:
            return found
        return found.with_task(self.task_of_clip(found.clip_id))

    def task_of_clip(self, clip_id: str) -> str | None:
        """The watched task that made ``clip_id`` (None: not known)."""
        if clip_id in self._clip_tasks:
            return self._clip_tasks[clip_id]
        watched = len(self._tasks.summaries())
        if self._missed.get(clip_id) == watched:
            return None
        found = self._sibling_knows(clip_id) or self._look_for(clip_id)
        if found is None or found not in self._tasks.summaries():
            if len(self._missed) >= _MISSES_KEPT:
                self._missed.clear()
            self._missed[clip_id] = watched
            return None
        self._clip_tasks[clip_id] = found
        if self._book is not None:
            with contextlib.suppress(StoreError):  # else known in memory only
                self._book.settle_parent(clip_id, found)
        return found

    def children(self, task_id: str, task: Task | None = None) -> list[Child]:
        """The watched tasks made from ``task_id``'s clips, oldest first."""
        if self._book is None:
            return []
        snapshot = task if task is not None else self._tasks.task(task_id)
        clips = [clip.id for clip in snapshot.clips] if snapshot is not None else []
        try:
            made = self._book.made_from(task_id, clips)
        except StoreError:
            return []
        watched = self._tasks.summaries()
        return [child for child in made if child.task_id in watched]

    def summary(self, task_id: str) -> TaskSummary | None:
        return self._tasks.get(task_id)

    def title_of_clip(self, lineage: Lineage) -> str:
        """The parent's title as the watch list knows it ("" when it does not)."""
        task_id = lineage.task_id
        watched = task_id is not None and task_id in self._tasks.summaries()
        snapshot = self._tasks.task(task_id) if task_id and watched else None
        if snapshot is not None:
            for clip in snapshot.clips:
                if clip.id == lineage.clip_id and clip.title.strip():
                    return clip.title
        summary = self._tasks.get(task_id) if task_id else None
        return summary.title if summary is not None else ""

    def extends_json(self, task: Task) -> dict[str, Any] | None:
        """The ``extends`` object of ``task``'s JSON (None: made from nothing known)."""
        found = self.parent(task.task_id, task)
        return found.as_json() if found is not None else None

    # -- internals ------------------------------------------------------------------

    def _remembered(self, task_id: str) -> Lineage | None:
        if self._book is None:
            return None
        try:
            return self._book.of(task_id)
        except StoreError:
            return None

    def _sibling_knows(self, clip_id: str) -> str | None:
        if self._book is None:
            return None
        try:
            return self._book.task_of_clip(clip_id)
        except StoreError:
            return None

    def _look_for(self, clip_id: str) -> str | None:
        """The newest watched snapshots' task holding the clip (a bounded read,
        not repeated for every clip: a watch of 2,000 extensions made from
        clips never watched reads the snapshots once, not 2,000 times)."""
        if self._state is None:
            return None
        now = self._monotonic()
        owners = self._owners
        if owners is None or (clip_id not in owners and now - self._owners_at >= REINDEX_SECONDS):
            try:
                owners = clip_owners_in_state(self._state, LOOKUP_TASKS)
            except StoreError:
                owners = {}
            self._owners, self._owners_at = owners, now
        return owners.get(clip_id)


def lineages_over(tasks: TasksLike) -> Lineages:
    """Lineage over a watch list: the tracker's state file when it has one."""
    book = getattr(tasks, "lineage", None)
    store = getattr(tasks, "store", None)
    if not isinstance(book, LineageBook):
        return Lineages(tasks, None)
    return Lineages(tasks, book, getattr(store, "connection", None))


class StateLineage:
    """For the one-shot outputs (``fetch --json``, ``tasks --json``): what the
    state file remembers, when there is one, over what the clips say. Its rows
    are read once (one per extension or concat: few); the file is not created,
    and one that cannot be opened is left out (the clips still tell the clip)."""

    def __init__(self, path: Path | None) -> None:
        self._known: dict[str, Lineage] = {}
        #: clip id -> the task that made it, as a sibling's row knows it
        self._clip_tasks: dict[str, str] = {}
        if path is None or not path.expanduser().is_file():
            return
        try:
            state = StateConnection.open(path)
        except StoreError:
            return
        try:
            self._known = LineageBook(state).everything()
        except StoreError:
            pass
        finally:
            state.close()
        self._clip_tasks = {row.clip_id: row.task_id for row in self._known.values() if row.task_id}

    def extends_json(
        self, task: Task, owners: Mapping[str, str] | None = None
    ) -> dict[str, Any] | None:
        """``task``'s ``extends`` (``owners``: :func:`clip_owners` of the tasks it came with)."""
        found = self._known.get(task.task_id) or task_lineage(task)
        if found is not None and not found.task_id:
            owner = (owners or {}).get(found.clip_id) or self._clip_tasks.get(found.clip_id)
            found = found.with_task(owner)
        return found.as_json() if found is not None else None
