"""What the fuzzing found, pinned down: answers a hostile (or broken) gateway
can send that used to crash or mislead the client, the store or the outputs.

- a lone surrogate (``"\\ud800"``) in any string: it cannot be encoded to
  UTF-8, so printing it (fetch, watch) or storing it (SQLite) raised
  UnicodeEncodeError; decode_json now turns it into U+FFFD;
- JSON outputs printed C1 controls, DEL and bidi overrides raw
  (``json.dumps(ensure_ascii=False)`` escapes only C0): ``to_json_text``;
- an error ``code`` of any length went into the message whole;
- ``fetch_one`` returned whatever task the gateway sent, even another one;
- a snapshot nested as deep as the client lets in could not be read back
  from a deeper call stack (RecursionError out of ``Tracker.task``), nor
  stored once encoding moved onto the event loop (``jsoncodec``);
- a long title took ``file_name`` seconds to minutes (quadratic shortening).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from suno_tui.relay.client import FetchResult, RelayClient
from suno_tui.relay.envelope import decode_json, error_for_status, unwrap
from suno_tui.relay.errors import GatewayError, MalformedResponse
from suno_tui.relay.export import to_json_text
from suno_tui.relay.models import parse_task
from suno_tui.safe_text import clean_line
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker
from tests.fixtures import shapes


@pytest.mark.parametrize(
    "body",
    [
        b'{"code":"success","data":[{"task_id":"a","fail_reason":"x\\ud800y"}]}',
        b'{"code":"success","data":[{"task_id":"a","fail_reason":"x\\uDFFFy"}]}',
        b'{"code":"success","data":[{"task_id":"a","fail_reason":"x\xed\xa0\x80y"}]}',
        json.dumps(
            {"code": "success", "data": [{"task_id": "a", "fail_reason": "x\ud800y"}]}
        ).encode("utf-16"),
    ],
    ids=["escape", "escape-upper", "raw-cesu-bytes", "utf-16-body"],
)
def test_lone_surrogates_become_replacement_characters(body: bytes) -> None:
    rows = unwrap(decode_json(body, 200), 200)
    task = parse_task(rows[0])
    assert task.fail_reason == "x\ufffdy"
    task.fail_reason.encode("utf-8")  # printable and storable


def test_surrogate_pairs_and_keys() -> None:
    body = b'{"\\ud800k":["\\ud83c\\udfb5", {"\\udc00":"\\ud800"}]}'
    assert decode_json(body, 200) == {"\ufffdk": ["🎵", {"\ufffd": "\ufffd"}]}


def test_clean_line_drops_lone_surrogates() -> None:
    assert clean_line("a\ud800b\udfffc") == "abc"


def test_json_text_escapes_what_a_terminal_would_obey() -> None:
    hostile = "a\x1b]52;c;UFdORUQ=\x07\x9b31m\x9d0;x\x9c\x7f\u202eb\u2028\ufeff\U000e0041\ud800月🎵"
    text = to_json_text({"title": hostile}, indent=2)
    assert json.loads(text) == {"title": hostile}  # the same JSON
    assert "月🎵" in text  # non-ASCII text stays readable
    for char in "\x1b\x07\x9b\x9d\x9c\x7f\u202e\u2028\ufeff\U000e0041\ud800":
        assert char not in text
    assert "\\u001b]52;c;UFdORUQ=\\u0007" in text
    assert "\\u009b31m" in text and "\\u202e" in text and "\\udb40\\udc41" in text


def test_a_huge_error_code_is_cut() -> None:
    code = "E" * 100_000
    for body in (
        json.dumps({"code": code, "message": "no", "data": None}).encode(),
        json.dumps({"error": {"message": "no", "code": code}}).encode(),
    ):
        error = error_for_status(500, body, {})
        assert isinstance(error, GatewayError)
        assert len(str(error)) < 200
        with pytest.raises(GatewayError) as raised:
            unwrap(json.loads(body), 200)
        assert len(str(raised.value)) < 200


async def test_fetch_one_refuses_another_tasks_answer() -> None:
    other = shapes.success_task("someone-elses-task")

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=shapes.envelope(other))

    async with RelayClient(
        "https://gw.example", "sk-x", transport=httpx.MockTransport(answer)
    ) as client:
        with pytest.raises(MalformedResponse, match="asked for task 'mine'"):
            await client.fetch_one("mine")


def _nest(frames: int, action: object) -> object:
    return action() if frames == 0 else _nest(frames - 1, action)


def _deepest_accepted() -> bytes:
    """The deepest answer decode_json accepts from this stack depth."""
    for depth in range(995, 0, -5):
        body = (
            '{"code":"success","data":[{"task_id":"abc","status":"SUCCESS","junk":'
            + "[" * depth
            + "]" * depth
            + "}]}"
        ).encode()
        try:
            decode_json(body, 200)
        except MalformedResponse:
            continue
        return body
    raise AssertionError("nothing decodes")


def test_a_deeply_nested_snapshot_reads_back_from_a_deeper_stack(tmp_path: Path) -> None:
    body = _deepest_accepted()
    task = parse_task(unwrap(decode_json(body, 200), 200)[0])
    with Store.open(tmp_path / "state.db") as store:
        tracker = Tracker(store, clock=lambda: datetime.now(UTC), task_cache=0)
        tracker.add(["abc"])
        asyncio.run(tracker.apply_async(FetchResult(["abc"], tasks={"abc": task})))
        assert store.load_raw("abc") is not None
        # a front end asks from deep inside its own call stack: no crash
        assert _nest(60, lambda: tracker.task("abc")) is None
        assert tracker.get("abc") is not None and tracker.get("abc").status_label == "SUCCESS"


def test_a_huge_title_is_named_in_a_few_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """file_name shortened a long title 4 bytes at a time, sanitising the whole
    title at each step: a 30,000-character title took 15 s, a 1 MB one hours.
    Now it caps the title and searches: a handful of steps whatever its size."""
    from suno_tui.downloads import naming

    calls = 0
    real = naming.sanitize

    def counting(*args: object, **kwargs: object) -> str:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(naming, "sanitize", counting)
    for title in ("月" * 100_000, "a" * 1_000_000, "?" * 5000 + "Neon Rain"):
        calls = 0
        name = naming.file_name(
            naming.DEFAULT_TEMPLATE, naming.NameFields(title=title, clip_id="abcdef0123", ext="mp3")
        )
        assert len(name.encode()) <= naming.MAX_NAME_BYTES
        assert name.endswith(" [abcdef01].mp3")
        assert calls <= 20, calls
    # a long title is cut to fill the name, not shorter than it needs
    name = naming.file_name("{title}.{ext}", naming.NameFields(title="a" * 1000, ext="mp3"))
    assert len(name.encode()) == naming.MAX_NAME_BYTES
