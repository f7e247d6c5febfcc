"""``R``: poll a task the gateway did not know once more (the decision, then
the list, the open details and a toast)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from suno_tui.safe_text import clean_line
from suno_tui.tracking.model import NOT_FOUND, TaskSummary

if TYPE_CHECKING:
    from textual.app import App

    from suno_tui.tui.detail.details import Details
    from suno_tui.tui.tasks.task_list import TaskList


class Retrying(Protocol):
    def get(self, task_id: str) -> TaskSummary | None: ...
    def retry(self, task_ids: Iterable[str]) -> list[TaskSummary]: ...


def retry_not_found(tracker: Retrying, task_id: str | None) -> tuple[list[TaskSummary], str]:
    """(rows that changed, what to tell the user)."""
    summary = tracker.get(task_id) if task_id else None
    if summary is None:
        return [], "No task selected."
    name = clean_line(summary.title) or clean_line(summary.task_id)
    if summary.status_label != NOT_FOUND:
        return [], f"Only a task the gateway did not find can be retried ({name} is not)."
    changed = tracker.retry([summary.task_id])
    if not changed:
        return [], f"{name} is already being polled again."
    return changed, f"Polling {name} once more."


def retry_selected(
    app: App[Any],
    tracker: Retrying,
    task_list: TaskList,
    details: Details,
    rows_changed: Callable[[], None],
) -> None:
    """``R`` on the task the user is looking at: its row and details follow."""
    changed, message = retry_not_found(tracker, details.current_task_id())
    if changed:
        task_list.upsert(changed)
        rows_changed()
        details.refresh({summary.task_id for summary in changed})
    app.notify(message, timeout=3, markup=False)
