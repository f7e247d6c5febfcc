"""The messages the task list (:mod:`suno_tui.tui.tasks.task_list`) posts, as
``TaskList.Highlighted`` and so on; handled as ``on_task_list_highlighted``...
and the view it reports through its ``view`` reactive."""

from __future__ import annotations

from typing import NamedTuple

from textual.message import Message

from suno_tui.tui.tasks.order import SortKey

__all__ = ["FilterCleared", "FilterRequested", "Highlighted", "ListView", "Opened"]


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


class ListView(NamedTuple):
    """What the bars around the list show of it."""

    sort: SortKey
    filter_text: str
    shown: int
    total: int


class FilterRequested(Message, namespace="task_list"):
    """``/`` was pressed: the screen shows the filter input."""


class FilterCleared(Message, namespace="task_list"):
    """Esc cleared the filter."""
