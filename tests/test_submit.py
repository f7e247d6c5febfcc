"""``suno-tui submit`` against the simulator: both modes, gateway errors, and
a request whose answer is lost (never retried)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from suno_tui.cli import main
from suno_tui.relay.submit_requests import LyricsRequest, MusicRequest, SubmitError
from suno_tui.simulator import Simulator
from suno_tui.tracking.store import Store


def submit(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["submit", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def watched(tmp_path: Path) -> list[str]:
    with Store.open(tmp_path / "state.db") as store:
        return [summary.task_id for summary in store.load_summaries()]


def test_music_job_is_created_with_its_parameters_and_watched(
    served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = submit(
        capsys,
        "--prompt",
        "[Verse]\nla la",
        "--title",
        "Night Bus",
        "--tags",
        "synthwave",
        "--model",
        "chirp-v4",
        "--json",
    )
    assert code == 0, err
    created = json.loads(out)
    assert created["kind"] == "music"
    task_id = created["task_id"]
    assert watched(tmp_path) == [task_id]
    served.clock.advance(10_000)  # type: ignore[attr-defined]
    clip = served.render(task_id)["data"][0]
    assert (clip["title"], clip["metadata"]["tags"]) == ("Night Bus", "synthwave")
    assert clip["metadata"]["prompt"] == "[Verse]\nla la"


def test_lyrics_job_prints_the_task_id(
    served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = submit(capsys, "--lyrics-only", "--prompt", "a song about trains")
    assert code == 0
    task_id = out.strip()
    assert served.render(task_id)["task_id"] == task_id
    assert watched(tmp_path) == [task_id]


def test_gateway_refusal_shows_code_and_message(
    served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    served.quota_exhausted = True
    code, out, err = submit(capsys, "--description", "a happy song")
    assert code == 4
    assert "quota_not_enough" in err
    assert out == ""
    assert watched(tmp_path) == []


def test_rate_limit_is_reported_not_retried(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    served.faults.add("rate_limit", retry_after=30)
    code, _, err = submit(capsys, "--description", "x")
    assert code == 4
    assert "retry after 30 s" in err
    assert served.stats.requests.get("submit_music") == 1


def test_a_lost_answer_is_reported_as_unknown_and_not_retried(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    served.faults.add("reset", path="/suno/submit")
    code, _, err = submit(capsys, "--description", "x")
    assert code == 4
    assert "outcome unknown" in err and "not retried" in err
    assert served.stats.requests.get("submit_music") == 1


def test_a_timeout_after_sending_is_reported_as_unknown(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    served.faults.add("slow", path="/suno/submit", real_delay=2.0)
    code, _, err = submit(capsys, "--request-timeout", "0.2", "--description", "x")
    assert code == 4
    assert "outcome unknown" in err


def test_refused_token(
    served: Simulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUNO_TUI_TOKEN", "sk-nope-SECRET")
    code, out, err = submit(capsys, "--description", "x")
    assert code == 3
    assert "sk-nope-SECRET" not in out + err


def test_submit_then_watch(served: Simulator, capsys: pytest.CaptureFixture[str]) -> None:
    # The new task is young; a tiny timeout proves the hand-over to watch.
    code, out, err = submit(capsys, "--description", "x", "--watch", "--timeout", "0.01")
    assert code == 4
    assert "timed out" in err
    task_id = out.splitlines()[0]
    assert served.render(task_id)["task_id"] == task_id
    assert "1 task: 1 " in err  # the watch's summary of that one task


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "needs lyrics"),
        (["--prompt", "la", "--description", "d"], "not both"),
        (["--description", "d", "--continue-clip", "abc"], "go together"),
        (["--lyrics-only"], "needs a --prompt"),
        (["--lyrics-only", "--prompt", "p", "--title", "t"], "only --prompt"),
    ],
)
def test_bad_requests_are_refused_before_sending(
    served: Simulator, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = submit(capsys, *argv)
    assert code == 2
    assert message in err
    assert served.stats.requests.get("submit_music", 0) == 0


def test_music_payload_has_only_given_fields() -> None:
    request = MusicRequest(lyrics="la", instrumental=True, continue_clip_id="c", continue_at=12.5)
    assert request.payload() == {
        "prompt": "la",
        "make_instrumental": True,
        "continue_clip_id": "c",
        "continue_at": 12.5,
    }
    with pytest.raises(SubmitError):
        LyricsRequest("  ").validate()
