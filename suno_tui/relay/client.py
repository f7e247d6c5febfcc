"""Async client of the gateway's Suno task endpoints.

``fetch(ids)`` splits the ids into batches (at most 50 by default), sends them
with bounded concurrency and matches the answers by ``task_id``: gateways
answer in database order, collapse duplicates and silently leave out ids they
do not know. Every failure becomes one of the typed errors in
:mod:`suno_tui.relay.errors`, with the token redacted. One HTTP exchange
(deadline, size cap, transport errors) is :mod:`suno_tui.relay.transport`.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from suno_tui.relay.bearer import bearer_token
from suno_tui.relay.envelope import decode_json, error_for_status, unwrap
from suno_tui.relay.errors import (
    AuthError,
    GatewayError,
    MalformedResponse,
    OutcomeUnknown,
    RateLimited,
    RelayError,
    TaskNotFound,
)
from suno_tui.relay.fetch_result import BatchFailure, FetchResult
from suno_tui.relay.models import ModelError, Task, parse_task
from suno_tui.relay.redaction import redact, redact_error
from suno_tui.relay.transport import SOCKS_HINT, Transport, garbled_submit

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_BATCH_SIZE",
    "SOCKS_HINT",  # downloads/manager.py imports it from here
    "BatchFailure",
    "FetchResult",
    "RelayClient",
    "batches",
]

DEFAULT_BATCH_SIZE = 50
# The most ids one request may carry (relay-api.md): one gateway documents 50,
# another cuts its answer at 100 rows, and a cut answer cannot be told from
# ids the gateway does not know. config/schema.py holds the same bound.
MAX_BATCH_SIZE = 50
DEFAULT_CONCURRENCY = 4
DEFAULT_TIMEOUT = 30.0
# A batch of 50 finished tasks is ~100 KB; anything near this is hostile.
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024

# A proxy's "bad gateway" or "gateway timeout": the gateway behind it may
# have accepted a submit before the proxy gave up on it.
_AMBIGUOUS_STATUSES = frozenset({502, 504})

# Errors that end a whole fetch early, most important first.
_SEVERITY: tuple[type[RelayError], ...] = (AuthError, RateLimited, GatewayError)


def batches(ids: Sequence[str], size: int) -> list[list[str]]:
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [list(ids[start : start + size]) for start in range(0, len(ids), size)]


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(task_id.strip() for task_id in ids if task_id and task_id.strip()))


class RelayClient:
    """One gateway, one token. Use as ``async with RelayClient(...) as client``."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
        timeout: float = DEFAULT_TIMEOUT,
        verify: bool | str | ssl.SSLContext = True,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch size must be at least 1")
        if batch_size > MAX_BATCH_SIZE:
            raise ValueError(f"batch size must be at most {MAX_BATCH_SIZE} (gateways' limit)")
        # A token read from a file often ends in a newline; one that is sent
        # with it fails in h11 with the header value (token and all) quoted in
        # the error, escaped so that redaction cannot find it.
        token = bearer_token(token)
        self.base_url = base_url.rstrip("/")
        self.batch_size = batch_size
        self._token = token
        self._semaphore = asyncio.Semaphore(max(1, concurrency))
        self._transport = Transport(
            self.base_url,
            token,
            concurrency=concurrency,
            timeout=timeout,
            verify=verify,
            max_response_bytes=max_response_bytes,
            transport=transport,
        )

    async def __aenter__(self) -> RelayClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent, for the benchmarks and the status bar."""
        return self._transport.requests_sent

    @property
    def submit_sent(self) -> bool:
        """A submit went out (or may have): after an interruption, its outcome is unknown."""
        return self._transport.submit_sent

    # -- public API ---------------------------------------------------------

    #: fetch() takes ``on_batch`` (the poller looks for this)
    reports_batches = True

    async def fetch(
        self,
        ids: Iterable[str],
        *,
        raise_errors: bool = True,
        on_batch: Callable[[FetchResult], Awaitable[None]] | None = None,
    ) -> FetchResult:
        """Fetch many tasks in batches.

        With ``raise_errors`` (the default) a failed batch raises its typed
        error (an AuthError first, whatever batch it came from). Without it,
        failed batches are reported in ``result.failures`` and the others'
        tasks are still returned: the poller uses that.

        ``on_batch`` is awaited with each batch's own result (its ids, tasks,
        missing ids, failure and problems) as soon as that batch is in, while
        the others are still in flight; the whole result is returned as
        always.
        """
        if isinstance(ids, str):  # one id, not its characters
            ids = [ids]
        requested = _unique(ids)
        result = FetchResult(requested=requested)
        if not requested:
            return result
        groups = batches(requested, self.batch_size)
        parts = await asyncio.gather(*(self._fetch_part(group, on_batch) for group in groups))
        found: dict[str, Task] = {}
        for part in parts:
            result.failures.extend(part.failures)
            result.problems.extend(part.problems)
            found.update(part.tasks)
        failed = result.failed_ids
        for task_id in requested:
            if task_id in found:
                result.tasks[task_id] = found[task_id]
            elif task_id not in failed:
                result.missing.append(task_id)
        # Problems quote the gateway (a task id it made up may hold anything).
        result.problems = [self._redact(problem) for problem in result.problems]
        if raise_errors and result.failures:
            raise self._most_severe(result.failures)
        return result

    async def fetch_one(self, task_id: str) -> Task:
        """``GET /suno/fetch/{id}``; TaskNotFound for an unknown id."""
        task_id = task_id.strip()
        if not task_id:
            raise ValueError("empty task id")
        data = await self._call("GET", f"/suno/fetch/{quote(task_id, safe='')}")
        if data is None:
            raise TaskNotFound("no such task", code="task_not_exist")
        try:
            task = parse_task(data)
        except ModelError as error:
            raise self._redacted(MalformedResponse(str(error))) from None
        if task.task_id != task_id:  # matched by id, never taken on trust
            other = task.task_id if len(task.task_id) <= 80 else task.task_id[:79] + "…"
            raise self._redacted(
                MalformedResponse(
                    f"asked for task {task_id!r}, the gateway answered with {other!r}"
                )
            )
        return task

    async def submit_music(self, payload: Mapping[str, Any]) -> str:
        """``POST /suno/submit/music``; returns the new task id.

        Never retried: a request whose answer was lost raises OutcomeUnknown,
        since sending it again can charge the user twice.
        """
        return await self._submit("/suno/submit/music", payload)

    async def submit_lyrics(self, prompt: str) -> str:
        return await self._submit("/suno/submit/lyrics", {"prompt": prompt})

    async def submit_to(self, path: str, payload: Mapping[str, Any]) -> str:
        """``POST`` a job to another submit route (``/suno/submit/...``, e.g.
        concat); returns the new task id. Never retried, as ``submit_music``."""
        if not path.startswith("/suno/submit/"):
            raise ValueError(f"not a submit route: {path!r}")
        return await self._submit(path, payload)

    async def get_raw(
        self,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """One GET with this client's transport, timeouts and size cap: (status,
        lower-case headers, body). ``headers`` replace the client's own (an
        ``Authorization`` given here is sent instead of the API key);
        ``max_bytes`` lowers the size cap for this answer (never raises it; a
        larger answer raises AnswerTooLarge, unread). Transport failures raise
        the typed errors, with the API key redacted; the answer is the caller's
        to read (relay.account, relay.balance and relay.clip_actions use it).
        """
        try:
            return await self._transport.send(
                "GET", path, None, True, params=params, headers=headers, max_bytes=max_bytes
            )
        except RelayError as error:
            raise self._redacted(error) from None

    @property
    def api_key(self) -> str:
        """The API key as sent (for redaction by callers that build their own errors)."""
        return self._token

    # -- internals ----------------------------------------------------------

    async def _submit(self, path: str, payload: Mapping[str, Any]) -> str:
        data = await self._call("POST", path, json=dict(payload), idempotent=False)
        if isinstance(data, int | str) and not isinstance(data, bool) and str(data).strip():
            return str(data).strip()
        if isinstance(data, dict):
            task_id = data.get("task_id") or data.get("id")
            if isinstance(task_id, str) and task_id.strip():
                return task_id.strip()
        raise self._redacted(garbled_submit("it carries no task id"))

    async def _fetch_part(
        self, group: list[str], on_batch: Callable[[FetchResult], Awaitable[None]] | None
    ) -> FetchResult:
        """One batch fetched and parsed as soon as it is in (while others are
        still in flight), as a result of its own."""
        part = FetchResult(requested=list(group))
        outcome = await self._fetch_batch_guarded(group)
        if isinstance(outcome, RelayError):
            part.failures.append(BatchFailure(tuple(group), outcome))
        else:
            self._match(group, outcome, part.tasks, part.problems)
            part.missing.extend(task_id for task_id in group if task_id not in part.tasks)
        if on_batch is not None:
            await on_batch(part)
        return part

    async def _fetch_batch_guarded(self, ids: list[str]) -> list[object] | RelayError:
        async with self._semaphore:
            try:
                data = await self._call("POST", "/suno/fetch", json={"ids": ids})
            except RelayError as error:
                return error
        if data is None:  # the gateway's way of saying "none of these"
            return []
        if not isinstance(data, list):
            return MalformedResponse(f"'data' should be a list of tasks, got {type(data).__name__}")
        return data

    @staticmethod
    def _match(
        group: list[str], rows: list[object], found: dict[str, Task], problems: list[str]
    ) -> None:
        wanted = set(group)
        for index, row in enumerate(rows):
            try:
                task = parse_task(row)
            except ModelError as error:
                problems.append(f"row {index} of a batch ignored: {error}")
                continue
            if task.task_id not in wanted:
                problems.append(f"the gateway sent task {task.task_id!r}, which was not asked for")
                continue
            found[task.task_id] = task

    @staticmethod
    def _most_severe(failures: list[BatchFailure]) -> RelayError:
        for kind in _SEVERITY:
            for failure in failures:
                if isinstance(failure.error, kind):
                    return failure.error
        return failures[0].error

    def _redact(self, text: str) -> str:
        return redact(text, (self._token,))

    def _redacted(self, error: RelayError) -> RelayError:
        """The same error with the token scrubbed from its message."""
        return redact_error(error, (self._token,))

    async def _call(
        self, method: str, path: str, *, json: object = None, idempotent: bool = True
    ) -> Any:
        try:
            status, headers, body = await self._transport.send(method, path, json, idempotent)
            if not idempotent and status in _AMBIGUOUS_STATUSES:
                raise OutcomeUnknown(
                    f"HTTP {status} from a proxy in front of the gateway: the request may "
                    "have been accepted; check the gateway before submitting again"
                )
            if not 200 <= status < 300:
                raise error_for_status(status, body, headers)
            return unwrap(decode_json(body, status), status)
        except MalformedResponse as error:
            if not idempotent and (error.status is None or 200 <= error.status < 300):
                # A success whose body we cannot read: the job may well exist.
                raise self._redacted(garbled_submit(error)) from None
            raise self._redacted(error) from None
        except RelayError as error:
            raise self._redacted(error) from None
