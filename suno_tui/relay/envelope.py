"""Turn one HTTP answer of the gateway into data or a typed error.

Two error envelopes exist (docs/gateway.md): the task layer's
``{"code": ..., "message": ..., "data": null}`` and the gateway layer's
OpenAI-style ``{"error": {"message": ..., "type": ...}}``. Success is ``code``
in ("success", 0, 1, 200) with a ``data`` key, or a bare task list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from suno_tui.jsoncodec import NOT_EXACT, loads_exact
from suno_tui.relay.errors import (
    AuthError,
    GatewayError,
    MalformedResponse,
    RateLimited,
    RelayError,
    TaskNotFound,
)

SUCCESS_CODES: frozenset[object] = frozenset({"success", "0", "1", "200", 0, 1, 200})
# Task-layer codes that a 403 can carry without the token being at fault.
_NOT_AUTH_CODES = frozenset({"quota_not_enough", "insufficient_user_quota", "invalid_request"})
_NOT_FOUND_CODES = frozenset({"task_not_exist", "task_not_found", "not_found"})
_MAX_MESSAGE = 300
_MAX_CODE = 60
_MAX_RETRY_AFTER = 3600.0
_TITLE = re.compile(rb"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def short_text(value: object) -> str:
    """A gateway's message for an error: one line, cut with an ellipsis (which
    the redaction looks for) at the usual length."""
    return _short(str(value))


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After in seconds (delta-seconds or an HTTP date), capped at 1 h."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime  # rare: an HTTP date

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), _MAX_RETRY_AFTER)


def decode_json(body: bytes, status: int) -> object:
    """JSON from the body, or MalformedResponse saying what was wrong.

    Lone surrogates (``"\\ud800"``, or their raw CESU-8 bytes) become U+FFFD:
    such a string cannot be encoded to UTF-8, so printing it or storing it
    in SQLite would fail.
    """
    if not body.strip():
        raise MalformedResponse("empty body", status=status)
    value = loads_exact(body)
    if value is not NOT_EXACT:
        return value  # orjson refuses lone surrogates: none to clean here
    try:
        value = json.loads(body)
        if _may_hold_lone_surrogates(body):
            value = _without_surrogates(value)
        return value
    except UnicodeDecodeError:
        raise MalformedResponse("body is not UTF-8 text", status=status) from None
    except json.JSONDecodeError as error:
        raise MalformedResponse(_describe_non_json(body, error), status=status) from None
    except ValueError:  # an integer of more than 4300 digits
        raise MalformedResponse("a number too long to read", status=status) from None
    except RecursionError:
        raise MalformedResponse("JSON nested too deeply", status=status) from None


# A body that may decode to lone surrogates: an escape of one that is not
# half of a pair (escaped emoji come as pairs: those are fine), the raw bytes
# of one, or a UTF-16/32 body (json.loads reads all three).
_LONE_ESCAPE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_RAW_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")
_NOT_UTF8_STARTS = (b"\xff", b"\xfe")


def _may_hold_lone_surrogates(body: bytes) -> bool:
    """Cheap on the common body: substring tests run at memory speed, and the
    regular expressions (and the walk over the document) only run when one
    hits. A regex scan of every 25 MB answer cost a third of the parse time."""
    if body[:1] in _NOT_UTF8_STARTS or b"\x00" in body[:4]:
        return True
    if b"\xed" in body and _RAW_SURROGATE.search(body):
        return True
    return (b"\\ud" in body or b"\\uD" in body) and _LONE_ESCAPE.search(body) is not None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogate(text: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", text)


def _without_surrogates(value: object) -> object:
    """``value`` with lone surrogates replaced, in place (no recursion: the
    document may nest as deep as json.loads allows)."""
    if isinstance(value, str):
        return _no_surrogate(value)
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if any(_LONE_SURROGATE.search(key) for key in node):
                items = list(node.items())
                node.clear()
                node.update((_no_surrogate(key), item) for key, item in items)
            for key, item in node.items():
                if isinstance(item, str):
                    node[key] = _no_surrogate(item)  # same keys: safe while iterating
                elif isinstance(item, dict | list):
                    stack.append(item)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, str):
                    node[index] = _no_surrogate(item)
                elif isinstance(item, dict | list):
                    stack.append(item)
    return value


def _describe_non_json(body: bytes, error: json.JSONDecodeError) -> str:
    stripped = body.lstrip()
    if stripped[:1] in (b"<",):
        title = _TITLE.search(body[:4096])
        label = title.group(1).decode("utf-8", "replace").strip() if title else ""
        return "an HTML page instead of JSON" + (f" ({_short(label)})" if label else "")
    # error.pos counts characters, not bytes; an unterminated string runs to
    # the end of the body, wherever it started.
    text = error.doc if isinstance(error.doc, str) else body.decode("utf-8", "replace")
    if stripped[:1] in (b"{", b"[") and (
        error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string")
    ):
        return f"truncated JSON ({len(body)} bytes, ends mid-document)"
    return f"not JSON ({error.msg}, at character {error.pos})"


def is_web_page(body: bytes, headers: Mapping[str, str]) -> bool:
    """An HTML page where JSON was expected (a web UI's catch-all route, a CDN)."""
    if "text/html" in headers.get("content-type", "").lower():
        return True
    return body.lstrip()[:1] == b"<"


def _envelope_message(payload: object) -> tuple[str, str, bool]:
    """(code, message, is_openai_style) of an error envelope, if any."""
    if not isinstance(payload, dict):
        return "", "", False
    error = payload.get("error")
    if isinstance(error, dict):
        message = error.get("message")
        code = error.get("code") or error.get("type") or ""
        return _short_code(code), _short(str(message or "")), True
    if isinstance(error, str):
        return "", _short(error), True
    code = payload.get("code")
    message = payload.get("message") or payload.get("msg") or ""
    return _short_code(code), _short(str(message)), False


def _short_code(code: object) -> str:
    """An error code for messages: a word, whatever size the gateway sent."""
    text = "" if code is None else " ".join(str(code).split())
    return text if len(text) <= _MAX_CODE else text[: _MAX_CODE - 1] + "…"


def error_for_status(status: int, body: bytes, headers: dict[str, str]) -> RelayError:
    """The typed error for a non-2xx answer."""
    payload: object = None
    unreadable = ""
    if body.strip():
        try:
            payload = decode_json(body, status)
        except MalformedResponse as error:
            unreadable = error.detail
    code, message, openai_style = _envelope_message(payload)
    if unreadable:
        message = unreadable
    # A 403 or 404 that is not JSON comes from a proxy, CDN or firewall in
    # front of the gateway, not from the gateway: the token is not at fault,
    # and no task was looked up.
    from_gateway = not unreadable
    if status == 401 or (
        status == 403 and from_gateway and (openai_style or code not in _NOT_AUTH_CODES)
    ):
        return AuthError(message, status=status)
    if status == 429:
        return RateLimited(message, retry_after=parse_retry_after(headers.get("retry-after")))
    if status == 404 and not from_gateway:
        return GatewayError(
            f"{message}; is the base URL right? (no Suno endpoint there)", status=status
        )
    if code in _NOT_FOUND_CODES or status == 404:
        return TaskNotFound(message or "no such task", status=status, code=code)
    if 300 <= status < 400:
        location = headers.get("location", "")
        return GatewayError(f"unexpected redirect to {_short(location)}", status=status)
    return GatewayError(message, status=status, code=code)


def _is_success_code(code: object) -> bool:
    # a list or object as ``code`` is not hashable: not a success either
    return isinstance(code, str | int | float) and code in SUCCESS_CODES


def unwrap(payload: object, status: int) -> Any:
    """The ``data`` of a 2xx answer; raises for an error envelope."""
    if isinstance(payload, list):
        return payload
    if not isinstance(payload, dict):
        raise MalformedResponse(
            f"expected a JSON object, got {type(payload).__name__}", status=status
        )
    code, message, openai_style = _envelope_message(payload)
    if openai_style:
        raise GatewayError(message, status=status, code=code)
    if "code" in payload and not _is_success_code(payload["code"]):
        if code in _NOT_FOUND_CODES:
            raise TaskNotFound(message or "no such task", status=status, code=code)
        raise GatewayError(message, status=status, code=code)
    if "data" not in payload:
        raise MalformedResponse("no 'data' in the answer", status=status)
    return payload["data"]
