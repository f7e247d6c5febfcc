"""One discovery: the account's tasks that the caller does not know yet.

The task list comes newest first, so a discovery pages only until it meets a
task it already knows: after the first one, a look for new tasks costs one
request. Tasks the person removed from the watch list belong in ``known``
too, so that they are not added back.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from datetime import datetime

from suno_tui.relay.account import (
    DEFAULT_LIST_LIMIT,
    AccountClient,
    TaskPage,
    TaskQuery,
)
from suno_tui.relay.models import Task

__all__ = ["Discovery", "discover"]


@dataclass(slots=True)
class Discovery:
    """What one discovery found."""

    #: tasks not in ``known``, newest first, each once
    tasks: list[Task] = field(default_factory=list)
    pages: int = 0
    #: False when the walk stopped before reaching a known task or the window's start
    complete: bool = True
    problems: list[str] = field(default_factory=list)


async def discover(
    client: AccountClient,
    known: Container[str],
    since: datetime | None,
    *,
    limit: int = DEFAULT_LIST_LIMIT,
) -> Discovery:
    """The account's tasks submitted since ``since`` that are not in ``known``.

    Reads pages until one holds a known task (the rest of that page is still
    read: an older task the caller does not know is new to it too), the
    window ends, or ``limit`` new tasks were found. Raises the relay's errors.
    """
    found = Discovery()
    seen: set[str] = set()
    query = TaskQuery(since=since)
    left_on_page = False

    def visit(page: TaskPage) -> bool:
        nonlocal left_on_page
        for index, task in enumerate(page.tasks):
            if task.task_id in known or task.task_id in seen:
                continue
            seen.add(task.task_id)
            found.tasks.append(task)
            if len(found.tasks) >= limit:
                left_on_page = index < len(page.tasks) - 1
                return False
        # a known id on the page (even one the query filtered out) ends the walk
        return not any(task_id in known for task_id in page.ids)

    walk = await client.walk(query, visit, limit=limit)
    found.pages = walk.pages
    found.problems = walk.problems
    met = walk.stop == "visitor" and len(found.tasks) < limit
    # the limit met the list's last task: nothing was left out
    at_end = walk.stop == "visitor" and walk.last_page and not left_on_page
    found.complete = met or at_end or walk.stop in ("end", "total", "older")
    return found
