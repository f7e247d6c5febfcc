"""One page of the account's task list: the query it answers, the request's
parameters, the answer read (refusals and errors), the shapes the gateways
give it (new-api's ``data.items``, one-hub's ``data.data``, old new-api
builds' bare array), and its rows parsed into Tasks.

The page size a gateway says is believed only between the old builds' fixed
10 (or less, if less was asked for) and the size asked for: a page that says
``page_size: "1"`` (or 1000) cannot stretch or cut the walk
(:mod:`suno_tui.relay.account` bounds it by what was asked, never by this).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from suno_tui.relay.envelope import decode_json, error_for_status, is_web_page, short_text
from suno_tui.relay.errors import AccountAuthError, AuthError, MalformedResponse, NotSupported
from suno_tui.relay.models import ModelError, Task, TaskKind, parse_task

__all__ = [
    "LEGACY_PAGE_SIZE",
    "PAGE_SIZE",
    "TASK_LIST_PATH",
    "PageShape",
    "TaskPage",
    "TaskQuery",
    "believed_page_size",
    "page_of",
    "page_params",
    "page_shape",
    "parse_account_item",
    "read_answer",
]

TASK_LIST_PATH = "/api/task/self"
_PLATFORM = "suno"
PAGE_SIZE = 100  # the most either gateway gives per page
LEGACY_PAGE_SIZE = 10  # old new-api builds: fixed


@dataclass(frozen=True, slots=True)
class TaskQuery:
    """What to list. Times are inclusive and compared with the submit time."""

    since: datetime | None = None
    until: datetime | None = None
    #: a gateway status: NOT_START SUBMITTED QUEUED IN_PROGRESS FAILURE SUCCESS UNKNOWN
    status: str | None = None
    #: sent to the gateway: MUSIC or LYRICS (an old lyrics task has action "")
    action: str | None = None
    #: checked here, from the shape of the task's data (catches action "")
    kind: TaskKind | None = None
    task_id: str | None = None

    def matches(self, task: Task) -> bool:
        """The checks the gateway should have made, made again (forks differ)."""
        if self.kind is not None and task.kind is not self.kind:
            return False
        if self.status is not None and task.status_label != self.status:
            return False
        submitted = task.submitted_at
        if submitted is None:
            return True
        if self.since is not None and submitted < self.since:
            return False
        return self.until is None or submitted <= self.until


@dataclass(slots=True)
class TaskPage:
    """One page of the task list, parsed."""

    number: int
    #: the page's tasks that match the query, newest first
    tasks: list[Task]
    #: how many items the page held (before the query's own checks)
    count: int
    #: the page size the gateway used (as far as it is believed)
    page_size: int
    #: the gateway's count of all matching tasks, when it says
    total: int | None
    #: every item was submitted before ``query.since``
    all_older: bool = False
    problems: list[str] = field(default_factory=list)
    ids: tuple[str, ...] = ()
    #: the size of the answer's body
    bytes: int = 0


@dataclass(frozen=True, slots=True)
class PageShape:
    """What an answer's ``data`` holds, before its rows are parsed."""

    #: "list": an old new-api build's bare array; "empty": ``data: null``
    kind: Literal["list", "new-api", "one-hub", "empty"]
    rows: list[object]
    total: int | None = None
    #: the page size the gateway says it used (not believed yet)
    said_page_size: int | None = None


