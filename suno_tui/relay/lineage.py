"""What a task was made from: the clip it extends, or the chain it joins.

Suno tells it in each clip's metadata (see /work/shared/docs/clip-actions.md
and simulator/lineage.py): an extension carries ``metadata.history``, the
chain it continues, oldest first, whose last entry is the clip it extends
(``{"id": ..., "continue_at": 60.0, ...}``); a concat ("the full song")
carries ``metadata.concat_history``, every part, whose last entry is the clip
it was made from. Everything there is untrusted and may have any shape: only
the last entry is read (a list of a million entries costs nothing), an id
must pass :func:`suno_tui.ids.validate_id`, and ``at`` is kept only when it
is a finite number of seconds from 0 to a day (anything else: not known).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from suno_tui.ids import InvalidTaskId, validate_id
from suno_tui.relay.models import Clip, Task

__all__ = [
    "CONCAT",
    "EXTEND",
    "LONGEST_AT",
    "Lineage",
    "checked_at",
    "checked_id",
    "clip_lineage",
    "task_lineage",
]

EXTEND = "extend"
CONCAT = "concat"
#: the latest ``at`` believed (seconds): no song is a day long
LONGEST_AT = 86_400.0


@dataclass(frozen=True, slots=True)
class Lineage:
    """A task's parent: made by ``kind`` ("extend" or "concat") from clip
    ``clip_id`` of task ``task_id`` (None: not known), at ``at`` seconds into
    it (None for a concat, or when not known)."""

    kind: str
    clip_id: str
    at: float | None = None
    task_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The ``extends`` object of the JSON outputs."""
        return {"task_id": self.task_id, "clip_id": self.clip_id, "at": self.at, "kind": self.kind}

    def with_task(self, task_id: str | None) -> Lineage:
        return self if task_id is None or self.task_id else replace(self, task_id=task_id)


def checked_id(value: object) -> str | None:
    """``value`` if it is a string that can be an id, else None."""
    if not isinstance(value, str):
        return None
    try:
        return validate_id(value)
    except InvalidTaskId:
        return None


def checked_at(value: object) -> float | None:
    """Seconds into a clip: a finite number from 0 to :data:`LONGEST_AT`, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = float(value)
    return seconds if math.isfinite(seconds) and 0 <= seconds <= LONGEST_AT else None


def _last_entry(value: object) -> Mapping[str, Any] | None:
    if isinstance(value, list) and value and isinstance(value[-1], dict):
        return value[-1]
    return None


def clip_lineage(clip: Clip) -> Lineage | None:
    """The parent ``clip``'s metadata names, if it names one that can be an id."""
    raw = clip.raw
    metadata = raw.get("metadata") if isinstance(raw, dict) else None
    if not isinstance(metadata, dict):
        return None
    part = _last_entry(metadata.get("concat_history"))
    if part is not None:  # a concat also carries the chain's history: the parts say more
        clip_id = checked_id(part.get("id"))
        return Lineage(CONCAT, clip_id) if clip_id is not None else None
    step = _last_entry(metadata.get("history"))
    if step is not None:
        clip_id = checked_id(step.get("id"))
        if clip_id is not None:
            return Lineage(EXTEND, clip_id, checked_at(step.get("continue_at")))
    return None


def task_lineage(task: Task) -> Lineage | None:
    """The parent of ``task``: what its first clip that names one names (both
    clips of an extension name the same parent); never one of its own clips.
    Cheap for the many tasks made from nothing: the tracker asks it of every
    snapshot it saves."""
    for clip in task.clips:
        found = clip_lineage(clip)
        if found is not None:
            if any(own.id == found.clip_id for own in task.clips):
                return None
            return found
    return None
