"""The detail's lineage: what the task was made from, what was made from it.

    Lineage
      extends      Harbour Lights (1e779da6) at 1:30
      extended by  Harbour Lights (L5MqzzuY) at 2:10
      joined into  Harbour Lights (25569617)

:func:`family_of` gathers it from the engine (engine/lineage.py: the state
file's word, else the clips' metadata); :func:`lineage_lines` draws it. A
title is the watch list's when it knows the task, else the id shortened.
Titles and ids are untrusted: cleaned, and only ever text, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content

from suno_tui.engine.lineage import Lineages
from suno_tui.relay.lineage import CONCAT
from suno_tui.relay.models import Task
from suno_tui.safe_text import clean_line
from suno_tui.tui.tasks.row_render import short_id

__all__ = ["Family", "Relative", "family_of", "lineage_lines"]

LABEL = "$text-muted"
HEADING = "bold $text"
_LABEL_WIDTH = 11
_SHORT_ID = 8


@dataclass(frozen=True, slots=True)
class Relative:
    """A parent or a child: made by ``kind`` ("extend" or "concat"), ``at``
    seconds into the parent (None: a concat, or not known)."""

    kind: str
    title: str  # "" when the watch list does not know it
    task_id: str | None  # None: not known (a parent clip made elsewhere)
    at: float | None
    clip_id: str = ""  # a parent's clip, named when its title is not known


@dataclass(frozen=True, slots=True)
class Family:
    """A task's relatives: what it was made from, and what was made from it."""

    parent: Relative | None = None
    children: tuple[Relative, ...] = ()


def family_of(lineages: Lineages, task_id: str, task: Task | None) -> Family:
    """The task's parent and children as the engine knows them."""
    parent = lineages.parent(task_id, task)
    above = None
    if parent is not None:
        title = lineages.title_of_clip(parent)
        above = Relative(parent.kind, title, parent.task_id, parent.at, parent.clip_id)
    below = []
    for child in lineages.children(task_id, task):
        summary = lineages.summary(child.task_id)
        title = summary.title if summary is not None else ""
        below.append(Relative(child.lineage.kind, title, child.task_id, child.lineage.at))
    return Family(above, tuple(below))


def clock_text(seconds: float) -> str:
    """``1:30`` for 90 seconds."""
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def _name(relative: Relative) -> Content:
    """The title and, as the list shows it, the task's id (extensions often
    keep their parent's title); without a title (not watched, or not fetched
    yet), a parent's clip id or a child's task id, shortened."""
    title = clean_line(relative.title).strip()
    task = short_id(clean_line(relative.task_id), _SHORT_ID) if relative.task_id else ""
    if title:
        return Content.assemble(title, (f" ({task})", LABEL) if task else "")
    if not relative.clip_id:
        return Content.assemble(("task ", LABEL), task or "?")
    clip = clean_line(relative.clip_id)
    shown = clip[:_SHORT_ID] + ("…" if len(clip) > _SHORT_ID else "")
    return Content.assemble(("clip ", LABEL), shown)


def _at(relative: Relative) -> Content:
    if relative.at is None or relative.kind == CONCAT:
        return Content("")
    return Content.assemble((" at ", LABEL), clock_text(relative.at))


def _line(label: str, value: Content, width: int) -> Content:
    """``  label        value``; a value wider than the room wraps under itself."""
    head = Content.styled(f"  {label:<{_LABEL_WIDTH}}  ", LABEL)
    room = width - head.cell_length
    if width <= 0 or room < 16 or value.cell_length <= room:
        return Content.assemble(head, value, "\n")
    lines = [line.rstrip() for line in value.wrap(room, overflow="fold")]
    indent = " " * head.cell_length
    parts: list[Content | str] = [head, lines[0], "\n"]
    for line in lines[1:]:
        parts += [indent, line, "\n"]
    return Content.assemble(*parts)


def lineage_lines(family: Family | None, width: int = 0) -> list[Content]:
    """The "Lineage" section (nothing when the task has no parent or child)."""
    if family is None or (family.parent is None and not family.children):
        return []
    lines = [Content.assemble("\n", ("Lineage", HEADING), "\n")]
    parent = family.parent
    if parent is not None:
        name = _name(parent)
        if parent.kind == CONCAT:
            value = Content.assemble(name, (" and all it extends (the full song)", LABEL))
            lines.append(_line("joins", value, width))
        else:
            lines.append(_line("extends", Content.assemble(name, _at(parent)), width))
    for child in family.children:
        label = "joined into" if child.kind == CONCAT else "extended by"
        lines.append(_line(label, Content.assemble(_name(child), _at(child)), width))
    return lines
