"""Progress estimates: each stage, reported figures, monotonic, deterministic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suno_tui.relay.models import Task, TaskKind, TaskStatus, parse_task
from suno_tui.tracking.model import Progress, TaskSummary
from suno_tui.tracking.progress import (
    CEILING,
    FLOOR,
    estimate_progress,
    growing_fraction,
    is_stuck,
    refresh_progress,
)
from suno_tui.tracking.tracker import summarize
from tests.fixtures import shapes

START = datetime.fromtimestamp(shapes.START_TIME, UTC)


def task_of(payload: dict[str, object]) -> Task:
    return parse_task(payload)


def streaming(*, done: int = 0, progress: str = "0%") -> Task:
    payload = shapes.streaming_task()
    data = payload["data"]
    assert isinstance(data, list)
    for index in range(done):
        data[index] = shapes.complete_clip(data[index]["id"])
    payload["progress"] = progress
    return task_of(payload)


def with_status(status: str, data: object = None, **fields: object) -> Task:
    payload = shapes.not_started_task()
    payload.update(status=status, data=data, **fields)
    return task_of(payload)


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("status", "stage", "low", "high"),
    [
        ("NOT_START", "waiting", 0.0, 0.05),
        ("SUBMITTED", "waiting", 0.02, 0.06),
        ("QUEUED", "queued", 0.08, 0.12),
        ("IN_PROGRESS", "generating", 0.12, 0.18),  # no clips yet
        ("RUNNING_SOMEWHERE", "waiting", 0.0, 0.05),  # unknown status, nothing streaming
    ],
)
def test_early_stages_are_fixed_estimates(status: str, stage: str, low: float, high: float) -> None:
    task = with_status(status)
    progress = estimate_progress(task, at(600))
    assert progress.stage == stage
    assert progress.estimated
    assert low <= progress.fraction <= high
    assert estimate_progress(task, at(6000)) == progress  # no time-based growth


def test_clips_submitted_or_queued_are_generating() -> None:
    clip = shapes.streaming_clip()
    clip["status"] = "queued"
    progress = estimate_progress(with_status("IN_PROGRESS", [clip]), at(30))
    assert progress == Progress(pytest.approx(0.15), estimated=True, stage="generating")


def test_streaming_starts_at_floor_and_grows_toward_ceiling() -> None:
    task = streaming()
    assert estimate_progress(task, at(0)).fraction == pytest.approx(FLOOR)
    middle = estimate_progress(task, at(120))
    assert middle.stage == "streaming" and middle.estimated
    assert FLOOR < middle.fraction < CEILING
    late = estimate_progress(task, at(10**7)).fraction
    assert middle.fraction < late < CEILING


def test_streaming_never_reaches_ceiling_even_after_a_year() -> None:
    assert estimate_progress(streaming(done=2), at(365 * 86400)).fraction < CEILING


def test_clock_behind_the_gateway_counts_as_no_time() -> None:
    assert estimate_progress(streaming(), at(-50)).fraction == pytest.approx(FLOOR)


def test_elapsed_falls_back_to_submit_time() -> None:
    payload = shapes.streaming_task()
    payload["start_time"] = 0
    task = task_of(payload)
    submitted = datetime.fromtimestamp(shapes.SUBMIT_TIME, UTC)
    assert estimate_progress(task, submitted + timedelta(seconds=60)).fraction > FLOOR


def test_complete_clips_raise_the_estimate() -> None:
    now = at(60)
    none, one, both = (estimate_progress(streaming(done=n), now).fraction for n in (0, 1, 2))
    assert none < one < both < CEILING


def test_reported_figure_between_0_and_100_is_used_as_is() -> None:
    progress = estimate_progress(streaming(progress="37%"), at(100))
    assert progress == Progress(0.37, estimated=False, stage="streaming")


@pytest.mark.parametrize("reported", ["0%", "100%", "", "junk"])
def test_reported_0_or_100_is_ignored_while_running(reported: str) -> None:
    progress = estimate_progress(streaming(progress=reported), at(60))
    assert progress.estimated
    assert FLOOR < progress.fraction < CEILING


def test_success_is_complete_and_not_estimated() -> None:
    assert estimate_progress(task_of(shapes.success_task()), at(0)) == Progress(
        1.0, estimated=False, stage="done"
    )
    assert estimate_progress(task_of(shapes.lyrics_task()), at(0)).fraction == 1.0


def test_failure_keeps_the_fraction_reached_and_does_not_move() -> None:
    task = task_of(shapes.partial_failure_task())
    progress = estimate_progress(task, at(100))
    assert progress.stage == "failed" and progress.estimated
    assert FLOOR < progress.fraction < CEILING  # one clip complete, one error
    assert estimate_progress(task, at(100_000)) == progress


def test_failure_before_anything_streamed_is_low() -> None:
    progress = estimate_progress(with_status("FAILURE", fail_reason="quota"), at(10))
    assert progress.stage == "failed"
    assert progress.fraction < FLOOR


def test_lyrics_in_progress_grows_faster_than_music() -> None:
    payload = shapes.lyrics_task()
    payload.update(status="IN_PROGRESS", finish_time=0, progress="0%")
    lyrics = estimate_progress(task_of(payload), at(30))
    music = estimate_progress(streaming(), at(30))
    assert lyrics.stage == "generating" and lyrics.estimated
    assert lyrics.fraction > music.fraction


def test_finish_time_under_an_unknown_status_counts_as_done() -> None:
    payload = shapes.success_task()
    payload["status"] = "WEIRD"
    payload["progress"] = "0%"
    progress = estimate_progress(task_of(payload), at(200))
    assert progress.fraction == 1.0 and progress.stage == "done"


def test_same_inputs_give_the_same_value() -> None:
    task = streaming(done=1)
    assert estimate_progress(task, at(77)) == estimate_progress(task, at(77))


@given(
    st.floats(min_value=-1e6, max_value=1e9, allow_nan=False),
    st.floats(min_value=0, max_value=1e9, allow_nan=False),
    st.integers(min_value=0, max_value=2),
)
def test_monotonic_in_elapsed_time_and_bounded(first: float, extra: float, done: int) -> None:
    def fraction(seconds: float) -> float:
        return growing_fraction(
            timedelta(seconds=seconds), clips_done=done, clips_total=2, kind=TaskKind.MUSIC
        )

    earlier, later = fraction(first), fraction(first + extra)
    assert FLOOR <= earlier <= later < CEILING


def _summary(task: Task, now: datetime, *, since: datetime | None = None) -> TaskSummary:
    return summarize(task, profile="p", added_at=START, state_since=since or START, now=now)


def test_refresh_progress_matches_a_fresh_estimate() -> None:
    task = streaming(done=1)
    summary = _summary(task, at(10))
    assert refresh_progress(summary, at(90)) == estimate_progress(task, at(90))
    assert refresh_progress(summary, at(10)) is summary.progress  # nothing moved


def test_refresh_progress_leaves_fixed_stages_alone() -> None:
    for task in (with_status("QUEUED"), task_of(shapes.success_task()), streaming(progress="40%")):
        summary = _summary(task, at(10))
        assert refresh_progress(summary, at(5000)) is summary.progress


def test_is_stuck_only_for_unfinished_tasks_in_one_state_too_long() -> None:
    running = _summary(streaming(), at(0), since=at(0))
    assert not is_stuck(running, at(14 * 60))
    assert is_stuck(running, at(16 * 60))
    assert not is_stuck(running, at(16 * 60), threshold=timedelta(hours=1))
    done = _summary(task_of(shapes.success_task()), at(0), since=at(0))
    assert not is_stuck(done, at(10**6))
    assert running.status is TaskStatus.IN_PROGRESS
