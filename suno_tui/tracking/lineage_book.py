"""What each watched task was made from, remembered in the state file.

Two sources fill the ``lineage`` table (tracking/store_file.py): an
extension or a concat sent from here (engine/clip_commands.py: the parent
clip, its task and the point, as sent; it survives restarts and wins), and
the clips' metadata of a task made elsewhere (relay/lineage.py), learned as
its snapshots are saved (:func:`learn_from_rows`), so that a parent can list
what was made from it without reading every snapshot.

What is read back is as untrusted as the gateway's answers: ids and points
are checked again on the way out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from suno_tui.relay.lineage import CONCAT, EXTEND, Lineage, checked_at, checked_id, task_lineage
from suno_tui.relay.models import Task
from suno_tui.tracking.store_connection import StateConnection
from suno_tui.tracking.store_rows import to_micros, unpack_raw

__all__ = [
    "MAX_CHILDREN",
    "MAX_CLIPS",
    "Child",
    "LineageBook",
    "clip_owners_in_state",
    "learn_from_rows",
]

#: the most children of one task listed (a hostile account could make thousands)
MAX_CHILDREN = 50
#: the most clips of one task whose children are looked for (a task has two)
MAX_CLIPS = 20
_COLUMNS = "SELECT task_id, kind, clip_id, parent_task_id, at, at_time FROM lineage"
_CHILDREN_OF_TASK = _COLUMNS + " WHERE parent_task_id = ? ORDER BY at_time LIMIT ?"
_CHILDREN_OF_CLIP = _COLUMNS + " WHERE clip_id = ? ORDER BY at_time LIMIT ?"
_SUBMIT = "submit"
_HISTORY = "history"


@dataclass(frozen=True, slots=True)
class Child:
    """A task made from one of another task's clips."""

    task_id: str
    lineage: Lineage


def _lineage(row: Sequence[object]) -> Lineage | None:
    """A row (kind, clip_id, parent_task_id, at) checked again; None if it cannot be right."""
    kind, clip_id, parent, at = row
    clip = checked_id(clip_id)
    if kind not in (EXTEND, CONCAT) or clip is None:
        return None
    return Lineage(str(kind), clip, checked_at(at) if kind == EXTEND else None, checked_id(parent))


