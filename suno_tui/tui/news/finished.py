"""What to say when tasks finish: toasts built from the engine's ``news``
(the finished tasks worth telling).

Pure functions (the app only shows what they return). Every text is cleaned
and meant for ``notify(..., markup=False)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from suno_tui.relay.models import TaskStatus
from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import TaskSummary

#: a round's toast names at most this many tasks, then says how many more
MAX_NAMES = 3
#: characters of names in one toast at most
MAX_NAMES_LENGTH = 80

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True, slots=True)
class Toast:
    """A toast to show: its words, title and severity."""

    message: str
    title: str
    severity: Severity = "information"


def toasts(finished: Sequence[TaskSummary]) -> list[Toast]:
    """One toast for a round's finishes (none when nothing finished).

    One task: its name (and the reason if it failed). Several: "3 finished"
    with the names, failures counted, so a round never stacks toasts over the
    list; the event log keeps every transition.
    """
    if not finished:
        return []
    if len(finished) == 1:
        return [_one(finished[0])]
    failed = [s for s in finished if s.status is not TaskStatus.SUCCESS]
    title = f"{len(finished)} finished"
    if failed:
        title += f", {len(failed)} failed" if len(failed) < len(finished) else ", all failed"
    return [Toast(names_line(finished), title, "warning" if failed else "information")]


def _name(summary: TaskSummary) -> str:
    return clean_line(summary.title) or clean_line(summary.task_id)


def names_line(finished: Sequence[TaskSummary]) -> str:
    """``Neon Harbor, Midnight Rain, Static and 2 more`` (failures marked ✗)."""
    names = []
    for summary in finished[:MAX_NAMES]:
        mark = "" if summary.status is TaskStatus.SUCCESS else "✗ "
        names.append(mark + _name(summary))
    line = ", ".join(names)
    if len(line) > MAX_NAMES_LENGTH:
        line = line[: MAX_NAMES_LENGTH - 1] + "…"
    rest = len(finished) - min(len(finished), MAX_NAMES)
    return f"{line} and {rest} more" if rest else line


def _one(summary: TaskSummary) -> Toast:
    if summary.status is TaskStatus.SUCCESS:
        return Toast(_name(summary), "✓ Succeeded")
    reason = clean_line(summary.fail_reason) or clean_line(summary.status_label)
    return Toast(f"{_name(summary)}\n{reason}", "✗ Failed", "error")
