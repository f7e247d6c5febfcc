"""Task lifecycles of the simulator: every stage of every scenario, driven by a
ManualClock, and the payload shapes at each stage."""

from __future__ import annotations

import re
from typing import Any

import pytest

from suno_tui.simulator import (
    FOREIGN_USER,
    Delays,
    ManualClock,
    Scenario,
    Simulator,
    Status,
    Variant,
    seed_demo,
)

STAGES = {"not_start": 5, "submitted": 10, "queued": 20, "in_progress": 60}
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
NAIVE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def advance(sim: Simulator, seconds: float) -> None:
    clock = sim.clock
    assert isinstance(clock, ManualClock)
    clock.advance(seconds)


def clips(task: dict[str, Any]) -> list[dict[str, Any]]:
    data = task["data"]
    assert isinstance(data, list)
    return data


async def test_music_success_walks_through_every_stage(simulator: Simulator) -> None:
    base = simulator.base_url
    created = simulator.clock.now()
    tid = simulator.add_task("success", title="Neon Harbor", tags="dream pop", delays=STAGES)

    task = simulator.render(tid)
    assert task["task_id"] == tid
    assert task["action"] == "MUSIC"
    assert task["status"] == "NOT_START"
    assert task["data"] is None
    assert task["progress"] == "0%"
    assert task["fail_reason"] == ""
    assert (task["submit_time"], task["start_time"], task["finish_time"]) == (int(created), 0, 0)

    advance(simulator, 5)
    task = simulator.render(tid)
    assert task["status"] == "SUBMITTED"
    assert [c["status"] for c in clips(task)] == ["submitted", "submitted"]
    assert all(c["audio_url"] == "" and c["metadata"]["duration"] is None for c in clips(task))

    advance(simulator, 10)
    task = simulator.render(tid)
    assert task["status"] == "QUEUED"
    assert [c["status"] for c in clips(task)] == ["queued", "queued"]

    advance(simulator, 20)
    task = simulator.render(tid)
    assert task["status"] == "IN_PROGRESS"
    assert task["progress"] == "0%"  # new-api does not report progress in between
    assert task["start_time"] == int(created + 35)
    assert task["finish_time"] == 0
    for clip in clips(task):
        assert clip["status"] == "streaming"
        assert clip["audio_url"] == f"{base}/audiopipe/?item_id={clip['id']}"
        assert clip["video_url"] == ""
        assert clip["metadata"]["duration"] is None
        assert clip["image_url"].startswith(f"{base}/assets/image_{clip['id']}.jpeg?")

    advance(simulator, 59)
    assert simulator.render(tid)["status"] == "IN_PROGRESS"
    advance(simulator, 1)
    task = simulator.render(tid)
    assert task["status"] == "SUCCESS"
    assert task["progress"] == "100%"
    assert task["finish_time"] == int(created + 95)
    assert len(clips(task)) == 2
    assert len({c["id"] for c in clips(task)}) == 2
    for clip in clips(task):
        assert clip["status"] == "complete"
        assert clip["audio_url"].startswith(f"{base}/assets/{clip['id']}.mp3?")
        assert clip["image_url"].startswith(f"{base}/assets/image_{clip['id']}.jpeg?")
        assert clip["image_large_url"].startswith(f"{base}/assets/image_large_{clip['id']}.jpeg?")
        assert isinstance(clip["metadata"]["duration"], float)
        assert clip["model_name"] == "chirp-v4"
        assert clip["major_model_version"] == "v4"
        assert clip["title"] == "Neon Harbor"
        assert clip["metadata"]["tags"] == "dream pop"
        assert clip["metadata"]["type"] == "gen"
        assert "[Chorus]" in clip["metadata"]["prompt"] or "[Hook]" in clip["metadata"]["prompt"]
        assert ISO_UTC.match(clip["created_at"])


async def test_failure_has_a_chinese_fail_reason_and_error_clips(simulator: Simulator) -> None:
    tid = simulator.add_task("failure", delays=STAGES, fail_reason="生成失败：内容违规")
    advance(simulator, 34)
    assert simulator.render(tid)["status"] == "QUEUED"
    advance(simulator, 1)  # rejected when generation would start
    task = simulator.render(tid)
    assert task["status"] == "FAILURE"
    assert task["fail_reason"] == "生成失败：内容违规"
    assert task["finish_time"] > 0
    assert task["progress"] == "100%"
    for clip in clips(task):
        assert clip["status"] == "error"
        assert clip["audio_url"] == f"{simulator.base_url}/assets/None.mp3"
        assert clip["metadata"]["error_message"]


async def test_partial_failure_keeps_the_playable_clip(simulator: Simulator) -> None:
    tid = simulator.add_task("partial", delays=STAGES)
    advance(simulator, 35)
    assert {c["status"] for c in clips(simulator.render(tid))} == {"streaming"}
    advance(simulator, 60)
    task = simulator.render(tid)
    assert task["status"] == "FAILURE"
    by_status = {c["status"]: c for c in clips(task)}
    assert set(by_status) == {"complete", "error"}
    bad, good = by_status["error"], by_status["complete"]
    assert bad["audio_url"].endswith("/assets/None.mp3")
    assert task["fail_reason"] == bad["metadata"]["error_message"] != ""
    assert good["audio_url"].startswith(f"{simulator.base_url}/assets/{good['id']}.mp3?")
    assert isinstance(good["metadata"]["duration"], float)


async def test_stuck_task_stays_in_progress(simulator: Simulator) -> None:
    tid = simulator.add_task("stuck", delays=STAGES)
    advance(simulator, 2 * 86_400)
    task = simulator.render(tid)
    assert task["status"] == "IN_PROGRESS"
    assert task["finish_time"] == 0
    assert {c["status"] for c in clips(task)} == {"streaming"}


