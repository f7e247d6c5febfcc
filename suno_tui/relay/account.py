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

A refusal (HTTP 200 with ``success: false``, 401, 403) raises
:class:`AccountAuthError` naming the credential to fix; a 404 or a web page
:class:`NotSupported` (:mod:`suno_tui.relay.account_pages` reads answers).

A walk over the pages is bounded (:class:`WalkBounds`): it stops at the
limit, at a short or empty page, when ``total`` is reached, when a page
repeats one already seen (a gateway that ignores the page number), and in any
case after ``ceil(limit / page size asked) + 2`` requests (a gateway whose
totals or page sizes lie; the page size it says is never used for this) or
once its answers came to ``limit`` x 32 KiB (at least 16 MiB). A page over
8 MiB is refused. With ``on_tasks``, :meth:`AccountClient.list_tasks` hands
each page's tasks on as the page arrives and keeps none: memory stays flat
in the number of pages.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from suno_tui.relay.account_pages import (
    LEGACY_PAGE_SIZE,
    PAGE_SIZE,
    TASK_LIST_PATH,
    TaskPage,
    TaskQuery,
    believed_page_size,
    page_of,
    page_params,
    page_shape,
    parse_account_item,
    read_answer,
)
from suno_tui.relay.errors import AccountAuthError, RelayError
from suno_tui.relay.models import Task
from suno_tui.relay.redaction import redact_error

if TYPE_CHECKING:  # annotations only: importing this module does not load httpx
    from suno_tui.relay.client import RelayClient

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
    "TaskSink",
    "WalkBounds",
    "WalkResult",
    "parse_account_item",
]

AccountApi = Literal["auto", "new-api", "one-hub"]
Flavour = Literal["new-api", "new-api-legacy", "one-hub"]

DEFAULT_USER_HEADER = "New-Api-User"
DEFAULT_LIST_LIMIT = 10_000
MAX_LIST_LIMIT = 100_000
_EXTRA_PAGES = 2  # slack for tasks that shift between pages while walking
_MIB = 1024 * 1024
#: the most one page's answer may take (100 real rows with long lyrics: ~2 MB)
PAGE_MAX_BYTES = 8 * _MIB
#: what one walk may read per task asked for (real rows: 5-20 KB)...
WALK_BYTES_PER_TASK = 32 * 1024
#: ...and at least this much, so that a small limit still reads two full pages
WALK_MIN_BYTES = 16 * _MIB

StopReason = Literal["end", "limit", "total", "repeat", "bound", "bytes", "older", "visitor"]


@dataclass(frozen=True, slots=True)
class WalkBounds:
    """How much one walk may read, whatever the gateway says (see the module)."""

    page_bytes: int = PAGE_MAX_BYTES
    bytes_per_task: int = WALK_BYTES_PER_TASK
    min_bytes: int = WALK_MIN_BYTES

    def budget(self, limit: int) -> int:
        """The bytes a walk for up to ``limit`` tasks may read."""
        return max(self.min_bytes, limit * self.bytes_per_task)


@dataclass(slots=True)
class WalkResult:
    #: pages handed to the visitor
    pages: int = 0
    #: requests sent (an old build's first page is asked for twice)
    requests: int = 0
    #: the answers' bodies, in all
    bytes: int = 0
    stop: StopReason = "end"
    problems: list[str] = field(default_factory=list)
    #: the page the walk ended on was the list's last
    last_page: bool = False


@dataclass(slots=True)
class TaskListing:
    """The answer of :meth:`AccountClient.list_tasks`."""

    #: the tasks (empty when they went to ``on_tasks`` instead)
    tasks: list[Task]
    flavour: Flavour
    pages: int
    stop: StopReason
    total: int | None
    problems: list[str] = field(default_factory=list)
    #: how many tasks were listed (kept or handed on)
    count: int = 0

    @property
    def complete(self) -> bool:
        """False when the walk stopped before the end (limit, bound, bytes, repeated page)."""
        return self.stop in ("end", "total", "older")


#: called with each page; returns False to stop the walk
PageVisitor = Callable[[TaskPage], Awaitable[bool] | bool]
#: takes each page's new tasks as the page arrives (``list_tasks(on_tasks=...)``)
TaskSink = Callable[[list[Task]], None]


