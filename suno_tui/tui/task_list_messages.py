"""The messages the task list (:mod:`suno_tui.tui.task_list`) posts, as
``TaskList.Highlighted`` and so on; handled as ``on_task_list_highlighted``..."""

from __future__ import annotations

from textual.message import Message

from suno_tui.tui.task_order import SortKey

__all__ = ["FilterCleared", "FilterRequested", "Highlighted", "Opened", "ViewChanged"]


class Highlighted(Message, namespace="task_list"):
    """The cursor is on another task (None: the list is empty)."""

    def __init__(self, task_id: str | None) -> None:
        self.task_id = task_id
        super().__init__()


class Opened(Message, namespace="task_list"):
    """Enter (or a double click) on a task."""

    def __init__(self, task_id: str) -> None:
        self.task_id = task_id
        super().__init__()


class ViewChanged(Message, namespace="task_list"):
    """The sort key, the filter or the number of rows changed."""

    def __init__(self, sort: SortKey, filter_text: str, shown: int, total: int) -> None:
        self.sort = sort
        self.filter_text = filter_text
        self.shown = shown
        self.total = total
        super().__init__()


class FilterRequested(Message, namespace="task_list"):
    """``/`` was pressed: the screen shows the filter input."""


class FilterCleared(Message, namespace="task_list"):
    """Esc cleared the filter."""