class LineageBook:
    """The ``lineage`` table of one open state file."""

    def __init__(self, state: StateConnection) -> None:
        self._state = state
        #: tasks whose row is written (or known to be there): not written again
        self.learned: set[str] = set()

    def record(self, task_id: str, lineage: Lineage, when: datetime | None = None) -> None:
        """What the submit knew of ``task_id``'s parent (replaces what was learned)."""
        moment = to_micros(when or datetime.now(UTC))
        with self._state.write("cannot remember what the task was made from") as conn:
            conn.execute(
                "INSERT OR REPLACE INTO lineage "
                "(task_id, kind, clip_id, parent_task_id, at, source, at_time) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    task_id,
                    lineage.kind,
                    lineage.clip_id,
                    lineage.task_id,
                    lineage.at,
                    _SUBMIT,
                    moment,
                ),
            )
        self.learned.add(task_id)

    def learn(self, found: Iterable[tuple[str, Lineage]], when: datetime | None = None) -> int:
        """Remember parents told by the clips' metadata (what the submit knew
        stays); the number of rows written."""
        fresh = [(task_id, lineage) for task_id, lineage in found if task_id not in self.learned]
        if not fresh:
            return 0
        moment = to_micros(when or datetime.now(UTC))
        with self._state.write("cannot remember what the task was made from") as conn:
            written = 0
            for task_id, lineage in fresh:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO lineage "
                    "(task_id, kind, clip_id, parent_task_id, at, source, at_time) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (task_id, lineage.kind, lineage.clip_id, None, lineage.at, _HISTORY, moment),
                )
                written += cursor.rowcount
        self.learned.update(task_id for task_id, _ in fresh)
        return written

    def of(self, task_id: str) -> Lineage | None:
        """What ``task_id`` was made from, as remembered (None: nothing known)."""
        rows = self._state.read(
            "SELECT kind, clip_id, parent_task_id, at FROM lineage WHERE task_id = ?", (task_id,)
        )
        return _lineage(rows[0]) if rows else None

    def everything(self, limit: int = 200_000) -> dict[str, Lineage]:
        """Every row (at most ``limit``), for a one-shot output over many tasks."""
        rows = self._state.read(
            "SELECT task_id, kind, clip_id, parent_task_id, at FROM lineage LIMIT ?", (limit,)
        )
        known: dict[str, Lineage] = {}
        for task_id, *rest in rows:
            lineage = _lineage(rest)
            if lineage is not None and isinstance(task_id, str):
                known[task_id] = lineage
        return known

    def task_of_clip(self, clip_id: str) -> str | None:
        """The task that made ``clip_id``, if a row of a sibling knows it."""
        rows = self._state.read(
            "SELECT parent_task_id FROM lineage "
            "WHERE clip_id = ? AND parent_task_id IS NOT NULL LIMIT 1",
            (clip_id,),
        )
        return checked_id(rows[0][0]) if rows else None

    def settle_parent(self, clip_id: str, task_id: str) -> None:
        """``clip_id`` was found to be ``task_id``'s: fill the rows that did not know."""
        with self._state.write("cannot remember what the task was made from") as conn:
            conn.execute(
                "UPDATE lineage SET parent_task_id = ? "
                "WHERE clip_id = ? AND parent_task_id IS NULL",
                (task_id, clip_id),
            )

    def made_from(self, task_id: str, clip_ids: Iterable[str]) -> list[Child]:
        """The tasks made from ``task_id`` or one of its ``clip_ids`` (the
        first :data:`MAX_CLIPS`), oldest first, at most :data:`MAX_CHILDREN`."""
        clips = [clip for clip in dict.fromkeys(clip_ids) if checked_id(clip) is not None]
        rows = self._state.read(_CHILDREN_OF_TASK, (task_id, MAX_CHILDREN))
        for clip_id in clips[:MAX_CLIPS]:
            rows += self._state.read(_CHILDREN_OF_CLIP, (clip_id, MAX_CHILDREN))
        found: dict[str, tuple[int, Lineage]] = {}
        for child, kind, clip_id, parent, at, moment in rows:
            lineage = _lineage((kind, clip_id, parent, at))
            child_id = checked_id(child)
            if lineage is not None and child_id is not None and child_id != task_id:
                found.setdefault(child_id, (int(moment), lineage))
        ordered = sorted(found.items(), key=lambda item: item[1][0])[:MAX_CHILDREN]
        return [Child(child, lineage) for child, (_, lineage) in ordered]


_NEWEST = """
SELECT r.task_id, r.raw_json FROM task_raw AS r JOIN tasks AS t ON t.task_id = r.task_id
WHERE t.kind != 'lyrics' ORDER BY t.seq DESC LIMIT ?
"""


def clip_owners_in_state(state: StateConnection, newest: int) -> dict[str, str]:
    """{clip id: task} of the ``newest`` watched tasks' last snapshots (one
    read, each snapshot parsed once: a parent clip's task for many children)."""
    owners: dict[str, str] = {}
    for task_id, raw in state.read(_NEWEST, (newest,)):
        text = unpack_raw(raw)
        try:
            data = json.loads(text).get("data") if text is not None else None
        except (ValueError, AttributeError, RecursionError):
            continue  # a damaged row, or not a task's shape: it owns nothing
        if not isinstance(data, list) or not isinstance(task_id, str):
            continue
        for clip in data:
            clip_id = checked_id(clip.get("id")) if isinstance(clip, dict) else None
            if clip_id is not None:
                owners.setdefault(clip_id, task_id)
    return owners


def learn_from_rows(book: LineageBook, tasks: Iterable[Task | None]) -> int:
    """Learn the parents the saved snapshots' clips name (the tracker, after a save)."""
    found = []
    learned = book.learned
    for task in tasks:
        if task is None or not task.clips or task.task_id in learned:
            continue
        lineage = task_lineage(task)
        if lineage is not None:
            found.append((task.task_id, lineage))
    return book.learn(found)