def _mib(count: int) -> str:
    return f"{count / _MIB:,.1f} MiB"


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
        bounds: WalkBounds | None = None,
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
        self.bounds = bounds or WalkBounds()
        self._flavour: Flavour | None = None if api == "auto" else api
        self._legacy_page_size = believed_page_size(LEGACY_PAGE_SIZE, page_size)

    @property
    def flavour(self) -> Flavour | None:
        """The gateway's flavour: configured, or detected by the first page (else None)."""
        return self._flavour

    @property
    def has_access_token(self) -> bool:
        return bool(self._access_token)

    # -- public API ---------------------------------------------------------

    async def list_tasks(
        self,
        query: TaskQuery,
        *,
        limit: int = DEFAULT_LIST_LIMIT,
        on_tasks: TaskSink | None = None,
    ) -> TaskListing:
        """The account's tasks matching ``query``, newest first, at most ``limit``.

        With ``on_tasks``, each page's new tasks go to it as the page arrives
        and none is kept (``tasks`` stays empty; ``count`` says how many)."""
        if not 1 <= limit <= MAX_LIST_LIMIT:
            raise ValueError(f"limit must be from 1 to {MAX_LIST_LIMIT}")
        tasks: list[Task] = []
        seen: set[str] = set()
        count = 0
        total: int | None = None
        left_on_page = False

        def visit(page: TaskPage) -> bool:
            nonlocal total, left_on_page, count
            total = page.total if page.total is not None else total
            fresh: list[Task] = []
            for index, task in enumerate(page.tasks):
                if task.task_id in seen:  # a task pushed down by a newer one
                    continue
                seen.add(task.task_id)
                fresh.append(task)
                if count + len(fresh) >= limit:
                    left_on_page = index < len(page.tasks) - 1
                    break
            count += len(fresh)
            if on_tasks is None:
                tasks.extend(fresh)
            elif fresh:
                on_tasks(fresh)
            return count < limit

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
            count=count,
        )

    async def walk(
        self, query: TaskQuery, visit: PageVisitor, *, limit: int = DEFAULT_LIST_LIMIT
    ) -> WalkResult:
        """Read pages newest first, handing each to ``visit`` until it returns
        False or a stop rule ends the walk (see the module's doc)."""
        if not self._access_token:
            raise AccountAuthError("no access token is set", hint=_CREDENTIAL_ADVICE)
        result = WalkResult()
        seen_pages: set[tuple[str, ...]] = set()
        number = 0 if self._flavour == "new-api-legacy" else 1
        first_number = number
        while True:
            if self._out_of_bounds(result, limit):
                return result
            before = self._flavour
            page = await self._page(number, query, result)
            if before != self._flavour == "new-api-legacy" and number == 1:
                # An old build pages from 0: what came back was the second page.
                number = first_number = 0
                page = await self._page(number, query, result)
            result.pages += 1
            result.problems.extend(page.problems)
            if page.ids and page.ids in seen_pages:
                result.stop = "repeat"
                result.problems.append(
                    f"the gateway sent page {number} again (same tasks as before); stopped"
                )
                return result
            seen_pages.add(page.ids)
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

    def _out_of_bounds(self, result: WalkResult, limit: int) -> bool:
        """Whether the walk must stop before its next request (and why, in ``result``)."""
        max_requests = math.ceil(limit / self.page_size) + _EXTRA_PAGES
        if result.requests >= max_requests:
            result.stop = "bound"
            result.problems.append(
                f"stopped after {result.requests} requests, the most a listing of up to "
                f"{limit:,} tasks makes ({limit:,} / {self.page_size} + {_EXTRA_PAGES}): "
                "the gateway sent more pages than its totals, page sizes or the limit allow"
            )
            return True
        budget = self.bounds.budget(limit)
        if result.bytes >= budget:
            result.stop = "bytes"
            result.problems.append(
                f"stopped after {result.pages} pages: they came to {_mib(result.bytes)}, "
                f"the most a listing of up to {limit:,} tasks reads ({_mib(budget)}); "
                "the gateway's tasks are unusually large"
            )
            return True
        return False

    # -- one page -----------------------------------------------------------

    async def _page(self, number: int, query: TaskQuery, result: WalkResult) -> TaskPage:
        params = page_params(self._flavour, number, self.page_size, query)
        result.requests += 1
        try:
            status, headers, body = await self.relay.get_raw(
                TASK_LIST_PATH,
                params=params,
                headers=self._auth_headers(),
                max_bytes=self.bounds.page_bytes,
            )
            result.bytes += len(body)
            payload = read_answer(status, headers, body, self._refusal_hint)
            page = self._parse_page(payload, number, query, status)
        except RelayError as error:
            raise redact_error(error, self._secrets()) from None
        page.bytes = len(body)
        return page

    def _secrets(self) -> tuple[str, ...]:
        return (self._access_token, self.relay.api_key)

    def _auth_headers(self) -> dict[str, str]:
        headers = {"Authorization": self._access_token}
        if self.user_id is not None and self._flavour != "one-hub":
            headers[self.user_header] = str(self.user_id)
        return headers

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
        shape = page_shape(payload, status)
        page_size = believed_page_size(shape.said_page_size, self.page_size)
        if shape.kind == "list":
            if self._flavour in (None, "new-api"):
                self._flavour = "new-api-legacy"
            if number == 0:  # the first page shows the build's page size
                self._legacy_page_size = believed_page_size(len(shape.rows), self.page_size)
            page_size = self._legacy_page_size
        elif shape.kind != "empty" and self._flavour is None:
            self._flavour = shape.kind
        return page_of(shape.rows, number, query, page_size, shape.total)


_CREDENTIAL_ADVICE = (
    "set the access token from the gateway's web console (access_token, "
    "access_token_command or SUNO_TUI_ACCESS_TOKEN), not the API key"
)