@pytest.mark.parametrize(
    ("scenario", "action"),
    [(Scenario.LYRICS, "LYRICS"), (Scenario.LYRICS_EMPTY_ACTION, "")],
)
async def test_lyrics_task(simulator: Simulator, scenario: Scenario, action: str) -> None:
    tid = simulator.add_task(scenario, prompt="a song about the last train home", delays=STAGES)
    task = simulator.render(tid)
    assert task["action"] == action
    assert task["data"] is None
    advance(simulator, 35)
    task = simulator.render(tid)
    assert task["status"] == "IN_PROGRESS"
    assert task["data"]["status"] == "running"
    assert task["data"]["text"] == ""
    advance(simulator, 60)
    task = simulator.render(tid)
    assert task["status"] == "SUCCESS"
    data = task["data"]
    assert isinstance(data, dict)
    assert data["status"] == "complete"
    assert data["title"]
    assert "[Verse 1]" in data["text"] and "\n" in data["text"]
    assert isinstance(data["tags"], list) and all(isinstance(t, str) for t in data["tags"])
    assert set(data) >= {"id", "text", "title", "status", "tags"}


async def test_ms_timestamps_switch(simulator: Simulator) -> None:
    simulator.ms_timestamps = True
    created = simulator.clock.now()
    tid = simulator.add_task("success", elapsed=1000)
    task = simulator.render(tid)
    assert task["submit_time"] == int((created - 1000) * 1000)
    assert task["submit_time"] > 1e12
    assert task["start_time"] > 1e12
    assert task["finish_time"] > task["start_time"]


async def test_percent_progress_switch(simulator: Simulator) -> None:
    simulator.progress_mode = "percent"
    tid = simulator.add_task("success", delays=STAGES)
    assert simulator.render(tid)["progress"] == "0%"
    advance(simulator, 35)
    seen = []
    for _ in range(6):
        seen.append(int(simulator.render(tid)["progress"].rstrip("%")))
        advance(simulator, 10)
    assert all(0 < p < 100 for p in seen)
    assert seen == sorted(seen) and seen[0] < seen[-1]
    advance(simulator, 10)
    assert simulator.render(tid)["progress"] == "100%"


async def test_created_at_without_zone(simulator: Simulator) -> None:
    tid = simulator.add_task("success", elapsed=1000, variant=Variant(created_at_naive=True))
    assert all(NAIVE.match(c["created_at"]) for c in clips(simulator.render(tid)))
    simulator.naive_created_at = True  # the simulator-wide switch, for new tasks
    tid = simulator.add_task("success", elapsed=1000)
    assert all(NAIVE.match(c["created_at"]) for c in clips(simulator.render(tid)))


async def test_variants(simulator: Simulator) -> None:
    variant = Variant(
        extra_fields=True, tags_as_list=True, video=True, forbidden_fields=("image_large_url",)
    )
    tid = simulator.add_task("success", tags="synthwave, 118 bpm", elapsed=1000, variant=variant)
    task = simulator.render(tid)
    assert {"id", "platform", "quota", "notify_hook"} <= set(task)
    for index, clip in enumerate(clips(task)):
        assert clip["metadata"]["tags"] == ["synthwave", "118 bpm"]
        assert clip["state"] == "complete" and clip["clip_id"] == clip["id"]
        assert clip["batch_index"] == index
        assert clip["video_url"].startswith(f"{simulator.base_url}/assets/{clip['id']}.mp4?")
        assert clip["image_large_url"] == f"{simulator.base_url}/api/forbidden"


async def test_default_durations_are_realistic_and_seeded() -> None:
    one, two = Simulator(seed=7), Simulator(seed=7)
    ids = [one.add_task("success") for _ in range(20)]
    assert ids == [two.add_task("success") for _ in range(20)]
    for tid in ids:
        delays = one.task(tid).delays
        assert delays == two.task(tid).delays
        assert 60 <= delays.total <= 240  # 1-4 minutes of simulated time
    other = Simulator(seed=8)
    assert other.add_task("success") != ids[0]
    shapes = {"uuid" if len(t) == 36 else "task_" if t.startswith("task_") else "hex" for t in ids}
    assert shapes == {"uuid", "task_", "hex"}


def test_delays_reject_unknown_stages() -> None:
    with pytest.raises(ValueError, match="unknown stage"):
        Delays(1, 1, 1, 1).replace({"queueing": 3})


async def test_status_helper_and_elapsed(simulator: Simulator) -> None:
    tid = simulator.add_task("success", delays=STAGES, elapsed=40)
    assert simulator.status(tid) is Status.IN_PROGRESS


async def test_demo_mix() -> None:
    sim = Simulator(seed=0)
    ids = seed_demo(sim)
    tasks = [sim.render(tid) for tid in ids]
    statuses = {t["status"] for t in tasks}
    assert statuses == {"NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS", "SUCCESS", "FAILURE"}
    assert sum(t["status"] == "IN_PROGRESS" for t in tasks) >= 3
    assert {t["action"] for t in tasks} == {"MUSIC", "LYRICS", ""}
    kinds = {sim.task(tid).scenario for tid in ids}
    assert kinds == set(Scenario)
    titles = [c["title"] for t in tasks if isinstance(t["data"], list) for c in t["data"]]
    assert any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", title) for title in titles)
    foreign = sim.tasks.all(FOREIGN_USER)
    assert len(foreign) == 1 and foreign[0].task_id not in ids
    stuck = next(sim.task(tid) for tid in ids if sim.task(tid).scenario is Scenario.STUCK)
    assert sim.clock.now() - stuck.created > 30 * 60
