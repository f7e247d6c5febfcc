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

#: toasts name at most this many finished tasks one by one, then summarise
MAX_TOASTS_PER_ROUND = 3

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True, slots=True)
class Toast:
    message: str
    title: str
    severity: Severity = "information"


def toasts(finished: Sequence[TaskSummary]) -> list[Toast]:
    """One toast per finished task, or one summary when many finish at once."""
    if len(finished) > MAX_TOASTS_PER_ROUND:
        failed = sum(1 for s in finished if s.status is not TaskStatus.SUCCESS)
        return [
            Toast(
                f"{len(finished)} tasks finished: {len(finished) - failed} succeeded,"
                f" {failed} failed or not found",
                "Tasks finished",
                "warning" if failed else "information",
            )
        ]
    shown: list[Toast] = []
    for summary in finished:
        name = clean_line(summary.title) or clean_line(summary.task_id)
        if summary.status is TaskStatus.SUCCESS:
            shown.append(Toast(name, "✓ Succeeded"))
        else:
            reason = clean_line(summary.fail_reason) or clean_line(summary.status_label)
            shown.append(Toast(f"{name}\n{reason}", "✗ Failed", "error"))
    return shown
