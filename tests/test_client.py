"""The async relay client against a respx-mocked gateway."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
import respx

from suno_tui import __version__
from suno_tui.relay.client import BatchFailure, FetchResult, RelayClient, batches
from suno_tui.relay.errors import (
    AnswerTooLarge,
    AuthError,
    GatewayError,
    MalformedResponse,
    NetworkError,
    OutcomeUnknown,
    RateLimited,
    RelayError,
    RelayTimeout,
    TaskNotFound,
)
from suno_tui.relay.models import TaskStatus
from tests.fixtures import shapes

BASE = "https://gw.example"
TOKEN = "sk-SECRET-123456"
FETCH = "/suno/fetch"


@pytest.fixture
def gateway() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def client() -> AsyncIterator[RelayClient]:
    async with RelayClient(BASE, TOKEN) as relay:
        yield relay


def sent_ids(route: respx.Route) -> list[list[str]]:
    """The ``ids`` of every request the route received, in order."""
    return [json.loads(call.request.content)["ids"] for call in route.calls]


def known_tasks(*task_ids: str) -> Callable[[httpx.Request], httpx.Response]:
    """A gateway that knows ``task_ids`` and answers like new-api: known ids
    only, reversed (database order), ``data: null`` when none matches."""
    known = set(task_ids)

    def answer(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["ids"]
        rows = [shapes.success_task(task_id) for task_id in reversed(ids) if task_id in known]
        return httpx.Response(200, json=shapes.envelope(rows or None))

    return answer


def by_ids(
    routes: dict[str, httpx.Response],
) -> Callable[[httpx.Request], httpx.Response]:
    """Answer each batch by the first id it holds."""

    def answer(request: httpx.Request) -> httpx.Response:
        return routes[json.loads(request.content)["ids"][0]]

    return answer


class Chunks(httpx.AsyncByteStream):
    """A body that arrives in chunks (no Content-Length) and may break off."""

    def __init__(self, chunks: list[bytes], error: Exception | None = None) -> None:
        self.chunks = chunks
        self.error = error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk
        if self.error is not None:
            raise self.error


IDS_120 = [f"task-{index:03d}" for index in range(120)]


# -- batching -----------------------------------------------------------------


class TestBatching:
    async def test_120_ids_in_3_requests(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        route = gateway.post(FETCH).mock(side_effect=known_tasks(*IDS_120))
        result = await client.fetch(IDS_120)
        assert route.call_count == 3
        assert client.requests_sent == 3
        bodies = sent_ids(route)
        assert sorted(len(ids) for ids in bodies) == [20, 50, 50]
        assert sorted(task_id for ids in bodies for task_id in ids) == IDS_120
        assert list(result.tasks) == IDS_120
        assert result.missing == []
        assert result.problems == []
        assert result.failures == []

    async def test_custom_batch_size(self, gateway: respx.MockRouter) -> None:
        route = gateway.post(FETCH).mock(side_effect=known_tasks(*IDS_120))
        async with RelayClient(BASE, TOKEN, batch_size=7) as relay:
            result = await relay.fetch(IDS_120[:20])
        assert [len(ids) for ids in sorted(sent_ids(route), key=len)] == [6, 7, 7]
        assert len(result.tasks) == 20

    async def test_request_body(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        route = gateway.post(FETCH).mock(side_effect=known_tasks("a"))
        await client.fetch(["a", "b"])
        request = route.calls.last.request
        assert request.method == "POST"
        assert request.url == f"{BASE}/suno/fetch"
        assert json.loads(request.content) == {"ids": ["a", "b"]}
        assert request.headers["content-type"] == "application/json"

    def test_batches_helper(self) -> None:
        assert batches(["a", "b", "c"], 2) == [["a", "b"], ["c"]]
        assert batches([], 50) == []
        with pytest.raises(ValueError, match="at least 1"):
            batches(["a"], 0)

    def test_batch_size_zero_refused(self) -> None:
        with pytest.raises(ValueError, match="at least 1"):
            RelayClient(BASE, TOKEN, batch_size=0)


class TestConcurrency:
    @pytest.mark.parametrize("limit", [1, 2, 3])
    async def test_in_flight_never_exceeds_the_limit(
        self, gateway: respx.MockRouter, limit: int
    ) -> None:
        in_flight = 0
        peak = 0
        full = asyncio.Event()
        gate = asyncio.Event()

        async def answer(request: httpx.Request) -> httpx.Response:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            if in_flight == limit:
                full.set()
            await gate.wait()
            in_flight -= 1
            return known_tasks(*IDS_120)(request)

        gateway.post(FETCH).mock(side_effect=answer)
        async with RelayClient(BASE, TOKEN, batch_size=10, concurrency=limit) as relay:
            fetching = asyncio.create_task(relay.fetch(IDS_120))  # 12 batches
            await full.wait()
            for _ in range(50):  # give every other batch the chance to start
                await asyncio.sleep(0)
            assert in_flight == limit
            gate.set()
            result = await fetching
        assert peak == limit
        assert len(result.tasks) == 120
        assert relay.requests_sent == 12


# -- matching -----------------------------------------------------------------


class TestMatching:
    async def test_reordered_and_duplicated_rows(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        rows = [
            shapes.success_task("c"),
            shapes.streaming_task("a"),
            shapes.streaming_task("a"),
        ]
        gateway.post(FETCH).respond(200, json=shapes.envelope(rows))
        result = await client.fetch(["a", "b", "c"])
        assert list(result.tasks) == ["a", "c"]
        assert result.tasks["a"].status is TaskStatus.IN_PROGRESS
        assert result.tasks["c"].status is TaskStatus.SUCCESS
        assert result.missing == ["b"]
        assert result.problems == []

    async def test_unknown_ids_are_missing(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        gateway.post(FETCH).mock(side_effect=known_tasks("a"))
        result = await client.fetch(["x", "a", "y"])
        assert list(result.tasks) == ["a"]
        assert result.missing == ["x", "y"]

    async def test_data_null_means_none_found(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        gateway.post(FETCH).respond(200, json=shapes.envelope(None))
        result = await client.fetch(["x", "y"])
        assert result == FetchResult(requested=["x", "y"], missing=["x", "y"])

    async def test_empty_list(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).respond(200, json=shapes.envelope([]))
        result = await client.fetch(["x"])
        assert result.tasks == {}
        assert result.missing == ["x"]

    async def test_code_one_family_with_bare_ids(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        rows = [shapes.lowercase_task("a", status="in_progress"), shapes.lowercase_task("b")]
        gateway.post(FETCH).respond(200, json=shapes.code_one_envelope(rows))
        result = await client.fetch(["a", "b"])
        assert result.tasks["a"].status is TaskStatus.IN_PROGRESS
        assert result.tasks["b"].status is TaskStatus.SUCCESS

    async def test_bare_list_answer(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).respond(200, json=[shapes.partial_failure_task("a")])
        result = await client.fetch(["a"])
        assert result.tasks["a"].clips_done == 1

    async def test_no_ids_no_request(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        route = gateway.post(FETCH).respond(200, json=shapes.envelope([]))
        assert await client.fetch([]) == FetchResult(requested=[])
        assert await client.fetch(["", "  ", "\n"]) == FetchResult(requested=[])
        assert route.call_count == 0
        assert client.requests_sent == 0

    async def test_ids_cleaned_before_sending(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        route = gateway.post(FETCH).mock(side_effect=known_tasks("a", "b"))
        result = await client.fetch([" a ", "a", "", "   ", "b", "b\n", "a"])
        assert sent_ids(route) == [["a", "b"]]
        assert result.requested == ["a", "b"]
        assert list(result.tasks) == ["a", "b"]

    async def test_generator_of_ids(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        route = gateway.post(FETCH).mock(side_effect=known_tasks("a"))
        await client.fetch(task_id for task_id in ["a", "b"])
        assert sent_ids(route) == [["a", "b"]]


class TestProblems:
    async def test_unreadable_rows_are_reported(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        rows: list[Any] = [
            "not a task",
            {"status": "SUCCESS", "data": []},
            shapes.success_task("a"),
            None,
            shapes.success_task("zzz"),
        ]
        gateway.post(FETCH).respond(200, json=shapes.envelope(rows))
        result = await client.fetch(["a", "b"])
        assert list(result.tasks) == ["a"]
        assert result.missing == ["b"]
        assert result.problems == [
            "row 0 of a batch ignored: expected a task object, got str",
            "row 1 of a batch ignored: task object without a task_id",
            "row 3 of a batch ignored: expected a task object, got NoneType",
            "the gateway sent task 'zzz', which was not asked for",
        ]

    async def test_garbage_values_do_not_lose_the_batch(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        task = shapes.success_task("a")
        task["submit_time"] = 10**400
        task["data"][0]["created_at"] = "0001-01-01T00:00:00+01:00"
        task["data"][1]["metadata"]["duration"] = -(10**400)
        gateway.post(FETCH).respond(200, content=shapes.dumps(shapes.envelope([task])))
        result = await client.fetch(["a"])
        assert result.tasks["a"].submitted_at is None
        assert result.tasks["a"].clips[0].created_at is None


# -- failures across batches ---------------------------------------------------


def _ok(task_id: str) -> httpx.Response:
    return httpx.Response(200, json=shapes.envelope([shapes.success_task(task_id)]))


def _server_error() -> httpx.Response:
    return httpx.Response(500, json=shapes.task_error("get_tasks_failed", "查询任务失败"))


def _unauthorized() -> httpx.Response:
    return httpx.Response(401, json=shapes.openai_error(shapes.INVALID_TOKEN_MESSAGE))


class TestFailures:
    async def test_auth_error_beats_500(self, gateway: respx.MockRouter) -> None:
        gateway.post(FETCH).mock(
            side_effect=by_ids({"a": _server_error(), "b": _ok("b"), "c": _unauthorized()})
        )
        async with RelayClient(BASE, TOKEN, batch_size=1) as relay:
            with pytest.raises(AuthError) as caught:
                await relay.fetch(["a", "b", "c"])
        assert caught.value.message == "无效的令牌"

    async def test_rate_limit_beats_500(self, gateway: respx.MockRouter) -> None:
        gateway.post(FETCH).mock(
            side_effect=by_ids(
                {"a": _server_error(), "b": httpx.Response(429, headers={"Retry-After": "9"})}
            )
        )
        async with RelayClient(BASE, TOKEN, batch_size=1) as relay:
            with pytest.raises(RateLimited) as caught:
                await relay.fetch(["a", "b"])
        assert caught.value.retry_after == 9.0

    async def test_gateway_error_beats_malformed(self, gateway: respx.MockRouter) -> None:
        gateway.post(FETCH).mock(
            side_effect=by_ids(
                {"a": httpx.Response(200, content=b"<html></html>"), "b": _server_error()}
            )
        )
        async with RelayClient(BASE, TOKEN, batch_size=1) as relay:
            with pytest.raises(GatewayError) as caught:
                await relay.fetch(["a", "b"])
        assert caught.value.status == 500

    async def test_without_raising(self, gateway: respx.MockRouter) -> None:
        gateway.post(FETCH).mock(
            side_effect=by_ids(
                {"a": _server_error(), "b": _ok("b"), "c": _unauthorized(), "d": _ok("zzz")}
            )
        )
        async with RelayClient(BASE, TOKEN, batch_size=1) as relay:
            result = await relay.fetch(["a", "b", "c", "d"], raise_errors=False)
        assert list(result.tasks) == ["b"]
        assert result.missing == ["d"]  # answered, but without it
        assert [failure.ids for failure in result.failures] == [("a",), ("c",)]
        assert [type(failure.error) for failure in result.failures] == [GatewayError, AuthError]
        assert result.failed_ids == {"a", "c"}
        assert result.problems == ["the gateway sent task 'zzz', which was not asked for"]

    async def test_failed_batch_ids_are_not_missing(self, gateway: respx.MockRouter) -> None:
        gateway.post(FETCH).mock(side_effect=httpx.ConnectError("refused"))
        async with RelayClient(BASE, TOKEN, batch_size=2) as relay:
            result = await relay.fetch(["a", "b", "c"], raise_errors=False)
        assert result.missing == []
        assert result.tasks == {}
        assert sorted(failure.ids for failure in result.failures) == [("a", "b"), ("c",)]
        assert all(type(failure.error) is NetworkError for failure in result.failures)

    def test_batch_failure_holds_ids_and_error(self) -> None:
        error = GatewayError("x")
        assert BatchFailure(("a",), error).error is error


# -- typed errors of one batch --------------------------------------------------


async def fetch_error(client: RelayClient) -> RelayError:
    with pytest.raises(RelayError) as caught:
        await client.fetch(["a"])
    return caught.value


class TestErrors:
    async def test_401_openai_style(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).mock(return_value=_unauthorized())
        error = await fetch_error(client)
        assert type(error) is AuthError
        assert (error.status, error.message) == (401, "无效的令牌")

    async def test_401_task_envelope(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).respond(401, json=shapes.task_error("unauthorized", "令牌已过期"))
        error = await fetch_error(client)
        assert type(error) is AuthError
        assert (error.status, error.message) == (401, "令牌已过期")

    async def test_403_openai_style(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).respond(403, json=shapes.openai_error("用户已被封禁"))
        error = await fetch_error(client)
        assert type(error) is AuthError

    async def test_403_quota(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).respond(
            403, json=shapes.task_error("quota_not_enough", shapes.QUOTA_MESSAGE)
        )
        error = await fetch_error(client)
        assert type(error) is GatewayError
        assert (error.status, error.code, error.message) == (
            403,
            "quota_not_enough",
            shapes.QUOTA_MESSAGE,
        )

    @pytest.mark.parametrize(("header", "expected"), [("30", 30.0), ("junk", None), (None, None)])
    async def test_429(
        self,
        gateway: respx.MockRouter,
        client: RelayClient,
        header: str | None,
        expected: float | None,
    ) -> None:
        headers = {"Retry-After": header} if header else {}
        gateway.post(FETCH).respond(429, json=shapes.openai_error("请求过于频繁"), headers=headers)
        error = await fetch_error(client)
        assert type(error) is RateLimited
        assert error.retry_after == expected
        assert error.message == "请求过于频繁"

    @pytest.mark.parametrize("status", [500, 502, 503])
    async def test_5xx(self, gateway: respx.MockRouter, client: RelayClient, status: int) -> None:
        gateway.post(FETCH).respond(
            status, json=shapes.task_error("get_tasks_failed", "查询任务失败")
        )
        error = await fetch_error(client)
        assert type(error) is GatewayError
        assert (error.status, error.code, error.message) == (
            status,
            "get_tasks_failed",
            "查询任务失败",
        )

    async def test_502_html(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).respond(502, content=shapes.html_error_page())
        error = await fetch_error(client)
        assert type(error) is GatewayError
        assert error.message == "an HTML page instead of JSON (502 Bad Gateway)"

    async def test_200_html(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).respond(
            200, content=shapes.html_error_page("Attention Required! | Cloudflare")
        )
        error = await fetch_error(client)
        assert type(error) is MalformedResponse
        assert error.detail == "an HTML page instead of JSON (Attention Required! | Cloudflare)"

    async def test_truncated(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        body = shapes.truncated(shapes.envelope([shapes.success_task("a")]))
        gateway.post(FETCH).respond(200, content=body)
        error = await fetch_error(client)
        assert type(error) is MalformedResponse
        assert error.detail == f"truncated JSON ({len(body)} bytes, ends mid-document)"

    async def test_empty_body(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).respond(200, content=b"")
        error = await fetch_error(client)
        assert type(error) is MalformedResponse
        assert error.detail == "empty body"

    async def test_wrong_shape(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).respond(200, json="ok")
        error = await fetch_error(client)
        assert type(error) is MalformedResponse
        assert error.detail == "expected a JSON object, got str"

    @pytest.mark.parametrize(
        ("data", "kind"), [(shapes.success_task("a"), "dict"), ("a", "str"), (3, "int")]
    )
    async def test_data_not_a_list(
        self, gateway: respx.MockRouter, client: RelayClient, data: object, kind: str
    ) -> None:
        gateway.post(FETCH).respond(200, json=shapes.envelope(data))
        error = await fetch_error(client)
        assert type(error) is MalformedResponse
        assert error.detail == f"'data' should be a list of tasks, got {kind}"

    async def test_oversized_declared(self, gateway: respx.MockRouter) -> None:
        body = shapes.dumps(shapes.envelope([shapes.success_task("a")] * 3))
        gateway.post(FETCH).respond(200, content=body)
        async with RelayClient(BASE, TOKEN, max_response_bytes=1000) as relay:
            error = await fetch_error(relay)
        assert type(error) is AnswerTooLarge  # a MalformedResponse that says what it was
        assert error.detail == f"answer of {len(body)} bytes exceeds the 1000-byte limit"

    async def test_oversized_streamed(self, gateway: respx.MockRouter) -> None:
        gateway.post(FETCH).mock(
            side_effect=lambda request: httpx.Response(
                200, stream=Chunks([b"[" + b" " * 599, b" " * 600, b"]"])
            )
        )
        async with RelayClient(BASE, TOKEN, max_response_bytes=1000) as relay:
            error = await fetch_error(relay)
        assert type(error) is AnswerTooLarge
        assert error.detail == "answer exceeds the 1000-byte limit"

    async def test_at_the_limit_is_fine(self, gateway: respx.MockRouter) -> None:
        body = shapes.dumps(shapes.envelope(None))
        gateway.post(FETCH).respond(200, content=body)
        async with RelayClient(BASE, TOKEN, max_response_bytes=len(body)) as relay:
            assert (await relay.fetch(["a"])).missing == ["a"]

    async def test_connect_error(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).mock(side_effect=httpx.ConnectError("connection refused"))
        error = await fetch_error(client)
        assert type(error) is NetworkError
        assert str(error) == f"cannot reach {BASE}: connection refused"
        assert error.kind == "network"

    @pytest.mark.parametrize(
        "exception", [httpx.ReadTimeout, httpx.ConnectTimeout, httpx.PoolTimeout]
    )
    async def test_timeouts(
        self,
        gateway: respx.MockRouter,
        client: RelayClient,
        exception: type[httpx.TimeoutException],
    ) -> None:
        gateway.post(FETCH).mock(side_effect=exception("timed out"))
        error = await fetch_error(client)
        assert type(error) is RelayTimeout
        assert isinstance(error, NetworkError)
        assert str(error) == f"timed out ({exception.__name__}) talking to {BASE}"

    async def test_closed_before_an_answer(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        gateway.post(FETCH).mock(side_effect=httpx.RemoteProtocolError("peer closed"))
        error = await fetch_error(client)
        assert type(error) is NetworkError
        assert str(error) == f"connection closed by {BASE}: peer closed"

    async def test_cut_off_mid_body(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).mock(
            side_effect=lambda request: httpx.Response(
                200, stream=Chunks([b'{"code": "success", '], httpx.RemoteProtocolError("eof"))
            )
        )
        error = await fetch_error(client)
        assert type(error) is MalformedResponse
        assert error.detail == "truncated answer: eof"

    async def test_read_error_mid_body(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        gateway.post(FETCH).mock(
            side_effect=lambda request: httpx.Response(
                200, stream=Chunks([b"{"], httpx.ReadError("connection reset"))
            )
        )
        error = await fetch_error(client)
        assert type(error) is NetworkError

    async def test_bad_compression(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).mock(
            side_effect=lambda request: httpx.Response(
                200, headers={"Content-Encoding": "gzip"}, stream=Chunks([b"not gzip at all"])
            )
        )
        error = await fetch_error(client)
        assert type(error) is MalformedResponse
        assert error.detail.startswith("the answer could not be decoded")

    @pytest.mark.parametrize("status", [301, 302, 307, 308])
    async def test_redirect_not_followed(
        self, gateway: respx.MockRouter, client: RelayClient, status: int
    ) -> None:
        target = gateway.post("https://elsewhere.example/suno/fetch").respond(
            200, json=shapes.envelope([])
        )
        gateway.post(FETCH).respond(
            status, headers={"Location": "https://elsewhere.example/suno/fetch"}
        )
        error = await fetch_error(client)
        assert type(error) is GatewayError
        assert error.status == status
        assert error.message == "unexpected redirect to https://elsewhere.example/suno/fetch"
        assert target.call_count == 0

    async def test_error_kinds(self) -> None:
        assert {
            cls.kind
            for cls in (
                AuthError,
                RateLimited,
                GatewayError,
                TaskNotFound,
                MalformedResponse,
                NetworkError,
                RelayTimeout,
                OutcomeUnknown,
            )
        } == {
            "auth",
            "rate-limited",
            "gateway",
            "not-found",
            "malformed",
            "network",
            "timeout",
            "outcome-unknown",
        }


# -- fetch_one -------------------------------------------------------------------


class TestFetchOne:
    async def test_success(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        route = gateway.get(f"{FETCH}/{shapes.TASK_ID}").respond(
            200, json=shapes.envelope(shapes.success_task())
        )
        task = await client.fetch_one(f"  {shapes.TASK_ID} ")
        assert task.task_id == shapes.TASK_ID
        assert task.status is TaskStatus.SUCCESS
        assert task.clips_done == 2
        assert route.call_count == 1

    async def test_lyrics(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.get(f"{FETCH}/{shapes.LYRICS_TASK_ID}").respond(
            200, json=shapes.envelope(shapes.lyrics_task(action=""))
        )
        task = await client.fetch_one(shapes.LYRICS_TASK_ID)
        assert task.lyrics is not None
        assert task.lyrics.text == shapes.LYRICS_TEXT

    @pytest.mark.parametrize("status", [400, 404])
    async def test_task_not_exist(
        self, gateway: respx.MockRouter, client: RelayClient, status: int
    ) -> None:
        gateway.get(f"{FETCH}/nope").respond(
            status, json=shapes.task_error("task_not_exist", "task_not_exist")
        )
        with pytest.raises(TaskNotFound) as caught:
            await client.fetch_one("nope")
        assert (caught.value.status, caught.value.code) == (status, "task_not_exist")

    async def test_data_null(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.get(f"{FETCH}/nope").respond(200, json=shapes.envelope(None))
        with pytest.raises(TaskNotFound) as caught:
            await client.fetch_one("nope")
        assert caught.value.code == "task_not_exist"

    async def test_id_with_a_slash_is_quoted(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        route = gateway.get(url__regex=r".*").respond(
            200, json=shapes.envelope(shapes.success_task("a/../b?c"))
        )
        task = await client.fetch_one("a/../b?c")
        assert task.task_id == "a/../b?c"
        assert route.calls.last.request.url.raw_path == b"/suno/fetch/a%2F..%2Fb%3Fc"

    async def test_empty_id(self, client: RelayClient) -> None:
        with pytest.raises(ValueError, match="empty task id"):
            await client.fetch_one("  ")

    async def test_not_a_task(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.get(f"{FETCH}/a").respond(200, json=shapes.envelope([shapes.success_task("a")]))
        with pytest.raises(MalformedResponse, match="expected a task object, got list"):
            await client.fetch_one("a")

    async def test_auth(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.get(f"{FETCH}/a").mock(return_value=_unauthorized())
        with pytest.raises(AuthError):
            await client.fetch_one("a")


# -- submit ----------------------------------------------------------------------

MUSIC = {
    "prompt": shapes.LYRICS_TEXT,
    "mv": "chirp-v4",
    "title": shapes.TITLE,
    "tags": shapes.TAGS,
    "make_instrumental": False,
}


class TestSubmit:
    async def test_music(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        route = gateway.post("/suno/submit/music").respond(
            200, json=shapes.envelope(shapes.TASK_ID)
        )
        assert await client.submit_music(MUSIC) == shapes.TASK_ID
        assert json.loads(route.calls.last.request.content) == MUSIC
        assert route.call_count == 1

    async def test_lyrics(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        route = gateway.post("/suno/submit/lyrics").respond(
            200, json=shapes.code_one_envelope(shapes.LYRICS_TASK_ID)
        )
        assert await client.submit_lyrics("城市的霓虹") == shapes.LYRICS_TASK_ID
        assert json.loads(route.calls.last.request.content) == {"prompt": "城市的霓虹"}

    @pytest.mark.parametrize(
        ("data", "expected"),
        [
            ({"task_id": " t1 "}, "t1"),
            ({"id": "t2"}, "t2"),
            (12345, "12345"),
            (" t3\n", "t3"),
        ],
    )
    async def test_id_forms(
        self, gateway: respx.MockRouter, client: RelayClient, data: object, expected: str
    ) -> None:
        gateway.post("/suno/submit/music").respond(200, json=shapes.envelope(data))
        assert await client.submit_music(MUSIC) == expected

    @pytest.mark.parametrize("data", [None, "", "  ", True, [], {"task_id": ""}, {"x": 1}])
    async def test_no_task_id(
        self, gateway: respx.MockRouter, client: RelayClient, data: object
    ) -> None:
        """A success without an id: the job may exist, so never "refused"."""
        gateway.post("/suno/submit/music").respond(200, json=shapes.envelope(data))
        with pytest.raises(OutcomeUnknown, match="carries no task id"):
            await client.submit_music(MUSIC)

    @pytest.mark.parametrize("status", [200, 403])
    async def test_quota(self, gateway: respx.MockRouter, client: RelayClient, status: int) -> None:
        gateway.post("/suno/submit/music").respond(
            status, json=shapes.task_error("quota_not_enough", shapes.QUOTA_MESSAGE)
        )
        with pytest.raises(GatewayError) as caught:
            await client.submit_music(MUSIC)
        assert type(caught.value) is GatewayError
        assert (caught.value.code, caught.value.message) == (
            "quota_not_enough",
            shapes.QUOTA_MESSAGE,
        )

    @pytest.mark.parametrize(
        "exception",
        [httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.WriteError],
    )
    async def test_lost_answer_is_outcome_unknown(
        self, gateway: respx.MockRouter, client: RelayClient, exception: type[Exception]
    ) -> None:
        route = gateway.post("/suno/submit/music").mock(side_effect=exception("lost"))
        with pytest.raises(OutcomeUnknown) as caught:
            await client.submit_music(MUSIC)
        assert "check the gateway before submitting again" in str(caught.value)
        assert caught.value.kind == "outcome-unknown"
        assert route.call_count == 1  # never retried

    async def test_closed_before_answer_is_outcome_unknown(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        gateway.post("/suno/submit/lyrics").mock(side_effect=httpx.RemoteProtocolError("eof"))
        with pytest.raises(OutcomeUnknown):
            await client.submit_lyrics("x")

    async def test_cut_off_answer_is_outcome_unknown(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        # the status line said 200: the task exists, but its id was lost
        gateway.post("/suno/submit/music").mock(
            side_effect=lambda request: httpx.Response(
                200, stream=Chunks([b'{"code": "success", "da'], httpx.RemoteProtocolError("eof"))
            )
        )
        with pytest.raises(OutcomeUnknown, match="the answer was cut off"):
            await client.submit_music(MUSIC)

    async def test_undecodable_answer_is_outcome_unknown(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        gateway.post("/suno/submit/music").mock(
            side_effect=lambda request: httpx.Response(
                200, headers={"Content-Encoding": "gzip"}, stream=Chunks([b"nope"])
            )
        )
        with pytest.raises(OutcomeUnknown):
            await client.submit_music(MUSIC)

    @pytest.mark.parametrize("exception", [httpx.ConnectError, httpx.UnsupportedProtocol])
    async def test_not_sent_is_not_outcome_unknown(
        self, gateway: respx.MockRouter, client: RelayClient, exception: type[Exception]
    ) -> None:
        gateway.post("/suno/submit/music").mock(side_effect=exception("refused"))
        with pytest.raises(NetworkError) as caught:
            await client.submit_music(MUSIC)
        assert type(caught.value) is NetworkError

    @pytest.mark.parametrize("exception", [httpx.ConnectTimeout, httpx.PoolTimeout])
    async def test_not_sent_timeouts_are_not_outcome_unknown(
        self, gateway: respx.MockRouter, client: RelayClient, exception: type[Exception]
    ) -> None:
        gateway.post("/suno/submit/music").mock(side_effect=exception("no connection"))
        with pytest.raises(RelayTimeout) as caught:
            await client.submit_music(MUSIC)
        assert type(caught.value) is RelayTimeout

    async def test_auth(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post("/suno/submit/music").mock(return_value=_unauthorized())
        with pytest.raises(AuthError):
            await client.submit_music(MUSIC)


# -- headers and the token ---------------------------------------------------------


class TestHeaders:
    async def test_sent_headers(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        route = gateway.post(FETCH).respond(200, json=shapes.envelope(None))
        await client.fetch(["a"])
        headers = route.calls.last.request.headers
        assert headers["authorization"] == f"Bearer {TOKEN}"
        assert headers["user-agent"].startswith(f"suno-tui/{__version__} ")
        assert headers["accept"] == "application/json"

    async def test_without_token(self, gateway: respx.MockRouter) -> None:
        route = gateway.post(FETCH).respond(200, json=shapes.envelope(None))
        async with RelayClient(BASE, None) as relay:
            await relay.fetch(["a"])
        assert "authorization" not in route.calls.last.request.headers

    async def test_token_from_a_file_is_stripped(self, gateway: respx.MockRouter) -> None:
        route = gateway.post(FETCH).respond(200, json=shapes.envelope(None))
        async with RelayClient(BASE, f"  {TOKEN}\n") as relay:
            await relay.fetch(["a"])
        assert route.calls.last.request.headers["authorization"] == f"Bearer {TOKEN}"

    @pytest.mark.parametrize("token", [f"{TOKEN}\x00x", "sk-\nSECRET", "sk-SECRET…", "令牌"])
    def test_unsendable_token_refused_without_echo(self, token: str) -> None:
        with pytest.raises(ValueError, match="cannot be sent in an HTTP header") as caught:
            RelayClient(BASE, token)
        assert "SECRET" not in str(caught.value)
        assert "令牌" not in str(caught.value)

    async def test_base_url_with_path_and_slash(self, gateway: respx.MockRouter) -> None:
        route = gateway.post("/api/suno/fetch").respond(200, json=shapes.envelope(None))
        async with RelayClient(f"{BASE}/api/", TOKEN) as relay:
            assert relay.base_url == f"{BASE}/api"
            await relay.fetch(["a"])
        assert route.call_count == 1


def _assert_no_token(error: BaseException) -> None:
    for text in (str(error), repr(error), *map(str, error.args)):
        assert TOKEN not in text
        assert "SECRET-1" not in text
    for name in ("message", "detail", "code"):
        value = getattr(error, name, "")
        assert "SECRET-1" not in str(value)


class TestTokenNeverShown:
    @pytest.mark.parametrize(
        "response",
        [
            httpx.Response(401, json=shapes.openai_error(f"无效的令牌 Bearer {TOKEN}")),
            httpx.Response(403, json=shapes.openai_error(f"token {TOKEN} disabled")),
            httpx.Response(401, json=shapes.task_error("unauthorized", f"bad key: {TOKEN}")),
            httpx.Response(429, json=shapes.openai_error(f"{TOKEN} is over its limit")),
            httpx.Response(500, json=shapes.task_error("get_tasks_failed", f"key={TOKEN}")),
            httpx.Response(200, json=shapes.task_error("invalid_request", f"key={TOKEN}")),
            httpx.Response(200, json=shapes.openai_error(f"key={TOKEN}")),
            httpx.Response(404, json=shapes.task_error("task_not_exist", TOKEN)),
            httpx.Response(502, content=shapes.html_error_page(f"Bad token {TOKEN}")),
            httpx.Response(200, content=shapes.html_error_page(f"Bad token {TOKEN}")),
            httpx.Response(302, headers={"Location": f"https://gw.example/login?key={TOKEN}"}),
        ],
        ids=[
            "401-openai",
            "403-openai",
            "401-task",
            "429",
            "500",
            "200-task-error",
            "200-openai-error",
            "404",
            "502-html",
            "200-html",
            "redirect",
        ],
    )
    async def test_echoed_token_is_redacted(
        self, gateway: respx.MockRouter, client: RelayClient, response: httpx.Response
    ) -> None:
        gateway.post(FETCH).mock(return_value=response)
        with pytest.raises(RelayError) as caught:
            await client.fetch(["a"])
        _assert_no_token(caught.value)
        assert "***" in str(caught.value)

    async def test_message_kept_around_the_redaction(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        gateway.post(FETCH).respond(401, json=shapes.openai_error(f"无效的令牌 Bearer {TOKEN}"))
        with pytest.raises(AuthError) as caught:
            await client.fetch(["a"])
        assert caught.value.message == "无效的令牌 Bearer ***"
        assert str(caught.value) == "authentication refused (HTTP 401): 无效的令牌 Bearer ***"

    @pytest.mark.parametrize("cut", range(1, len(TOKEN)))
    async def test_token_cut_by_the_message_limit(
        self, gateway: respx.MockRouter, client: RelayClient, cut: int
    ) -> None:
        # messages are cut at 299 characters + "…": the cut can split the token
        message = "x" * (299 - cut) + TOKEN + " and more"
        gateway.post(FETCH).respond(401, json=shapes.openai_error(message))
        with pytest.raises(AuthError) as caught:
            await client.fetch(["a"])
        for text in (str(caught.value), caught.value.message):
            assert text.endswith("…")
            assert TOKEN[: max(cut, 4)] not in text

    async def test_without_raising(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post(FETCH).respond(500, json=shapes.task_error("x", f"key={TOKEN}"))
        result = await client.fetch(["a"], raise_errors=False)
        _assert_no_token(result.failures[0].error)

    async def test_network_error_quoting_the_token(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        gateway.post(FETCH).mock(side_effect=httpx.ConnectError(f"proxy refused {TOKEN}"))
        with pytest.raises(NetworkError) as caught:
            await client.fetch(["a"])
        _assert_no_token(caught.value)

    async def test_submit_error(self, gateway: respx.MockRouter, client: RelayClient) -> None:
        gateway.post("/suno/submit/music").respond(
            403, json=shapes.task_error("quota_not_enough", f"{TOKEN} 额度不足")
        )
        with pytest.raises(GatewayError) as caught:
            await client.submit_music(MUSIC)
        _assert_no_token(caught.value)
        assert caught.value.message == "*** 额度不足"


async def test_closing_twice_is_harmless() -> None:
    relay = RelayClient(BASE, TOKEN)
    async with relay:
        pass
    await relay.aclose()


class TestProxiesInFront:
    """Pages from a proxy, CDN or firewall are not the gateway speaking."""

    async def test_html_403_is_not_blamed_on_the_token(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        gateway.post("/suno/fetch").respond(403, content=shapes.html_error_page("403 Forbidden"))
        error = await fetch_error(client)
        assert type(error) is GatewayError
        assert error.status == 403
        assert "403 Forbidden" in str(error)

    async def test_html_404_points_at_the_base_url(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        gateway.post("/suno/fetch").respond(404, content=shapes.html_error_page("404 Not Found"))
        error = await fetch_error(client)
        assert type(error) is GatewayError
        assert "base URL" in str(error)

    @pytest.mark.parametrize("status", [502, 504])
    async def test_submit_behind_a_failing_proxy_has_an_unknown_outcome(
        self, gateway: respx.MockRouter, client: RelayClient, status: int
    ) -> None:
        gateway.post("/suno/submit/music").respond(status, content=shapes.html_error_page())
        with pytest.raises(OutcomeUnknown):
            await client.submit_music({"prompt": "la"})

    async def test_fetch_behind_a_502_is_a_plain_gateway_error(
        self, gateway: respx.MockRouter, client: RelayClient
    ) -> None:
        gateway.post("/suno/fetch").respond(502, content=shapes.html_error_page())
        assert type(await fetch_error(client)) is GatewayError


async def test_a_token_pasted_with_its_scheme_is_sent_once(gateway: respx.MockRouter) -> None:
    route = gateway.post("/suno/fetch").respond(json=shapes.envelope([]))
    async with RelayClient(BASE, f"Bearer {TOKEN}") as bearer_client:
        await bearer_client.fetch(["a"])
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {TOKEN}"


async def test_a_single_string_is_one_id(gateway: respx.MockRouter, client: RelayClient) -> None:
    route = gateway.post("/suno/fetch").respond(json=shapes.envelope([]))
    result = await client.fetch("abc")
    assert json.loads(route.calls.last.request.content) == {"ids": ["abc"]}
    assert result.missing == ["abc"]
