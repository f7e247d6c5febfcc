"""Lineage end to end, in process, against the simulator: ``extends`` in
``fetch --json``, ``watch --json`` and ``tasks --json`` for a task extended
or joined from here (the state file remembers what the submit knew) and for
one made elsewhere (its clips' ``metadata.history`` tells it), and null for
a task made from nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from suno_tui.cli import main
from suno_tui.simulator import Simulator
from tests.fixtures.simulators import advance


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def finished_task(sim: Simulator, capsys: pytest.CaptureFixture[str], **params: Any) -> str:
    task_id = sim.add_task("success", elapsed=10_000, **params)
    code, _, err = run(capsys, "watch", "--timeout", "10", task_id)
    assert code == 0, err
    return task_id


def fetched(capsys: pytest.CaptureFixture[str], *ids: str) -> list[dict[str, Any]]:
    code, out, err = run(capsys, "fetch", "--json", *ids)
    assert code == 0, err
    documents: list[dict[str, Any]] = json.loads(out)
    return documents


def lineage_rows(state: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(state) as conn:
        return conn.execute(
            "SELECT task_id, kind, clip_id, parent_task_id, at, source FROM lineage"
        ).fetchall()


@pytest.mark.parametrize("family", ["stock", "hosted"])
def test_an_extension_from_here_says_what_it_extends(
    served: Simulator,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    family: str,
) -> None:
    served.family = family  # type: ignore[assignment]
    parent = finished_task(served, capsys, title="Night Bus")
    clip = served.task(parent).clips[1]
    code, out, err = run(capsys, "extend", clip.id, "--at", "1:30")
    assert code == 0, err
    child = out.strip()
    # remembered in the state file as the submit knew it, before any poll
    assert lineage_rows(tmp_path / "state.db") == [
        (child, "extend", clip.id, parent, 90.0, "submit")
    ]
    advance(served, 10_000)
    # the child alone: its parent task is the state file's word
    (document,) = fetched(capsys, child)
    assert document["extends"] == {
        "task_id": parent,
        "clip_id": clip.id,
        "at": 90.0,
        "kind": "extend",
    }
    # the parent made from nothing: null, on every family
    (alone,) = fetched(capsys, parent)
    assert alone["extends"] is None
    # without the state file, the clips still tell the clip and the point
    monkeypatch.setenv("SUNO_TUI_STATE", str(tmp_path / "elsewhere.db"))
    (document,) = fetched(capsys, child)
    assert document["extends"] == {
        "task_id": None,
        "clip_id": clip.id,
        "at": 90.0,
        "kind": "extend",
    }
    assert not (tmp_path / "elsewhere.db").exists()  # fetch made no state file
    # ... and the parent task, when it came in the same answer
    documents = fetched(capsys, child, parent)
    assert documents[0]["extends"]["task_id"] == parent


def test_a_concat_from_here_says_what_it_joins(
    served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    served.family = "hosted"
    first = served.task(finished_task(served, capsys)).clips[0]
    code, out, err = run(capsys, "extend", first.id, "--at", "40")
    assert code == 0, err
    extension = out.strip()
    advance(served, 10_000)
    code, _, err = run(capsys, "watch", "--timeout", "10", extension)
    assert code == 0, err
    last = served.task(extension).clips[0].id
    code, out, err = run(capsys, "concat", last)
    assert code == 0, err
    whole = out.strip()
    advance(served, 600)
    (document,) = fetched(capsys, whole)
    assert document["extends"] == {
        "task_id": extension,
        "clip_id": last,
        "at": None,
        "kind": "concat",
    }
    # watch --json: the finished event's task carries it too
    code, out, err = run(capsys, "watch", "--json", "--timeout", "10", whole)
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    (finished,) = [event for event in events if event["event"] == "finished"]
    assert finished["task"]["extends"] == document["extends"]


def test_a_task_made_elsewhere_is_learned_from_its_history(
    served: Simulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    parent = finished_task(served, capsys, title="Harbour Lights")
    clip = served.task(parent).clips[0]
    child = served.add_task("success", elapsed=10_000, continue_clip_id=clip.id, continue_at=61.5)
    code, out, err = run(capsys, "watch", "--json", "--timeout", "10", child)
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    (finished,) = [event for event in events if event["event"] == "finished"]
    # the parent clip from the history; its task found on the watch list
    assert finished["task"]["extends"] == {
        "task_id": parent,
        "clip_id": clip.id,
        "at": 61.5,
        "kind": "extend",
    }
    # learned into the state file as the snapshot was saved, the task filled in once found
    assert lineage_rows(tmp_path / "state.db") == [
        (child, "extend", clip.id, parent, 61.5, "history")
    ]
    # now fetch alone knows the parent task too (a restart later)
    (document,) = fetched(capsys, child)
    assert document["extends"]["task_id"] == parent


def test_tasks_json_carries_extends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    from suno_tui.simulator import ManualClock, SimulatorThread, seed_demo

    sim = Simulator(seed=3, clock=ManualClock(time.time()), family="hosted")
    for var in ("SUNO_TUI_PROFILE", "SUNO_TUI_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    with SimulatorThread(sim) as base_url:
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        monkeypatch.setenv("SUNO_TUI_BASE_URL", base_url)
        monkeypatch.setenv("SUNO_TUI_TOKEN", sim.token)
        monkeypatch.setenv("SUNO_TUI_ACCESS_TOKEN", sim.access_token)
        monkeypatch.setenv("SUNO_TUI_USER_ID", str(sim.user_id))
        monkeypatch.setenv("SUNO_TUI_STATE", str(tmp_path / "state.db"))
        seed_demo(sim, lineage=True)  # a song, two extensions, the full song
        code, out, err = run(capsys, "tasks", "--json")
    assert code == 0, err
    assert not sim.errors
    documents = {d["task_id"]: d for d in map(json.loads, out.splitlines())}
    clip_task = {clip["id"]: d["task_id"] for d in documents.values() for clip in d["clips"]}
    made = {task_id: d["extends"] for task_id, d in documents.items() if d["extends"]}
    assert sorted(e["kind"] for e in made.values()) == ["concat", "extend", "extend"]
    for extends in made.values():
        # every parent is in the listing: its task is named
        assert extends["task_id"] == clip_task[extends["clip_id"]]
        assert (extends["at"] is None) == (extends["kind"] == "concat")
    plain = [d for d in documents.values() if d["kind"] == "music" and not d["extends"]]
    assert plain and all(d["extends"] is None for d in plain)
