"""One HTTP answer of the gateway -> data or a typed error (no HTTP involved)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from suno_tui.relay.envelope import decode_json, error_for_status, parse_retry_after, unwrap
from suno_tui.relay.errors import (
    AuthError,
    GatewayError,
    MalformedResponse,
    RateLimited,
    RelayError,
    TaskNotFound,
)
from tests.fixtures import shapes

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def answer(status: int, payload: object, headers: dict[str, str] | None = None) -> object:
    """The data of an answer, or raise its error, as the client does."""
    body = payload if isinstance(payload, bytes) else shapes.dumps(payload)
    if not 200 <= status < 300:
        raise error_for_status(status, body, headers or {})
    return unwrap(decode_json(body, status), status)


# -- success -----------------------------------------------------------------


class TestSuccess:
    @pytest.mark.parametrize("code", ["success", 0, 1, 200, "0", "1", "200"])
    def test_success_codes(self, code: object) -> None:
        tasks = [shapes.success_task()]
        assert answer(200, shapes.envelope(tasks, code=code)) == tasks

    def test_code_one_family(self) -> None:
        tasks = [shapes.lowercase_task()]
        assert answer(200, shapes.code_one_envelope(tasks)) == tasks

    def test_bare_list(self) -> None:
        tasks = [shapes.success_task(), shapes.streaming_task(shapes.HEX_TASK_ID)]
        assert answer(200, tasks) == tasks

    def test_data_null(self) -> None:
        assert answer(200, shapes.envelope(None)) is None

    def test_empty_list(self) -> None:
        assert answer(200, shapes.envelope([])) == []

    def test_single_task_and_task_id(self) -> None:
        assert answer(200, shapes.envelope(shapes.success_task())) == shapes.success_task()
        assert answer(200, shapes.envelope(shapes.TASK_ID)) == shapes.TASK_ID

    def test_no_code_but_data(self) -> None:
        assert answer(200, {"data": [1]}) == [1]

    def test_message_on_success_is_ignored(self) -> None:
        assert answer(200, shapes.envelope([], message="ok")) == []

    def test_error_null_is_not_an_error(self) -> None:
        assert answer(200, {"code": "success", "data": [], "error": None}) == []

    def test_success_code_without_data(self) -> None:
        with pytest.raises(MalformedResponse, match="no 'data' in the answer") as caught:
            answer(200, {"code": "success", "message": ""})
        assert caught.value.status == 200

    @pytest.mark.parametrize(
        ("payload", "kind"),
        [("just text", "str"), (42, "int"), (None, "NoneType"), (True, "bool")],
    )
    def test_not_an_object_or_list(self, payload: object, kind: str) -> None:
        with pytest.raises(MalformedResponse, match=f"expected a JSON object, got {kind}"):
            answer(200, payload)


class TestErrorEnvelopeOn200:
    def test_task_layer_error(self) -> None:
        with pytest.raises(GatewayError) as caught:
            answer(200, shapes.task_error("get_tasks_failed", "数据库错误"))
        error = caught.value
        assert type(error) is GatewayError
        assert (error.status, error.code, error.message) == (200, "get_tasks_failed", "数据库错误")
        assert str(error) == "gateway error (HTTP 200, code get_tasks_failed): 数据库错误"

    def test_task_not_exist(self) -> None:
        with pytest.raises(TaskNotFound) as caught:
            answer(200, shapes.task_error("task_not_exist", "task_not_exist"))
        assert caught.value.code == "task_not_exist"

    def test_openai_style(self) -> None:
        with pytest.raises(GatewayError) as caught:
            answer(200, shapes.openai_error(shapes.BUSY_MESSAGE))
        assert caught.value.message == shapes.BUSY_MESSAGE
        assert caught.value.code == "new_api_error"

    def test_error_as_string(self) -> None:
        with pytest.raises(GatewayError) as caught:
            answer(200, {"error": "upstream failed"})
        assert caught.value.message == "upstream failed"

    @pytest.mark.parametrize("code", [-1, 500, "fail", "SUCCESS_NOT", 2])
    def test_other_codes_are_errors(self, code: object) -> None:
        with pytest.raises(GatewayError):
            answer(200, {"code": code, "message": "m", "data": []})

    @pytest.mark.parametrize("code", [[1], {"a": 1}, None])
    def test_code_of_an_odd_type_is_an_error_not_a_crash(self, code: object) -> None:
        with pytest.raises(GatewayError) as caught:
            answer(200, {"code": code, "message": "m", "data": []})
        assert caught.value.message == "m"

    def test_msg_instead_of_message(self) -> None:
        with pytest.raises(GatewayError) as caught:
            answer(200, {"code": "fail", "msg": "额度不足", "data": None})
        assert caught.value.message == "额度不足"

    def test_long_message_is_shortened(self) -> None:
        with pytest.raises(GatewayError) as caught:
            answer(200, shapes.task_error("x", "word " * 200))
        assert len(caught.value.message) == 300
        assert caught.value.message.endswith("…")

    def test_whitespace_in_message_collapsed(self) -> None:
        with pytest.raises(GatewayError) as caught:
            answer(200, shapes.task_error("x", "line one\n\tline   two"))
        assert caught.value.message == "line one line two"


# -- HTTP errors -------------------------------------------------------------


class TestAuth:
    def test_401_openai_style(self) -> None:
        error = error_for_status(401, shapes.dumps(shapes.openai_error("无效的令牌")), {})
        assert type(error) is AuthError
        assert error.status == 401
        assert error.message == "无效的令牌"
        assert str(error) == "authentication refused (HTTP 401): 无效的令牌"
        assert error.kind == "auth"

    def test_401_task_envelope(self) -> None:
        body = shapes.dumps(shapes.task_error("unauthorized", "token expired"))
        error = error_for_status(401, body, {})
        assert type(error) is AuthError
        assert error.message == "token expired"

    def test_401_without_body(self) -> None:
        error = error_for_status(401, b"", {})
        assert type(error) is AuthError
        assert str(error) == "authentication refused (HTTP 401): no message"

    def test_403_openai_style_is_auth(self) -> None:
        body = shapes.dumps(shapes.openai_error("该令牌已被禁用", code="token_disabled"))
        error = error_for_status(403, body, {})
        assert type(error) is AuthError
        assert error.message == "该令牌已被禁用"

    def test_403_openai_style_even_with_a_quota_code_is_auth(self) -> None:
        body = shapes.dumps(shapes.openai_error("no", code="quota_not_enough"))
        assert type(error_for_status(403, body, {})) is AuthError

    @pytest.mark.parametrize(
        "code", ["quota_not_enough", "insufficient_user_quota", "invalid_request"]
    )
    def test_403_task_layer_not_auth(self, code: str) -> None:
        body = shapes.dumps(shapes.task_error(code, shapes.QUOTA_MESSAGE))
        error = error_for_status(403, body, {})
        assert type(error) is GatewayError
        assert (error.status, error.code, error.message) == (403, code, shapes.QUOTA_MESSAGE)

    def test_403_other_task_code_is_auth(self) -> None:
        body = shapes.dumps(shapes.task_error("user_banned", "用户已被封禁"))
        assert type(error_for_status(403, body, {})) is AuthError


class TestRateLimit:
    def test_429_with_seconds(self) -> None:
        body = shapes.dumps(shapes.openai_error("请求过于频繁"))
        error = error_for_status(429, body, {"retry-after": "17"})
        assert type(error) is RateLimited
        assert error.retry_after == 17.0
        assert error.message == "请求过于频繁"
        assert str(error) == "rate limited (HTTP 429, retry after 17 s): 请求过于频繁"

    def test_429_without_header(self) -> None:
        error = error_for_status(429, b"", {})
        assert type(error) is RateLimited
        assert error.retry_after is None
        assert str(error) == "rate limited (HTTP 429)"

    def test_429_with_junk_header(self) -> None:
        error = error_for_status(429, b"", {"retry-after": "later, maybe"})
        assert type(error) is RateLimited
        assert error.retry_after is None


class TestRetryAfter:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("0", 0.0),
            ("5", 5.0),
            (" 120 ", 120.0),
            ("1.5", 1.5),
            ("-5", 0.0),
            ("86400", 3600.0),  # capped at an hour
            ("inf", 3600.0),
        ],
    )
    def test_seconds(self, value: str, expected: float) -> None:
        assert parse_retry_after(value, now=NOW) == expected

    def test_http_date(self) -> None:
        assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=NOW) == 30.0

    def test_http_date_in_the_past(self) -> None:
        assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=NOW) == 0.0

    def test_http_date_far_away_is_capped(self) -> None:
        assert parse_retry_after("Fri, 02 Jan 2026 12:00:00 GMT", now=NOW) == 3600.0

    def test_http_date_with_unknown_zone_is_utc(self) -> None:
        assert parse_retry_after("Thu, 01 Jan 2026 12:01:00 -0000", now=NOW) == 60.0

    def test_http_date_against_the_clock(self) -> None:
        soon = datetime.now(UTC) + timedelta(hours=2)
        value = soon.strftime("%a, %d %b %Y %H:%M:%S GMT")
        assert parse_retry_after(value) == 3600.0

    @pytest.mark.parametrize("value", [None, "", "  ", "soon", "nan", "Thu, 99 Foo 2026"])
    def test_junk(self, value: str | None) -> None:
        assert parse_retry_after(value, now=NOW) is None


class TestServerErrors:
    @pytest.mark.parametrize("status", [500, 502, 503])
    def test_task_envelope(self, status: int) -> None:
        body = shapes.dumps(shapes.task_error("get_tasks_failed", "查询任务失败"))
        error = error_for_status(status, body, {})
        assert type(error) is GatewayError
        assert (error.status, error.code, error.message) == (
            status,
            "get_tasks_failed",
            "查询任务失败",
        )
        assert str(error) == f"gateway error (HTTP {status}, code get_tasks_failed): 查询任务失败"
        assert error.kind == "gateway"

    def test_503_openai_style(self) -> None:
        body = shapes.dumps(shapes.openai_error(shapes.BUSY_MESSAGE))
        error = error_for_status(503, body, {})
        assert type(error) is GatewayError
        assert (error.status, error.code, error.message) == (
            503,
            "new_api_error",
            shapes.BUSY_MESSAGE,
        )

    def test_400_invalid_request(self) -> None:
        body = shapes.dumps(shapes.task_error("invalid_request", "ids is required"))
        error = error_for_status(400, body, {})
        assert type(error) is GatewayError
        assert (error.code, error.message) == ("invalid_request", "ids is required")

    @pytest.mark.parametrize("status", [400, 404])
    def test_task_not_exist(self, status: int) -> None:
        body = shapes.dumps(shapes.task_error("task_not_exist", "task_not_exist"))
        error = error_for_status(status, body, {})
        assert type(error) is TaskNotFound
        assert isinstance(error, GatewayError)
        assert (error.status, error.code) == (status, "task_not_exist")
        assert error.kind == "not-found"

    def test_404_without_body(self) -> None:
        error = error_for_status(404, b"", {})
        assert type(error) is TaskNotFound
        assert error.message == "no such task"

    def test_500_empty_body(self) -> None:
        error = error_for_status(500, b"  ", {})
        assert type(error) is GatewayError
        assert str(error) == "gateway error (HTTP 500): no message"

    def test_500_json_null(self) -> None:
        error = error_for_status(500, b"null", {})
        assert str(error) == "gateway error (HTTP 500): no message"


class TestNotJson:
    def test_html_page_2xx(self) -> None:
        with pytest.raises(MalformedResponse) as caught:
            answer(200, shapes.html_error_page("Just a moment..."))
        assert caught.value.detail == "an HTML page instead of JSON (Just a moment...)"
        assert caught.value.status == 200

    @pytest.mark.parametrize("status", [502, 503])
    def test_html_page_from_a_proxy(self, status: int) -> None:
        error = error_for_status(status, shapes.html_error_page(f"{status} Bad Gateway"), {})
        assert type(error) is GatewayError
        assert error.message == f"an HTML page instead of JSON ({status} Bad Gateway)"

    def test_html_page_without_title(self) -> None:
        with pytest.raises(MalformedResponse) as caught:
            answer(200, b"<!doctype html><p>hi</p>")
        assert caught.value.detail == "an HTML page instead of JSON"

    def test_html_title_is_collapsed(self) -> None:
        body = b"<html><TITLE>\n  Service\n  Unavailable </TITLE></html>"
        with pytest.raises(MalformedResponse) as caught:
            answer(200, body)
        assert caught.value.detail == "an HTML page instead of JSON (Service Unavailable)"

    def test_truncated_between_tokens(self) -> None:
        body = b'{"code": "success", "data": [{"task_id": "a"}, '
        with pytest.raises(MalformedResponse) as caught:
            answer(200, body)
        assert caught.value.detail == f"truncated JSON ({len(body)} bytes, ends mid-document)"

    @pytest.mark.parametrize("keep", [0.3, 0.5, 0.6, 0.9])
    def test_truncated_anywhere(self, keep: float) -> None:
        body = shapes.truncated(shapes.envelope([shapes.chinese_failure_task()]), keep)
        with pytest.raises(MalformedResponse, match="truncated JSON"):
            answer(200, body)

    def test_truncated_inside_chinese_text(self) -> None:
        body = '{"code": "success", "message": "", "data": [{"fail_reason": "生成失败'.encode()
        with pytest.raises(MalformedResponse, match="truncated JSON"):
            answer(200, body)

    def test_truncated_error_answer(self) -> None:
        body = shapes.truncated(shapes.task_error("get_tasks_failed", "查询任务失败"))
        error = error_for_status(500, body, {})
        assert type(error) is GatewayError
        assert error.message == f"truncated JSON ({len(body)} bytes, ends mid-document)"

    def test_plain_text(self) -> None:
        with pytest.raises(MalformedResponse) as caught:
            answer(200, b"Bad Gateway")
        assert caught.value.detail == "not JSON (Expecting value, at character 0)"

    def test_trailing_garbage_is_not_truncation(self) -> None:
        with pytest.raises(MalformedResponse, match="not JSON") as caught:
            answer(200, b'{"data": []} trailing')
        assert "truncated" not in caught.value.detail

    @pytest.mark.parametrize("body", [b"", b"   ", b"\r\n"])
    def test_empty_body(self, body: bytes) -> None:
        with pytest.raises(MalformedResponse) as caught:
            answer(200, body)
        assert caught.value.detail == "empty body"
        assert str(caught.value) == "malformed answer from the gateway (HTTP 200): empty body"

    def test_not_utf8(self) -> None:
        body = '{"code": "success", "data": [{"title": "生成"}]}'.encode("gb18030")
        with pytest.raises(MalformedResponse) as caught:
            answer(200, body)
        assert caught.value.detail == "body is not UTF-8 text"

    def test_not_utf8_error_answer(self) -> None:
        error = error_for_status(502, b"\xff\xfe\xfa bad gateway", {})
        assert type(error) is GatewayError
        assert error.status == 502

    def test_number_too_long(self) -> None:
        with pytest.raises(MalformedResponse, match="number too long"):
            answer(200, b'{"data": [' + b"9" * 5000 + b"]}")

    def test_nested_too_deep(self) -> None:
        with pytest.raises(MalformedResponse, match="nested too deeply"):
            answer(200, b"[" * 100_000)

    def test_utf8_bom_is_accepted(self) -> None:
        assert answer(200, b"\xef\xbb\xbf" + shapes.dumps(shapes.envelope([]))) == []


class TestRedirects:
    @pytest.mark.parametrize("status", [301, 302, 307, 308])
    def test_redirect_is_a_gateway_error(self, status: int) -> None:
        error = error_for_status(status, b"", {"location": "https://other.example/suno/fetch"})
        assert type(error) is GatewayError
        assert error.status == status
        assert error.message == "unexpected redirect to https://other.example/suno/fetch"

    def test_redirect_without_location(self) -> None:
        error = error_for_status(302, b"<html>moved</html>", {})
        assert isinstance(error, GatewayError)
        assert error.status == 302
        assert error.message.startswith("unexpected redirect")


_EXPECTED_BY_STATUS: dict[int, type[RelayError]] = {
    400: GatewayError,
    401: AuthError,
    403: AuthError,
    404: TaskNotFound,
    429: RateLimited,
    500: GatewayError,
    502: GatewayError,
    503: GatewayError,
}


@pytest.mark.parametrize("status", sorted(_EXPECTED_BY_STATUS))
@pytest.mark.parametrize(
    "payload",
    [shapes.task_error("some_error", "出错了"), shapes.openai_error("出错了")],
    ids=["task-layer", "openai-style"],
)
def test_error_matrix(status: int, payload: dict[str, object]) -> None:
    error = error_for_status(status, shapes.dumps(payload), {})
    assert type(error) is _EXPECTED_BY_STATUS[status]
    assert getattr(error, "message", None) == "出错了"
    assert "出错了" in str(error)


def test_every_error_is_a_relay_error() -> None:
    for status in (301, 400, 401, 403, 404, 429, 500, 502, 503):
        for body in (b"", b"<html>", b"{", shapes.dumps(shapes.openai_error("x"))):
            assert isinstance(error_for_status(status, body, {}), RelayError)


def test_envelope_helpers_copy_their_data() -> None:
    tasks = [shapes.success_task()]
    wrapped = shapes.envelope(tasks)
    wrapped["data"][0]["status"] = "FAILURE"
    assert tasks[0]["status"] == "SUCCESS"
    assert json.loads(shapes.dumps(wrapped))["data"][0]["status"] == "FAILURE"


def test_escaped_emoji_pairs_are_kept_and_lone_halves_replaced() -> None:
    from suno_tui.relay.envelope import decode_json

    paired = decode_json(b'{"t": "\\ud83c\\udfb5 \\uD83C\\uDFB6"}', 200)
    assert paired == {"t": "\U0001f3b5 \U0001f3b6"}
    lone = decode_json(b'{"t": "a\\ud83c b\\udfb5 \\ud83c\\ud83c\\udfb5"}', 200)
    assert lone == {"t": "a\ufffd b\ufffd \ufffd\U0001f3b5"}


def test_decoding_reads_what_json_loads_reads() -> None:
    """orjson reads most bodies; what it would read otherwise (long integers)
    or refuses (NaN, UTF-16) is read as the standard library reads it."""
    from suno_tui.relay.envelope import decode_json

    body = b'{"a": [1, -2.5, 1e3, "x\\u00e9\\n", null, true, {"b": {}}], "a": 7}'
    assert decode_json(body, 200) == json.loads(body)
    huge = b'{"n": 123456789012345678901234567890, "m": -18446744073709551617}'
    assert decode_json(huge, 200) == {"n": 123456789012345678901234567890, "m": -(2**64) - 1}
    assert decode_json(b'{"n": NaN}', 200)["n"] != decode_json(b'{"n": NaN}', 200)["n"]
    assert decode_json('{"t": "é"}'.encode("utf-16"), 200) == {"t": "é"}
    with pytest.raises(MalformedResponse):
        decode_json(b'{"t": ', 200)
