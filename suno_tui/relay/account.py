"""The account's task list: ``GET /api/task/self`` on new-api and one-hub.

Listing needs the user's *access token* (from the gateway's web console),
not the API key; new-api also wants the numeric user id in a header
(docs/gateway.md). The two gateways differ:

=============  ===============================  =================================
               new-api                          one-hub
=============  ===============================  =================================
auth           ``Authorization: <token>`` and   ``Authorization: <token>``
               ``New-Api-User: <id>``
paging         ``p`` from 1, ``page_size``      ``page`` from 1, ``size``
               (cut to 100)                     (over 100 is an error)
answer         ``data: {items, total, ...}``    ``data: {data, total_count, ...}``
               (old builds: a bare array,
               pages from 0, 10 per page)
progress       ``"57%"``                        ``57``
=============  ===============================  =================================

Detection (``api="auto"``): the first request carries both gateways' paging
parameters (``p``/``page`` = 1, ``page_size``/``size`` = 100) and the user
header when a user id is set; each gateway ignores the other's. The answer's
shape names the flavour: ``data.items`` is new-api, ``data.data`` with
``total_count`` is one-hub, a bare array is an old new-api (the walk then
starts again from page 0). Later pages use only that flavour's parameters.

Both gateways refuse a bad access token with HTTP 200 and ``success: false``;
that, a 401 and a 403 raise :class:`AccountAuthError`, whose message names
the credential to fix. A 404 or a web page raises :class:`NotSupported`.

A walk over the pages is bounded: it stops at the limit, at a short or empty
page, when ``total`` is reached, when a page repeats one already seen (a
gateway that ignores the page number), and in any case after
``ceil(limit / page size) + 2`` pages (a gateway whose totals lie).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from suno_tui.relay.client import RelayClient
from suno_tui.relay.envelope import decode_json, error_for_status, is_web_page, short_text
from suno_tui.relay.errors import (
    AccountAuthError,
    AuthError,
    MalformedResponse,
    NotSupported,
    RelayError,
)
from suno_tui.relay.models import ModelError, Task, TaskKind, parse_task
from suno_tui.relay.redaction import redact_error

__all__ = [
    "DEFAULT_LIST_LIMIT",
    "DEFAULT_USER_HEADER",
    "MAX_LIST_LIMIT",
    "PAGE_SIZE",
    "TASK_LIST_PATH",
    "AccountApi",
    "AccountClient",
    "Flavour",
    "TaskListing",
    "TaskPage",
    "TaskQuery",
    "WalkResult",
    "parse_account_item",
]

AccountApi = Literal["auto", "new-api", "one-hub"]
Flavour = Literal["new-api", "new-api-legacy", "one-hub"]

TASK_LIST_PATH = "/api/task/self"
DEFAULT_USER_HEADER = "New-Api-User"
PAGE_SIZE = 100  # the most either gateway gives per page
LEGACY_PAGE_SIZE = 10  # old new-api builds: fixed
DEFAULT_LIST_LIMIT = 10_000
MAX_LIST_LIMIT = 100_000
_EXTRA_PAGES = 2  # slack for tasks that shift between pages while walking
_PLATFORM = "suno"

StopReason = Literal["end", "limit", "total", "repeat", "bound", "older", "visitor"]


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
    #: the page size the gateway used
    page_size: int
    #: the gateway's count of all matching tasks, when it says
    total: int | None
    #: every item was submitted before ``query.since``
    all_older: bool = False
    problems: list[str] = field(default_factory=list)
    ids: tuple[str, ...] = ()


@dataclass(slots=True)
class WalkResult:
    pages: int = 0
    stop: StopReason = "end"
    problems: list[str] = field(default_factory=list)
    #: the page the walk ended on was the list's last
    last_page: bool = False


@dataclass(slots=True)
class TaskListing:
    """The answer of :meth:`AccountClient.list_tasks`."""

    tasks: list[Task]
    flavour: Flavour
    pages: int
    stop: StopReason
    total: int | None
    problems: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """False when the walk stopped before the end (limit, bound, repeated page)."""
        return self.stop in ("end", "total", "older")


#: called with each page; returns False to stop the walk
PageVisitor = Callable[[TaskPage], Awaitable[bool] | bool]


def _int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


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


class AccountClient:
    """The account endpoints of one gateway, over a RelayClient's connection.

    The RelayClient brings the transport, timeouts, TLS settings and the size
    cap; this class adds the access token and the user header. It does not
    own the RelayClient (close that yourself).
    """

    def __init__(
        self,
        relay: RelayClient,
        *,
        access_token: str | None,
        user_id: int | None = None,
        user_header: str = DEFAULT_USER_HEADER,
        api: AccountApi = "auto",
        page_size: int = PAGE_SIZE,
    ) -> None:
        token = (access_token or "").strip()
        if token[:7] == "Bearer ":  # new-api strips exactly this; send the bare token
            token = token[7:].strip()
        if any(not "!" <= char <= "~" for char in token):
            raise ValueError(
                "the access token contains spaces, control or non-ASCII characters "
                "and cannot be sent in an HTTP header"
            )
        if not 1 <= page_size <= PAGE_SIZE:
            raise ValueError(f"page size must be from 1 to {PAGE_SIZE}")
        self.relay = relay
        self._access_token = token
        self.user_id = user_id
        self.user_header = user_header
        self.api: AccountApi = api
        self.page_size = page_size
        self._flavour: Flavour | None = None if api == "auto" else api
        self._legacy_page_size = LEGACY_PAGE_SIZE

    @property
    def flavour(self) -> Flavour | None:
        """The gateway's flavour: configured, or detected by the first page (else None)."""
        return self._flavour

    @property
    def has_access_token(self) -> bool:
        return bool(self._access_token)

    # -- public API ---------------------------------------------------------

    async def list_tasks(self, query: TaskQuery, *, limit: int = DEFAULT_LIST_LIMIT) -> TaskListing:
        """The account's tasks matching ``query``, newest first, at most ``limit``."""
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise ValueError(f"limit must be from 1 to {MAX_LIST_LIMIT}")
        tasks: list[Task] = []
        seen: set[str] = set()
        total: int | None = None
        left_on_page = False

        def visit(page: TaskPage) -> bool:
            nonlocal total, left_on_page
            total = page.total if page.total is not None else total
            for index, task in enumerate(page.tasks):
                if task.task_id in seen:  # a task pushed down by a newer one
                    continue
                seen.add(task.task_id)
                tasks.append(task)
                if len(tasks) >= limit:
                    left_on_page = index < len(page.tasks) - 1
                    return False
            return True

        walk = await self.walk(query, visit, limit=limit)
        stop = walk.stop
        if stop == "visitor":  # the limit: was anything left?
            stop = "limit" if left_on_page or not walk.last_page else "end"
        return TaskListing(
            tasks=tasks,
            flavour=self._flavour or "new-api",
            pages=walk.pages,
            stop=stop,
            total=total,
            problems=walk.problems,
        )

    async def walk(
        self, query: TaskQuery, visit: PageVisitor, *, limit: int = DEFAULT_LIST_LIMIT
    ) -> WalkResult:
        """Read pages newest first, handing each to ``visit`` until it returns
        False or a stop rule ends the walk (see the module's doc)."""
        if not self._access_token:
            raise AccountAuthError(
                "no access token is set",
                hint=_CREDENTIAL_ADVICE,
            )
        result = WalkResult()
        seen_pages: set[tuple[str, ...]] = set()
        number = 0 if self._flavour == "new-api-legacy" else 1
        first_number = number
        max_pages = math.ceil(limit / self.page_size) + _EXTRA_PAGES
        while True:
            if result.pages >= max_pages:
                result.stop = "bound"
                result.problems.append(
                    f"stopped after {result.pages} pages: the gateway kept sending more "
                    "than its totals or the limit allow"
                )
                return result
            before = self._flavour
            page = await self._page(number, query)
            if before != self._flavour == "new-api-legacy" and number == 1:
                # An old build pages from 0: what came back was the second page.
                number = first_number = 0
                page = await self._page(number, query)
            result.pages += 1
            result.problems.extend(page.problems)
            if page.ids and page.ids in seen_pages:
                result.stop = "repeat"
                result.problems.append(
                    f"the gateway sent page {number} again (same tasks as before); stopped"
                )
                return result
            seen_pages.add(page.ids)
            if self._flavour == "new-api-legacy":
                max_pages = math.ceil(limit / page.page_size) + _EXTRA_PAGES
            read = (number - first_number + 1) * page.page_size
            short = page.count == 0 or page.count < page.page_size
            result.last_page = short or (page.total is not None and read >= page.total)
            keep_going = visit(page)
            if not isinstance(keep_going, bool):
                keep_going = await keep_going
            if not keep_going:
                result.stop = "visitor"
                return result
            if short:
                result.stop = "end"
                return result
            if result.last_page:
                result.stop = "total"
                return result
            if page.all_older:
                result.stop = "older"
                return result
            number += 1

    # -- one page -----------------------------------------------------------

    async def _page(self, number: int, query: TaskQuery) -> TaskPage:
        params = self._params(number, query)
        try:
            status, headers, body = await self.relay.get_raw(
                TASK_LIST_PATH, params=params, headers=self._auth_headers()
            )
            payload = self._read(status, headers, body)
            return self._parse_page(payload, number, query, status)
        except RelayError as error:
            raise redact_error(error, self._secrets()) from None

    def _secrets(self) -> tuple[str, ...]:
        return (self._access_token, self.relay.api_key)

    def _auth_headers(self) -> dict[str, str]:
        headers = {"Authorization": self._access_token}
        if self.user_id is not None and self._flavour != "one-hub":
            headers[self.user_header] = str(self.user_id)
        return headers

    def _params(self, number: int, query: TaskQuery) -> dict[str, str | int]:
        params: dict[str, str | int] = {}
        flavour = self._flavour
        if flavour in (None, "new-api", "new-api-legacy"):
            params["p"] = number
            params["page_size"] = self.page_size
        if flavour in (None, "one-hub"):
            params["page"] = number
            params["size"] = self.page_size
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

    def _read(self, status: int, headers: dict[str, str], body: bytes) -> Mapping[str, Any]:
        """The success envelope's object, or the error the answer means."""
        if status == 404 or status == 405 or is_web_page(body, headers):
            raise NotSupported(
                f"the gateway has no task list ({TASK_LIST_PATH} answered "
                f"{'HTTP ' + str(status) if status != 200 else 'with a web page'}); "
                "account mode needs a new-api or one-hub gateway"
            )
        if status in (401, 403):
            error = error_for_status(status, body, headers)
            message = error.message if isinstance(error, AuthError) else str(error)
            raise AccountAuthError(message, status=status, hint=self._refusal_hint(status))
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
            raise AccountAuthError(text, status=status, hint=self._refusal_hint(status))
        if "data" not in payload:
            raise MalformedResponse("no 'data' in the answer", status=status)
        return payload

    def _refusal_hint(self, status: int) -> str:
        hint = _CREDENTIAL_ADVICE
        if self._access_token.startswith("sk-"):
            hint = "this looks like the API key (sk-...), which cannot list tasks; " + hint
        if status == 401 and self._flavour != "one-hub":
            if self.user_id is None:
                return (
                    "a new-api gateway also needs your numeric user id: set user_id "
                    f"(or SUNO_TUI_USER_ID), sent as the {self.user_header} header; " + hint
                )
            return (
                f"check user_id ({self.user_id}, sent as the {self.user_header} header): it "
                "must be the id of the access token's owner; some forks rename the header "
                "(user_header); " + hint
            )
        return hint

    def _parse_page(
        self, payload: Mapping[str, Any], number: int, query: TaskQuery, status: int
    ) -> TaskPage:
        data = payload["data"]
        rows: object
        total: int | None = None
        page_size = self.page_size
        if data is None:
            rows = []
        elif isinstance(data, list):
            rows = data
            if self._flavour in (None, "new-api"):
                self._flavour = "new-api-legacy"
            if number == 0:  # the first page shows the build's page size
                self._legacy_page_size = max(LEGACY_PAGE_SIZE, len(data))
            page_size = self._legacy_page_size
        elif isinstance(data, dict) and "items" in data:
            rows = data.get("items")
            total = _int(data.get("total"))
            page_size = _int(data.get("page_size")) or self.page_size
            if self._flavour is None:
                self._flavour = "new-api"
        elif isinstance(data, dict) and ("total_count" in data or "data" in data):
            rows = data.get("data")
            total = _int(data.get("total_count"))
            page_size = _int(data.get("size")) or self.page_size
            if self._flavour is None:
                self._flavour = "one-hub"
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
        if self._flavour != "new-api-legacy":
            page_size = max(1, min(page_size, PAGE_SIZE))
        return self._page_of(rows, number, query, page_size, total)

    def _page_of(
        self, rows: list[object], number: int, query: TaskQuery, page_size: int, total: int | None
    ) -> TaskPage:
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


_CREDENTIAL_ADVICE = (
    "set the access token from the gateway's web console (access_token, "
    "access_token_command or SUNO_TUI_ACCESS_TOKEN), not the API key"
)
