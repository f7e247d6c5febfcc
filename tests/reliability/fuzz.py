"""The fuzzing properties of issue #8, item 1, shared by the CI tests
(tests/reliability/test_fuzz.py, a few hundred examples each) and the long run
(benchmarks/bench_fuzz.py, 100,000 examples per property).

Each property is a plain function of the values Hypothesis draws; it counts
its calls in :data:`COUNTS`, so a run can report how many examples were
really executed. What they prove:

- models: ``parse_task`` on arbitrary JSON and on mutations of every real
  shape raises nothing but ModelError, and only for an object without a
  usable id; a task with an id keeps it, every clip of a ``data`` list
  becomes a Clip; the list row built from it is display-safe and its JSON
  output encodes (UTF-8) with no raw control character;
- envelope: ``decode_json``, ``unwrap``, ``error_for_status`` and
  ``parse_retry_after`` on arbitrary bodies, statuses and headers raise
  nothing but the typed errors, with bounded messages and bounded waits;
- client: ``RelayClient.fetch`` through an ``httpx.MockTransport`` answering
  anything (bodies, statuses, headers, transport errors, bodies that echo the
  token, endless bodies) raises nothing but RelayError, accounts for every
  requested id exactly once (a task, missing, or a failed batch), matches the
  rows it was sent, reports the rows it could not use, and never shows the
  token;
- naming: ``file_name`` on mutated real titles and hostile templates gives
  one safe path component inside the folder, within the byte limit, or a
  TemplateError.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import tempfile
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pathvalidate import validate_filename

from suno_tui.downloads.naming import (
    MAX_NAME_BYTES,
    NameFields,
    TemplateError,
    check_template,
    file_name,
    inside,
    numbered,
)
from suno_tui.relay.client import RelayClient
from suno_tui.relay.envelope import decode_json, error_for_status, parse_retry_after, unwrap
from suno_tui.relay.errors import MalformedResponse, RateLimited, RelayError
from suno_tui.relay.export import task_to_json, to_json_text
from suno_tui.relay.models import ModelError, Task, parse_task
from suno_tui.tracking.tracker import summarize
from tests.reliability import strategies as S

#: examples executed per property, by name (the long run reports these)
COUNTS: Counter[str] = Counter()

# Characters that must never reach a terminal raw: C0 (but \n, \t in multi-line
# text), DEL, C1, bidi and invisible format controls (ZWJ/ZWNJ are allowed: emoji
# need them), tag characters, and lone surrogates (which cannot even be encoded).
UNSAFE_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069"
    "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f\ud800-\udfff]"
)
UNSAFE_IN_LINE = re.compile(UNSAFE_CHARS.pattern[:-1] + "\n\t]")
NOW = datetime(2026, 1, 1, 0, 5, tzinfo=UTC)
MAX_MESSAGE = 1000  # characters of an error message, whatever the gateway sent


def _is_safe_json_text(text: str) -> bool:
    """JSON text may hold newlines between tokens (indent); nothing else unsafe."""
    return UNSAFE_CHARS.search(text) is None


# -- models -----------------------------------------------------------------------------------


def usable_id(value: object) -> str | None:
    """The task id docs/gateway.md says a task object carries, or None."""
    if not isinstance(value, dict):
        return None
    task_id = value.get("task_id")
    if task_id is None and isinstance(value.get("id"), str):
        task_id = value["id"]
    if isinstance(task_id, int) and not isinstance(task_id, bool):
        task_id = str(task_id)
    if isinstance(task_id, str) and task_id.strip():
        return task_id.strip()
    return None


def _data_list(value: dict[str, Any]) -> list[Any] | None:
    data = value.get("data")
    if isinstance(data, str) and data[:1] == "[":
        try:
            data = json.loads(data)
        except (ValueError, RecursionError):
            return None
    return data if isinstance(data, list) else None


def check_task(value: object) -> Task | None:
    """parse_task's contract on one decoded element; the Task, or None for ModelError."""
    expected = usable_id(value)
    try:
        task = parse_task(value)
    except ModelError:
        assert expected is None, f"ModelError for a task with id {expected!r}"
        return None
    assert isinstance(value, dict)
    assert task.task_id == expected
    items = _data_list(value)
    if items is not None:  # every clip in the list yields a Clip: none dropped
        assert len(task.clips) == len(items)
    # what every front end derives from it
    assert isinstance(task.title, str) and isinstance(task.tags, tuple)
    assert 0 <= task.clips_done <= len(task.clips)
    summary = summarize(task, profile="p", added_at=NOW, state_since=NOW, now=NOW)
    assert 0.0 <= summary.progress.fraction <= 1.0
    for text in (summary.title, summary.tags, summary.status_label, summary.fail_reason):
        assert UNSAFE_IN_LINE.search(text) is None, text
    text = to_json_text(task_to_json(task))
    assert _is_safe_json_text(text)
    text.encode("utf-8")  # no lone surrogate: printable, storable in SQLite
    json.dumps(task.raw, ensure_ascii=False).encode("utf-8")  # the stored snapshot too
    return task