def whole_number(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def page_params(
    flavour: str | None, number: int, page_size: int, query: TaskQuery
) -> dict[str, str | int]:
    """The query string of page ``number``: both gateways' paging parameters
    until the flavour is known (``None``), then only its own."""
    params: dict[str, str | int] = {}
    if flavour in (None, "new-api", "new-api-legacy"):
        params["p"] = number
        params["page_size"] = page_size
    if flavour in (None, "one-hub"):
        params["page"] = number
        params["size"] = page_size
        params["order"] = "-id"
    params["platform"] = _PLATFORM
    if query.status:
        params["status"] = query.status
    if query.action:
        params["action"] = query.action
    if query.task_id:
        params["task_id"] = query.task_id
    if query.since is not None:
        params["start_timestamp"] = math.floor(query.since.timestamp())
    if query.until is not None:
        params["end_timestamp"] = math.ceil(query.until.timestamp())
    return params


def read_answer(
    status: int, headers: dict[str, str], body: bytes, refusal_hint: Callable[[int], str]
) -> Mapping[str, Any]:
    """The success envelope's object, or the error the answer means
    (``refusal_hint(status)`` says which credential to fix)."""
    if status == 404 or status == 405 or is_web_page(body, headers):
        raise NotSupported(
            f"the gateway has no task list ({TASK_LIST_PATH} answered "
            f"{'HTTP ' + str(status) if status != 200 else 'with a web page'}); "
            "account mode needs a new-api or one-hub gateway"
        )
    if status in (401, 403):
        error = error_for_status(status, body, headers)
        message = error.message if isinstance(error, AuthError) else str(error)
        raise AccountAuthError(message, status=status, hint=refusal_hint(status))
    if not 200 <= status < 300:
        raise error_for_status(status, body, headers)
    payload = decode_json(body, status)
    if not isinstance(payload, dict):
        raise MalformedResponse(
            f"expected a JSON object, got {type(payload).__name__}", status=status
        )
    success = payload.get("success")
    if success is False:
        said = payload.get("message")
        text = short_text(said) if said is not None else ""
        raise AccountAuthError(text, status=status, hint=refusal_hint(status))
    if "data" not in payload:
        raise MalformedResponse("no 'data' in the answer", status=status)
    return payload


def page_shape(payload: Mapping[str, Any], status: int) -> PageShape:
    """The shape of a success answer's ``data`` (MalformedResponse if none)."""
    data = payload["data"]
    rows: object
    if data is None:
        return PageShape("empty", [])
    if isinstance(data, list):
        return PageShape("list", data)
    if isinstance(data, dict) and "items" in data:
        rows = data.get("items")
        shape = PageShape(
            "new-api", [], whole_number(data.get("total")), whole_number(data.get("page_size"))
        )
    elif isinstance(data, dict) and ("total_count" in data or "data" in data):
        rows = data.get("data")
        shape = PageShape(
            "one-hub", [], whole_number(data.get("total_count")), whole_number(data.get("size"))
        )
    else:
        raise MalformedResponse(
            "'data' is neither a page of tasks nor a list of them", status=status
        )
    if rows is None:
        rows = []
    if not isinstance(rows, list):
        raise MalformedResponse(
            f"the page's task list is a {type(rows).__name__}, not a list", status=status
        )
    return PageShape(shape.kind, rows, shape.total, shape.said_page_size)


def believed_page_size(said: int | None, asked: int) -> int:
    """The page size a gateway says, kept between the old builds' 10 and ``asked``."""
    if said is None or said <= 0:  # not said: what was asked
        return asked
    return max(min(LEGACY_PAGE_SIZE, asked), min(said, asked))


def parse_account_item(raw: object) -> Task:
    """A task-log row as a Task: the row's status, progress and times and its
    ``data`` (the raw Suno clips, as ``/suno/fetch`` gives them).

    The row's ``id`` is a database id, never the task id (parse_task only
    takes a string ``id``). one-hub's integer progress becomes ``"57%"``.
    Raises ModelError for a row without a task id.
    """
    if not isinstance(raw, dict):
        raise ModelError(f"expected a task object, got {type(raw).__name__}")
    progress = raw.get("progress")
    if isinstance(progress, int | float) and not isinstance(progress, bool):
        raw = {**raw, "progress": f"{progress:g}%"}
    return parse_task(raw)


def page_of(
    rows: list[object], number: int, query: TaskQuery, page_size: int, total: int | None
) -> TaskPage:
    """The rows of page ``number`` parsed; a row that is not a task is a problem, not an error."""
    page = TaskPage(number=number, tasks=[], count=len(rows), page_size=page_size, total=total)
    ids: list[str] = []
    older = 0
    for index, row in enumerate(rows):
        try:
            task = parse_account_item(row)
        except ModelError as error:
            page.problems.append(f"item {index} of page {number} ignored: {error}")
            continue
        ids.append(task.task_id)
        if (
            query.since is not None
            and task.submitted_at is not None
            and task.submitted_at < query.since
        ):
            older += 1
        if query.matches(task):
            page.tasks.append(task)
    page.ids = tuple(ids)
    page.all_older = bool(rows) and older == len(rows)
    return page
