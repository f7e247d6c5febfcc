"""``suno-tui fetch``: output formats, exit codes, and the token kept secret.

HTTP is mocked with respx; the end-to-end run against the simulator is in
test_e2e_fetch.py.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import httpx
import pytest
import respx

from suno_tui.cli import main
from tests.fixtures import shapes

BASE = "https://gw.example"
TOKEN = "sk-SECRET-fetch-4242"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> Iterator[None]:
    for name in ("SUNO_TUI_BASE_URL", "SUNO_TUI_PROFILE", "SUNO_TUI_CONFIG", "SUNO_TUI_STATE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("SUNO_TUI_TOKEN", TOKEN)
    monkeypatch.setenv("SUNO_TUI_BASE_URL", BASE)
    yield


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["fetch", *argv])
    out, err = capsys.readouterr()
    assert TOKEN not in out and TOKEN not in err
    return code, out, err


@respx.mock
def test_json_has_one_object_per_requested_id_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    done = shapes.success_task(shapes.TASK_ID)
    lyrics = shapes.lyrics_task(shapes.LYRICS_TASK_ID, action="")
    # The gateway answers in its own order and leaves out the unknown id.
    respx.post(f"{BASE}/suno/fetch").respond(json=shapes.envelope([lyrics, done]))

    code, out, _ = run(capsys, "--json", shapes.TASK_ID, "unknown-1", shapes.LYRICS_TASK_ID)

    assert code == 0
    documents = json.loads(out)
    assert [d["task_id"] for d in documents] == [shapes.TASK_ID, "unknown-1", shapes.LYRICS_TASK_ID]
    assert [d["status"] for d in documents] == ["SUCCESS", "NOT_FOUND", "SUCCESS"]
    assert [d["kind"] for d in documents] == ["music", "unknown", "lyrics"]
    first = documents[0]
    assert first["submitted_at"] == "2026-01-01T00:00:00Z"
    assert len(first["clips"]) == 2
    assert set(first["clips"][0]) >= {
        "id",
        "title",
        "status",
        "duration",
        "tags",
        "model",
        "audio_url",
        "video_url",
        "image_url",
        "lyrics",
    }
    assert first["clips"][0]["status"] == "complete"
    assert documents[2]["lyrics"]["text"].startswith("[Verse")


@respx.mock
def test_ids_are_deduplicated_and_sent_once(capsys: pytest.CaptureFixture[str]) -> None:
    route = respx.post(f"{BASE}/suno/fetch").respond(json=shapes.envelope(None))
    code, out, _ = run(capsys, "--json", " a1 ,a1", "b2,a1")
    assert code == 0
    sent = json.loads(route.calls.last.request.content)
    assert sent == {"ids": ["a1", "b2"]}
    assert [d["status"] for d in json.loads(out)] == ["NOT_FOUND", "NOT_FOUND"]


@respx.mock
def test_ids_file_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    respx.post(f"{BASE}/suno/fetch").respond(json=shapes.envelope([]))
    monkeypatch.setattr("sys.stdin", io.StringIO("x1\nx2, x3\n"))
    code, out, _ = run(capsys, "--json", "--ids-file", "-")
    assert code == 0
    assert [d["task_id"] for d in json.loads(out)] == ["x1", "x2", "x3"]


@respx.mock
def test_table_is_readable_and_free_of_control_sequences(
    capsys: pytest.CaptureFixture[str],
) -> None:
    task = shapes.partial_failure_task()
    task["data"][1]["title"] = "Evil\x1b]52;c;aGk=\x07 [bold]title[/bold]"
    task["fail_reason"] = "boom\x1b[2J"
    respx.post(f"{BASE}/suno/fetch").respond(json=shapes.envelope([task]))

    code, out, _ = run(capsys, shapes.TASK_ID)

    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "FAILURE" in out
    assert "boom" in out
    assert "1 found, 0 not found" in out


def test_no_ids_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2
    assert "no task ids" in err


def test_bad_id_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "ok-id", "bad/id")
    assert code == 2
    assert "bad/id" in err


def test_bad_config_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    from pathlib import Path

    config = Path(str(tmp_path)) / "bad.toml"
    config.write_text("batch_size = 'fifty'\n")
    code, _, err = run(capsys, "--config", str(config), "abc")
    assert code == 2
    assert "batch_size" in err


@respx.mock
def test_auth_refused_exits_3_with_the_gateway_message(capsys: pytest.CaptureFixture[str]) -> None:
    respx.post(f"{BASE}/suno/fetch").respond(
        401, json={"error": {"message": f"无效的令牌 {TOKEN}", "type": "new_api_error"}}
    )
    code, _, err = run(capsys, "abc")
    assert code == 3
    assert "无效的令牌" in err
    assert "SUNO_TUI_TOKEN" in err


@respx.mock
@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (httpx.Response(500, json=shapes.task_error("get_tasks_failed", "db down")), "db down"),
        (httpx.Response(502, content=shapes.html_error_page()), "HTML page"),
        (
            httpx.Response(200, content=shapes.truncated(shapes.envelope([shapes.success_task()]))),
            "truncated",
        ),
        (httpx.Response(429, headers={"Retry-After": "7"}, json={}), "retry after 7 s"),
    ],
)
def test_gateway_failures_exit_4(
    capsys: pytest.CaptureFixture[str], response: httpx.Response, expected: str
) -> None:
    respx.post(f"{BASE}/suno/fetch").mock(return_value=response)
    code, _, err = run(capsys, "abc")
    assert code == 4
    assert expected in err
    assert "Traceback" not in err


@respx.mock
def test_network_error_exits_4(capsys: pytest.CaptureFixture[str]) -> None:
    respx.post(f"{BASE}/suno/fetch").mock(side_effect=httpx.ConnectError("refused"))
    code, _, err = run(capsys, "abc")
    assert code == 4
    assert "cannot reach" in err