def _through_the_wire(value: object) -> object:
    """``value`` as it reaches the models: serialised, then decoded by the client."""
    body = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return decode_json(body, 200)


def prop_parse_arbitrary_json(value: object) -> None:
    COUNTS["models: parse_task(arbitrary JSON)"] += 1
    check_task(_through_the_wire(value))


def prop_parse_mutated_shape(doc: dict[str, Any]) -> None:
    COUNTS["models: parse_task(mutated real shapes)"] += 1
    task = check_task(_through_the_wire(doc))
    if usable_id(doc) is not None:
        assert task is not None


# -- envelope ---------------------------------------------------------------------------------


def _has_surrogate(value: object) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if re.search("[\ud800-\udfff]", item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def prop_decode_and_unwrap(body: bytes, status: int) -> None:
    COUNTS["envelope: decode_json + unwrap(arbitrary bodies)"] += 1
    try:
        payload = decode_json(body, status)
    except MalformedResponse as error:
        assert error.status == status
        assert len(str(error)) <= MAX_MESSAGE
        return
    assert not _has_surrogate(payload), "a lone surrogate survived decoding"
    try:
        data = unwrap(payload, status)
    except RelayError as error:
        assert len(str(error)) <= MAX_MESSAGE
        return
    if isinstance(payload, list):
        assert data is payload
    else:
        assert isinstance(payload, dict) and "data" in payload and data is payload["data"]


def prop_error_for_status(status: int, body: bytes, headers: dict[str, str]) -> None:
    COUNTS["envelope: error_for_status(any status, body, headers)"] += 1
    error = error_for_status(status, body, headers)
    assert isinstance(error, RelayError)
    assert len(str(error)) <= MAX_MESSAGE
    if status == 401:
        assert error.kind == "auth"
    if status == 429:
        assert isinstance(error, RateLimited)
        assert error.retry_after is None or 0.0 <= error.retry_after <= 3600.0


def prop_retry_after(value: str) -> None:
    COUNTS["envelope: parse_retry_after(any text)"] += 1
    seconds = parse_retry_after(value)
    assert seconds is None or 0.0 <= seconds <= 3600.0


# -- the client, through httpx.MockTransport ------------------------------------------------

TOKEN = "sk-FUZZ-0123456789abcdef"
MAX_BYTES = 256 * 1024
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"
#: rows parse_task must refuse (no usable id)
JUNK_ROWS: tuple[Any, ...] = (
    42,
    "row",
    None,
    [],
    [{"task_id": "x"}],
    {"no_id": 1},
    {"task_id": ""},
    {"task_id": "   "},
    {"task_id": True},
    {"task_id": 1.5},
    {"task_id": None, "id": 7},
    {"task_id": ["a"]},
)
CODE_FORMS = ("success", 1, 0, 200, "200", "bare-list")
EXCEPTIONS: dict[str, Callable[[], BaseException]] = {
    "connect": lambda: httpx.ConnectError("connection refused"),
    "connect-timeout": lambda: httpx.ConnectTimeout("connect timed out"),
    "read-timeout": lambda: httpx.ReadTimeout("read timed out"),
    "write-timeout": lambda: httpx.WriteTimeout("write timed out"),
    "pool-timeout": lambda: httpx.PoolTimeout("no connection free"),
    "read-error": lambda: httpx.ReadError("connection reset by peer"),
    "write-error": lambda: httpx.WriteError("broken pipe"),
    "remote-protocol": lambda: httpx.RemoteProtocolError("peer closed connection"),
    # h11 quotes a bad header value, token and all: the client must redact it
    "local-protocol": lambda: httpx.LocalProtocolError(f"Illegal header value b'Bearer {TOKEN}'"),
    "proxy": lambda: httpx.ProxyError("407 from the proxy"),
    "unsupported": lambda: httpx.UnsupportedProtocol("no such scheme"),
    "decoding": lambda: httpx.DecodingError("gzip: invalid header"),
    "os": lambda: ConnectionResetError(104, "Connection reset by peer"),
}

answers = st.lists(
    st.one_of(
        st.tuples(st.just("raise"), st.sampled_from(sorted(EXCEPTIONS))),
        st.tuples(st.just("bytes"), S.statuses, S.headers, S.bodies),
        st.tuples(
            st.just("rows"),
            st.sampled_from(CODE_FORMS),
            st.integers(0, 2**32),
            st.lists(
                st.tuples(st.integers(0, 10_000), st.sampled_from(S.MUTATIONS), S.json_values),
                max_size=3,
            ),
        ),
        st.tuples(
            st.just("token-echo"),
            st.sampled_from([400, 401, 403, 429, 500, 503]),
            st.integers(0, 320),
            st.booleans(),
        ),
        st.tuples(st.just("endless"), st.booleans()),
    ),
    min_size=1,
    max_size=6,
)
request_ids = st.lists(
    st.text(alphabet=_ID_ALPHABET, min_size=1, max_size=10) | st.sampled_from(["", " ", " a "]),
    max_size=40,
)


@dataclass
class _Expectations:
    """What the answers in row form promise (batches answered otherwise promise nothing)."""

    included: set[str] = field(default_factory=set)
    omitted: set[str] = field(default_factory=set)
    problems: int = 0
    other_answers: int = 0
    #: ids of batches answered with a body over the size limit
    over_limit: set[str] = field(default_factory=set)


async def _endless(size: int) -> AsyncIterator[bytes]:
    chunk = b"[" + b" " * 65_535
    sent = 0
    while sent <= size:
        sent += len(chunk)
        yield chunk


def _rows_answer(
    ids: list[str], code: object, seed: int, ops: list[S.MutationOp], expect: _Expectations
) -> httpx.Response | None:
    rng = random.Random(seed)
    rows: list[Any] = []
    included: set[str] = set()
    for task_id in ids:
        roll = rng.random()
        if roll < 0.75:
            doc = S.SHAPES[rng.choice(sorted(S.SHAPES))]()
            doc["task_id"] = task_id
            doc = S.mutate(doc, ops, protect=frozenset({("task_id",)}), fresh=True)
            rows.extend([doc] * (2 if roll > 0.6 else 1))  # duplicates are collapsed
            included.add(task_id)
    problems = 0
    for index in range(rng.randint(0, 3)):
        if rng.random() < 0.5:
            rows.append(JUNK_ROWS[rng.randrange(len(JUNK_ROWS))])
        else:
            rows.append({"task_id": f"foreign-{index}", "status": "SUCCESS"})
        problems += 1
    rng.shuffle(rows)
    data: object = rows if rows else rng.choice([None, []])
    payload: object = data if code == "bare-list" else {"code": code, "message": "", "data": data}
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass")
    if len(body) > MAX_BYTES or (not rows and code == "bare-list" and data is None):
        return None  # over the size limit (or a bare null): a failed batch, no promise
    expect.included |= included
    expect.omitted |= set(ids) - included
    expect.problems += problems
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


def _token_echo(status: int, keep: int, openai: bool) -> httpx.Response:
    # The gateway quotes the token, and _short cuts the message at 300
    # characters: with ``keep`` varying, the cut lands anywhere in the token.
    message = "x" * keep + f"invalid token {TOKEN} for this user"
    payload = (
        {"error": {"message": message, "type": "new_api_error"}}
        if openai
        else {"code": "invalid_request", "message": message, "data": None}
    )
    return httpx.Response(status, json=payload)


def _make_handler(
    plan: list[tuple[Any, ...]], expect: _Expectations
) -> Callable[[httpx.Request], httpx.Response]:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        answer = plan[calls % len(plan)]
        calls += 1
        kind = answer[0]
        if kind == "rows":
            if request.method == "POST":
                ids = json.loads(request.content)["ids"]
            else:
                ids = [request.url.path.rsplit("/", 1)[-1]]
            response = _rows_answer(ids, answer[1], answer[2] + calls, answer[3], expect)
            if response is not None:
                if request.method == "GET":  # fetch_one: the task itself, not a list
                    rows = json.loads(response.content)
                    rows = rows if isinstance(rows, list) else rows["data"] or []
                    first = rows[0] if rows else None
                    one = json.dumps({"code": "success", "data": first}, ensure_ascii=False)
                    return httpx.Response(200, content=one.encode("utf-8", "surrogatepass"))
                return response
            expect.other_answers += 1
            return httpx.Response(200, content=b"[" * 10)
        expect.other_answers += 1
        if kind == "raise":
            raise EXCEPTIONS[answer[1]]()
        if kind == "bytes":
            _, status, headers, body = answer
            return httpx.Response(status, content=body, headers=headers)
        if kind == "token-echo":
            return _token_echo(answer[1], answer[2], answer[3])
        # endless: a body larger than the limit, streamed (or announced) hostilely
        if request.method == "POST":
            expect.over_limit |= set(json.loads(request.content)["ids"])
        if answer[1]:
            return httpx.Response(200, content=_endless(MAX_BYTES))
        return httpx.Response(200, content=b"[]", headers={"content-length": str(10**12)})

    return handler


def _check_secret_free(text: str) -> None:
    assert TOKEN not in text, text
    for size in range(4, len(TOKEN)):  # a cut-short message keeps at most 3 characters
        assert TOKEN[:size] + "…" not in text, text


def _check_error(error: RelayError) -> None:
    assert isinstance(error, RelayError)
    assert len(str(error)) <= MAX_MESSAGE, str(error)
    _check_secret_free(str(error))
    for name in ("message", "detail"):
        value = getattr(error, name, None)
        if isinstance(value, str):
            _check_secret_free(value)


_RUNNER: asyncio.Runner | None = None


def _run(coro: Any) -> Any:
    global _RUNNER
    if _RUNNER is None:
        _RUNNER = asyncio.Runner()
    return _RUNNER.run(coro)


async def _fetch(
    ids: list[str], plan: list[tuple[Any, ...]], batch_size: int, raise_errors: bool, one: bool
) -> None:
    expect = _Expectations()
    client = RelayClient(
        "https://gw.example/",
        TOKEN,
        batch_size=batch_size,
        max_response_bytes=MAX_BYTES,
        transport=httpx.MockTransport(_make_handler(plan, expect)),
    )
    async with client:
        if one:
            task_id = next((i.strip() for i in ids if i.strip()), "x")
            try:
                task = await client.fetch_one(task_id)
            except RelayError as error:
                _check_error(error)
                return
            assert task.task_id == task_id
            return
        try:
            result = await client.fetch(ids, raise_errors=raise_errors)
        except RelayError as error:
            assert raise_errors
            _check_error(error)
            return
    requested = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    assert result.requested == requested
    tasks, missing, failed = set(result.tasks), result.missing, result.failed_ids
    assert len(missing) == len(set(missing))
    assert tasks.isdisjoint(missing) and tasks.isdisjoint(failed) and failed.isdisjoint(missing)
    assert tasks | set(missing) | failed == set(requested)  # every id exactly once
    assert len(result.tasks) + len(missing) + len(failed) == len(requested)
    assert missing == [i for i in requested if i in set(missing)]  # in the order asked
    for task_id, task in result.tasks.items():
        assert task.task_id == task_id
    for failure in result.failures:
        _check_error(failure.error)
        if expect.over_limit & set(failure.ids):  # refused, not read into memory
            assert "-byte limit" in str(failure.error), str(failure.error)
    assert expect.over_limit <= failed
    for problem in result.problems:
        _check_secret_free(problem)
    # the batches answered with rows: matched by id, nothing dropped silently
    assert expect.included <= tasks
    assert expect.omitted <= set(missing)
    assert len(result.problems) >= expect.problems
    if not expect.other_answers:
        assert len(result.problems) == expect.problems
        assert not result.failures


def prop_client_fetch(
    ids: list[str],
    plan: list[tuple[Any, ...]],
    batch_size: int,
    raise_errors: bool,
    one: bool,
) -> None:
    COUNTS["client: RelayClient.fetch via MockTransport"] += 1
    _run(_fetch(ids, plan, batch_size, raise_errors, one))


# -- naming -----------------------------------------------------------------------------------

_FOLDER: Path | None = None
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{d}{n}" for d in ("COM", "LPT") for n in range(10))}


def _folder() -> Path:
    global _FOLDER
    if _FOLDER is None:
        _FOLDER = Path(tempfile.mkdtemp(prefix="suno-fuzz-")).resolve()
    return _FOLDER


def _check_name(name: str, ext: str) -> None:
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES  # encodes: no lone surrogate
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert name not in (".", "..") and not name.startswith(".")
    assert not name.endswith((" ", "."))
    assert UNSAFE_IN_LINE.search(name) is None, repr(name)
    validate_filename(name, platform="universal")
    assert name.split(".")[0].strip().upper() not in _RESERVED
    if ext:
        assert name.endswith("." + ext)
    folder = _folder()
    path = inside(folder, name)
    assert path.parent == folder and path.resolve().parent == folder


def prop_file_name(
    template: str,
    title: str,
    clip_id: str,
    task_id: str,
    tags: list[str],
    model: str,
    ext: str,
    copy: int,
) -> None:
    COUNTS["naming: file_name(mutated real titles, hostile templates)"] += 1
    fields = NameFields(
        title=title,
        clip_id=clip_id,
        task_id=task_id,
        tags=tuple(tags),
        model=model,
        created=NOW,
        index=copy,
        ext=ext,
    )
    try:
        name = file_name(template, fields, copy=copy)
    except TemplateError:
        try:
            check_template(template)
        except TemplateError:
            return
        return  # a template that checks but cannot render these values: refused all the same
    clean_ext = re.sub(r"[^A-Za-z0-9]", "", ext)[:10]
    _check_name(name, clean_ext)
    _check_name(numbered(name, copy + 1), "")


# -- the registry -----------------------------------------------------------------------------


def _random_plan(rng: random.Random) -> list[tuple[Any, ...]]:
    plan: list[tuple[Any, ...]] = []
    for _ in range(rng.randint(1, 6)):
        kind = rng.choice(("raise", "bytes", "rows", "rows", "token-echo", "endless"))
        if kind == "raise":
            plan.append((kind, rng.choice(sorted(EXCEPTIONS))))
        elif kind == "bytes":
            plan.append((kind, S.random_status(rng), S.random_headers(rng), S.random_body(rng)))
        elif kind == "rows":
            ops = S.random_ops(rng, 3) if rng.random() < 0.7 else []
            plan.append((kind, rng.choice(CODE_FORMS), rng.getrandbits(32), ops))
        elif kind == "token-echo":
            status = rng.choice((400, 401, 403, 429, 500, 503))
            plan.append((kind, status, rng.randrange(321), rng.random() < 0.5))
        else:
            plan.append((kind, rng.random() < 0.5))
    return plan


def _random_ids(rng: random.Random) -> list[str]:
    return [
        "".join(rng.choice(_ID_ALPHABET) for _ in range(rng.randint(1, 10)))
        if rng.random() < 0.95
        else rng.choice(("", " ", " a "))
        for _ in range(rng.randrange(41))
    ]


def _random_name_inputs(rng: random.Random) -> dict[str, Any]:
    return {
        "template": S.random_template(rng),
        "title": S.random_title(rng),
        "clip_id": rng.choice((S.shapes.CLIP_ID_1, "", "../x", "\x1b[2J", S.random_text(rng))),
        "task_id": rng.choice((S.shapes.TASK_ID, S.shapes.PREFIXED_TASK_ID, S.random_text(rng))),
        "tags": [S.random_text(rng) for _ in range(rng.randrange(5))],
        "model": rng.choice(("chirp-v4", "", S.random_text(rng))),
        "ext": rng.choice(("mp3", "jpeg", "mp4", "txt", "json", "", "../x", "m\x00p3")),
        "copy": rng.randint(1, 10_000),
    }


@dataclass(frozen=True)
class Property:
    name: str
    check: Callable[..., None]
    #: Hypothesis strategies of the arguments (the CI run: structured, shrinkable)
    strategies: dict[str, st.SearchStrategy[Any]]
    #: the same kinds of arguments from a seeded PRNG (the long run: fast)
    fast: Callable[[random.Random], dict[str, Any]]
    #: goes through the HTTP client (slower per example)
    client: bool = False


PROPERTIES: tuple[Property, ...] = (
    Property(
        "models: parse_task(arbitrary JSON)",
        prop_parse_arbitrary_json,
        {"value": S.json_values | S.task_like},
        lambda rng: {
            "value": S.random_json(rng) if rng.random() < 0.5 else S.random_task_like(rng)
        },
    ),
    Property(
        "models: parse_task(mutated real shapes)",
        prop_parse_mutated_shape,
        {"doc": S.mutated_shapes},
        lambda rng: {"doc": S.random_mutated_shape(rng)},
    ),
    Property(
        "envelope: decode_json + unwrap(arbitrary bodies)",
        prop_decode_and_unwrap,
        {"body": S.bodies, "status": S.statuses},
        lambda rng: {"body": S.random_body(rng), "status": S.random_status(rng)},
    ),
    Property(
        "envelope: error_for_status(any status, body, headers)",
        prop_error_for_status,
        {"status": S.statuses, "body": S.bodies, "headers": S.headers},
        lambda rng: {
            "status": S.random_status(rng),
            "body": S.random_body(rng),
            "headers": S.random_headers(rng),
        },
    ),
    Property(
        "envelope: parse_retry_after(any text)",
        prop_retry_after,
        {"value": S.header_values | st.text(max_size=60)},
        lambda rng: {
            "value": S.random_header_value(rng) if rng.random() < 0.7 else S.random_text(rng)
        },
    ),
    Property(
        "naming: file_name(mutated real titles, hostile templates)",
        prop_file_name,
        {
            "template": S.templates,
            "title": S.titles,
            "clip_id": st.sampled_from([S.shapes.CLIP_ID_1, "", "../x", "\x1b[2J"]) | S.texts,
            "task_id": st.sampled_from([S.shapes.TASK_ID, S.shapes.PREFIXED_TASK_ID]) | S.texts,
            "tags": st.lists(S.texts, max_size=4),
            "model": st.sampled_from(["chirp-v4", ""]) | S.texts,
            "ext": st.sampled_from(["mp3", "jpeg", "mp4", "txt", "json", "", "../x", "m\x00p3"]),
            "copy": st.integers(1, 10_000),
        },
        _random_name_inputs,
    ),
    Property(
        "client: RelayClient.fetch via MockTransport",
        prop_client_fetch,
        {
            "ids": request_ids,
            "plan": answers,
            "batch_size": st.integers(1, 12),
            "raise_errors": st.booleans(),
            "one": st.sampled_from([False, False, False, True]),
        },
        lambda rng: {
            "ids": _random_ids(rng),
            "plan": _random_plan(rng),
            "batch_size": rng.randint(1, 12),
            "raise_errors": rng.random() < 0.5,
            "one": rng.random() < 0.25,
        },
        client=True,
    ),
)

BASE_SETTINGS = settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def runnable(
    prop: Property, max_examples: int, *, fast: bool = False, **overrides: Any
) -> Callable[[], None]:
    """The property as a Hypothesis test function of no arguments: drawing
    structured arguments, or (``fast``) one seed for the PRNG generators."""
    if fast:

        def seeded(seed: int) -> None:
            prop.check(**prop.fast(random.Random(seed)))

        seeded.__name__ = seeded.__qualname__ = f"{prop.check.__name__}_seeded"
        test = given(seed=st.integers(0, 2**64 - 1))(seeded)
    else:
        test = given(**prop.strategies)(prop.check)
    return settings(BASE_SETTINGS, max_examples=max_examples, **overrides)(test)
