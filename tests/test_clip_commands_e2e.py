"""``suno-tui extend``, ``concat`` and ``submit --again`` end to end, in process,
against the simulator in both gateway families: the new task printed and
watched, what the gateway refuses said in words, what cannot be right refused
before anything is sent, and a stock gateway's "no concat" remembered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from suno_tui.cli import exit_codes, main
from suno_tui.simulator import FOREIGN_USER, Simulator
from suno_tui.tracking.offers import GatewayOffers
from suno_tui.tracking.store import Store
from tests.fixtures.simulators import advance


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def watched(tmp_path: Path) -> list[str]:
    with Store.open(tmp_path / "state.db") as store:
        return [summary.task_id for summary in store.load_summaries()]


def sent(sim: Simulator) -> int:
    """Submit requests the simulator has seen, on every route."""
    return sum(n for path, n in sim.stats.paths.items() if path.startswith("/suno/submit"))


def finished_task(sim: Simulator, capsys: pytest.CaptureFixture[str], **params: object) -> str:
    """A finished task of the simulator, on the watch list with its snapshot."""
    task_id = sim.add_task("success", elapsed=10_000, **params)  # type: ignore[arg-type]
    code, _, err = run(capsys, "watch", "--timeout", "10", task_id)
    assert code == 0, err
    return task_id


@pytest.mark.parametrize("family", ["stock", "hosted"])
def test_extend_a_watched_clip_from_a_point(
    served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path, family: str
) -> None:
    served.family = family  # type: ignore[assignment]
    parent = finished_task(served, capsys, title="Night Bus", tags="synthwave", mv="chirp-v4")
    clip = served.task(parent).clips[0]
    code, out, err = run(
        capsys, "extend", clip.id, "--at", "0:45", "--prompt", "[Bridge]\nhold on", "--json"
    )
    assert code == 0, err
    made = json.loads(out)
    assert made["kind"] == "extend" and made["clip_id"] == clip.id
    assert made["from_task"] == parent and made["at"] == 45.0
    assert made["task_id"] in watched(tmp_path)  # watched at once
    body = served.relayed[-1]
    assert (body["task_id"], body["continue_clip_id"], body["continue_at"]) == (parent, clip.id, 45)
    # the parent's title, tags and model, unless given
    assert (body["title"], body["tags"], body["mv"]) == ("Night Bus", "synthwave", "chirp-v4")
    advance(served, 10_000)
    new_clip = served.render(made["task_id"])["data"][0]
    assert new_clip["metadata"]["history"][0]["id"] == clip.id
    assert new_clip["metadata"]["prompt"] == "[Bridge]\nhold on"


def test_extend_from_the_end_by_default_prints_the_id(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    parent = finished_task(served, capsys)
    clip = served.task(parent).clips[1]
    code, out, err = run(capsys, "extend", clip.id)
    assert code == 0, err
    assert out.strip() == served.tasks.all()[-1].task_id
    assert served.relayed[-1]["continue_at"] == pytest.approx(clip.duration, abs=0.01)


@pytest.mark.parametrize(
    ("at", "words"),
    [("0", "after the start of the clip"), ("99:00", "past the end of the clip")],
)
def test_a_point_outside_the_clip_is_refused_before_sending(
    served: Simulator, capsys: pytest.CaptureFixture[str], at: str, words: str
) -> None:
    clip = served.task(finished_task(served, capsys)).clips[0]
    before = sent(served)
    code, out, err = run(capsys, "extend", clip.id, "--at", at)
    assert code == exit_codes.USAGE
    assert words in err and out == ""
    assert sent(served) == before


def test_a_clip_not_watched_needs_its_task(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    task_id = served.add_task("success", elapsed=10_000)
    clip = served.task(task_id).clips[0]
    code, _, err = run(capsys, "extend", clip.id, "--at", "30")
    assert code == exit_codes.USAGE
    assert "--task" in err and sent(served) == 0
    # given, it goes out (the clip's length unknown here: the gateway bounds it)
    code, _, err = run(capsys, "extend", clip.id, "--at", "30", "--task", task_id)
    assert code == 0, err
    assert served.relayed[-1]["task_id"] == task_id


def test_a_task_the_gateway_does_not_know_is_explained(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    foreign = served.task(served.add_task("success", user=FOREIGN_USER, elapsed=10_000))
    clip = foreign.clips[0]
    code, out, err = run(capsys, "extend", clip.id, "--at", "30", "--task", foreign.task_id)
    assert code == exit_codes.UNREACHABLE and out == ""
    assert "does not know the task that made this clip" in err
    assert len(served.tasks.all()) == 1


# -- concat ---------------------------------------------------------------------------


def extension_chain(served: Simulator, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """(first clip, last clip) of a two-part chain, both tasks watched and finished."""
    first = served.task(finished_task(served, capsys)).clips[0]
    code, out, err = run(capsys, "extend", first.id, "--at", "40")
    assert code == 0, err
    advance(served, 10_000)
    extension = out.strip()
    code, _, err = run(capsys, "watch", "--timeout", "10", extension)
    assert code == 0, err
    return first.id, served.task(extension).clips[0].id


def test_hosted_concat_of_the_last_clip(
    served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    served.family = "hosted"
    first, last = extension_chain(served, capsys)
    code, out, err = run(capsys, "concat", last, "--json")
    assert code == 0, err
    made = json.loads(out)
    assert made["kind"] == "concat" and made["clip_id"] == last
    assert made["task_id"] in watched(tmp_path)
    advance(served, 600)
    (whole,) = served.render(made["task_id"])["data"]
    assert [part["id"] for part in whole["metadata"]["concat_history"]] == [first, last]


def test_concat_of_a_clip_that_extends_nothing_is_refused_before_sending(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    served.family = "hosted"
    clip = served.task(finished_task(served, capsys)).clips[0]
    code, _, err = run(capsys, "concat", clip.id)
    assert code == exit_codes.USAGE
    assert "does not extend another clip" in err and sent(served) == 0


def test_stock_concat_is_not_offered_remembered_and_not_asked_again(
    served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, last = extension_chain(served, capsys)
    before = sent(served)
    code, out, err = run(capsys, "concat", last)
    assert code == exit_codes.NOT_SUPPORTED and out == ""
    assert "this gateway does not offer the full song (concat)" in err
    assert "remembered" in err
    asked = sent(served)
    assert asked > before
    with Store.open(tmp_path / "state.db") as store:
        assert set(GatewayOffers(store.connection).not_offered(served.base_url)) == {"concat"}
    code, _, err = run(capsys, "concat", last)
    assert code == exit_codes.NOT_SUPPORTED
    assert "this gateway does not offer the full song (concat)" in err
    assert "nothing was sent" in err
    assert sent(served) == asked  # refused here, without a request


# -- run again ------------------------------------------------------------------------


@pytest.mark.parametrize("family", ["stock", "hosted"])
def test_run_a_task_again(
    served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path, family: str
) -> None:
    served.family = family  # type: ignore[assignment]
    lyrics = "[Verse]\nthe last train home"
    task_id = finished_task(
        served, capsys, title="Last Train", tags="folk, slow", prompt=lyrics, mv="chirp-v4"
    )
    code, out, err = run(capsys, "submit", "--again", task_id, "--json")
    assert code == 0, err
    made = json.loads(out)
    assert made["kind"] == "again" and made["from_task"] == task_id
    assert made["task_id"] in watched(tmp_path)
    body = served.relayed[-1]
    assert body["prompt"] == lyrics and body["title"] == "Last Train"
    assert body["tags"] == "folk, slow" and body["mv"] == "chirp-v4"
    assert "gpt_description_prompt" not in body


def test_run_again_a_described_task_with_a_new_title(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    task_id = finished_task(served, capsys, gpt_description_prompt="a song about snow")
    code, _, err = run(capsys, "submit", "--again", task_id, "--title", "Snow II")
    assert code == 0, err
    body = served.relayed[-1]
    assert body["gpt_description_prompt"] == "a song about snow"
    assert body["title"] == "Snow II" and "prompt" not in body


def test_a_lyrics_task_cannot_be_run_again(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "submit", "--lyrics-only", "--prompt", "trains")
    task_id = out.strip()
    advance(served, 10_000)
    code, _, err = run(capsys, "watch", "--timeout", "10", task_id)
    assert code == 0, err
    before = sent(served)
    code, _, err = run(capsys, "submit", "--again", task_id)
    assert code == exit_codes.USAGE
    assert "lyrics task" in err and sent(served) == before


def test_an_unwatched_task_cannot_be_run_again(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    task_id = served.add_task("success", elapsed=10_000)
    code, _, err = run(capsys, "submit", "--again", task_id)
    assert code == exit_codes.USAGE
    assert "not on the watch list" in err and sent(served) == 0


def test_run_again_of_an_extension_says_how_to_extend(
    served: Simulator, capsys: pytest.CaptureFixture[str]
) -> None:
    first, _ = extension_chain(served, capsys)
    extension = served.tasks.all()[-1].task_id
    before = sent(served)
    code, _, err = run(capsys, "submit", "--again", extension)
    assert code == exit_codes.USAGE
    assert f"suno-tui extend {first} --at 40" in err and sent(served) == before
