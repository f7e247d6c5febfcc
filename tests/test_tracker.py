"""The tracker: watch list, merging snapshots, transitions, NOT_FOUND, persistence."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from suno_tui.relay.client import BatchFailure, FetchResult
from suno_tui.relay.errors import GatewayError
from suno_tui.relay.models import TaskStatus, parse_task
from suno_tui.tracking.model import NEW, NOT_FOUND
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker, Update, summarize
from tests.fixtures import shapes

START = datetime.fromtimestamp(shapes.START_TIME, UTC)
FINISH = datetime.fromtimestamp(shapes.FINISH_TIME, UTC)
A, B, C = "task-a", "task-b", "task-c"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock(START + timedelta(seconds=30))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state.db"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store.open(db) as opened:
        yield opened


@pytest.fixture
def tracker(store: Store, clock: Clock) -> Tracker:
    tracker = Tracker(store, clock=clock)
    tracker.load()
    return tracker


def result(*payloads: dict[str, Any], missing: list[str] = (), **kw: Any) -> FetchResult:  # type: ignore[assignment]
    tasks = {task.task_id: task for task in map(parse_task, payloads)}
    return FetchResult(requested=[*tasks, *missing], tasks=tasks, missing=list(missing), **kw)


def labels(update: Update) -> list[tuple[str, str | None, str]]:
    return [(t.task_id, t.from_label, t.to_label) for t in update.transitions]


# -- add / remove -------------------------------------------------------------


def test_add_returns_only_new_ids_and_saves_them(tracker: Tracker, db: Path, clock: Clock) -> None:
    added = tracker.add([A, " " + B + " ", A, ""], profile="work")
    assert [s.task_id for s in added] == [A, B]
    first = added[0]
    assert (first.status, first.status_label, first.profile) == (TaskStatus.UNKNOWN, NEW, "work")
    assert (first.progress.fraction, first.progress.estimated) == (0.0, True)
    assert first.added_at == first.state_since == clock.now
    assert tracker.add([B, C]) == [tracker.get(C)]
    with Store.open(db) as other:  # saved before add() returned
        assert [s.task_id for s in other.load_summaries()] == [A, B, C]
    assert list(tracker.summaries()) == [A, B, C]
    assert tracker.profiles() == {"work", "default"}
    assert tracker.unfinished_ids("work") == [A, B]


def test_add_refuses_ids_with_spaces_or_controls_and_adds_nothing(tracker: Tracker) -> None:
    with pytest.raises(ValueError, match="not a task id"):
        tracker.add([A, "bad id"])
    with pytest.raises(ValueError):
        tracker.add(["x\x1b[31m"])
    assert len(tracker) == 0


def test_remove_forgets_task_everywhere(tracker: Tracker, store: Store) -> None:
    tracker.add([A, B])
    tracker.apply(result(shapes.streaming_task(A)))
    tracker.remove(A)
    tracker.remove("never-added")
    assert list(tracker.summaries()) == [B]
    assert tracker.get(A) is None and tracker.task(A) is None
    assert [s.task_id for s in store.load_summaries()] == [B]
    assert store.load_transitions(A) == []


def test_summaries_view_is_read_only(tracker: Tracker) -> None:
    tracker.add([A])
    with pytest.raises(TypeError):
        tracker.summaries()[B] = tracker.summaries()[A]  # type: ignore[index]


# -- apply ----------------------------------------------------------------------


def test_first_snapshot_is_a_transition_from_none(tracker: Tracker, clock: Clock) -> None:
    tracker.add([A])
    update = tracker.apply(result(shapes.streaming_task(A)))
    assert labels(update) == [(A, None, "IN_PROGRESS")]
    (summary,) = update.changed
    assert summary == tracker.get(A)
    assert summary.title == shapes.TITLE
    assert summary.tags == shapes.TAGS
    assert (summary.clips_done, summary.clips_total) == (0, 2)
    assert summary.progress.stage == "streaming" and summary.progress.estimated
    assert summary.state_since == START  # the gateway's start time, not our poll
    assert update.finished == []
    assert tracker.unfinished_ids() == [A]


def test_unchanged_snapshot_writes_nothing(tracker: Tracker, store: Store) -> None:
    tracker.add([A])
    tracker.apply(result(shapes.success_task(A)))
    written, commits = store.rows_written, store.transactions
    update = tracker.apply(result(shapes.success_task(A)))
    assert update.empty
    assert (store.rows_written, store.transactions) == (written, commits)


def test_progress_moves_without_a_transition_and_state_since_stays(
    tracker: Tracker, clock: Clock, store: Store
) -> None:
    tracker.add([A])
    tracker.apply(result(shapes.streaming_task(A)))
    before = tracker.get(A)
    clock.advance(20)
    written = store.rows_written
    update = tracker.apply(result(shapes.streaming_task(A)))
    assert update.transitions == [] and update.finished == []
    (after,) = update.changed
    assert after.progress.fraction > before.progress.fraction  # type: ignore[union-attr]
    assert after.state_since == before.state_since  # type: ignore[union-attr]
    assert store.rows_written == written + 1
    # The shortcut for a repeated snapshot gives what a full merge would.
    full = summarize(
        parse_task(shapes.streaming_task(A)),
        profile=after.profile,
        added_at=after.added_at,
        state_since=after.state_since,
        now=clock.now,
    )
    assert after == full


def test_status_change_is_a_transition_and_finished(tracker: Tracker, clock: Clock) -> None:
    tracker.add([A, B])
    tracker.apply(result(shapes.streaming_task(A), shapes.streaming_task(B)))
    clock.advance(600)
    update = tracker.apply(result(shapes.success_task(A), shapes.streaming_task(B)))
    assert labels(update) == [(A, "IN_PROGRESS", "SUCCESS")]
    assert [s.task_id for s in update.finished] == [A]
    done = tracker.get(A)
    assert done is not None and done.finished and done.progress.fraction == 1.0
    assert done.state_since == FINISH
    assert tracker.unfinished_ids() == [B]
    assert [(t.from_label, t.to_label) for t in tracker.transitions(A)] == [
        (None, "IN_PROGRESS"),
        ("IN_PROGRESS", "SUCCESS"),
    ]
    assert [t.task_id for t in tracker.events()] == [A, B, A]


def test_partial_failure_keeps_the_reason_and_the_good_clip(tracker: Tracker) -> None:
    tracker.add([A])
    update = tracker.apply(result(shapes.partial_failure_task(A)))
    (summary,) = update.finished
    assert summary.status is TaskStatus.FAILURE
    assert summary.fail_reason == shapes.CLIP_ERROR_MESSAGE
    assert summary.progress.stage == "failed"
    task = tracker.task(A)
    assert task is not None and task.clips_done == 1


def test_text_is_made_safe_for_the_terminal(tracker: Tracker) -> None:
    payload = shapes.success_task(A)
    payload["data"][0]["title"] = "[@click=app.quit]x\x1b]52;c;ZXZpbA==\x07\nline2"
    payload["data"][0]["metadata"]["tags"] = ["pop\x9b31m", "  ", "rock\u202e"]
    payload["data"][1]["metadata"]["tags"] = []
    tracker.add([A])
    summary = tracker.apply(result(payload)).changed[0]
    assert summary.title == "[@click=app.quit]x line2"  # literal markup, no escapes
    assert summary.tags == "pop, rock"


def test_huge_titles_are_cut(tracker: Tracker) -> None:
    payload = shapes.success_task(A)
    payload["data"][0]["title"] = "x" * 100_000
    tracker.add([A])
    assert len(tracker.apply(result(payload)).changed[0].title) <= 200


def test_new_raw_data_is_saved_even_if_the_row_looks_the_same(
    tracker: Tracker, store: Store
) -> None:
    tracker.add([A])
    tracker.apply(result(shapes.success_task(A)))
    payload = shapes.success_task(A)
    payload["data"][0]["audio_url"] = "https://cdn1.suno.ai/fresh.mp3"  # a refreshed CDN link
    update = tracker.apply(result(payload))
    assert update.empty  # nothing to redraw
    assert '"https://cdn1.suno.ai/fresh.mp3"' in (store.load_raw(A) or "")


def test_ids_of_other_profiles_unknown_ids_and_failed_batches_are_left_alone(
    tracker: Tracker, store: Store
) -> None:
    tracker.add([A], profile="one")
    tracker.add([B], profile="two")
    failure = BatchFailure((B,), GatewayError("boom", status=500))
    update = tracker.apply(
        result(shapes.streaming_task(A), shapes.streaming_task(C), failures=[failure]),
        profile="two",
    )
    assert update.empty
    assert tracker.get(A).status_label == NEW  # type: ignore[union-attr]
    assert tracker.get(B).status_label == NEW  # type: ignore[union-attr]
    assert C not in tracker


# -- NOT_FOUND --------------------------------------------------------------------


def test_missing_ids_become_not_found_then_finished_then_revive(
    tracker: Tracker, store: Store, clock: Clock
) -> None:
    tracker.add([A])
    first = tracker.apply(result(missing=[A]))
    assert labels(first) == [(A, None, NOT_FOUND)]
    summary = tracker.get(A)
    assert summary is not None and summary.misses == 1 and not summary.finished
    assert tracker.unfinished_ids() == [A]  # still polled
    clock.advance(10)
    second = tracker.apply(result(missing=[A]))
    assert second.transitions == [] and second.finished == []
    assert tracker.get(A).state_since == summary.state_since  # type: ignore[union-attr]
    third = tracker.apply(result(missing=[A]))
    assert [s.task_id for s in third.finished] == [A]
    assert tracker.unfinished_ids() == []  # no longer polled
    written = store.rows_written
    assert tracker.apply(result(missing=[A])).empty  # a later miss changes nothing
    assert store.rows_written == written
    revived = tracker.apply(result(shapes.streaming_task(A)))
    assert labels(revived) == [(A, NOT_FOUND, "IN_PROGRESS")]
    summary = tracker.get(A)
    assert summary is not None and summary.misses == 0 and not summary.finished


def test_not_found_after_is_configurable(store: Store, clock: Clock) -> None:
    tracker = Tracker(store, clock=clock, not_found_after=1)
    tracker.add([A])
    assert [s.task_id for s in tracker.apply(result(missing=[A])).finished] == [A]


def test_a_finished_task_the_gateway_forgot_keeps_its_state(tracker: Tracker) -> None:
    tracker.add([A])
    tracker.apply(result(shapes.success_task(A)))
    assert tracker.apply(result(missing=[A])).empty
    assert tracker.get(A).status_label == "SUCCESS"  # type: ignore[union-attr]


def test_retry_polls_a_not_found_task_again(tracker: Tracker, store: Store) -> None:
    tracker.add([A])
    for _ in range(3):
        tracker.apply(result(missing=[A]))
    assert tracker.unfinished_ids() == []
    (retried,) = tracker.retry([A, "unknown"])
    assert not retried.finished and retried.misses == 2
    assert tracker.unfinished_ids() == [A]
    assert store.load_summary(A) == retried
    # polled again once: still missing, given up again at once
    tracker.apply(result(missing=[A]))
    assert tracker.unfinished_ids() == []
    assert tracker.retry([A]) and tracker.retry([A]) == []  # already being retried
    tracker.apply(result(shapes.success_task(A)))  # found after all
    assert tracker.get(A).status_label == "SUCCESS"  # type: ignore[union-attr]


# -- persistence and restart ---------------------------------------------------------


def test_a_new_tracker_on_the_same_store_sees_the_same_state(
    tracker: Tracker, store: Store, clock: Clock
) -> None:
    tracker.add([A, B, C])
    tracker.apply(result(shapes.streaming_task(A), shapes.lyrics_task(B), missing=[C]))
    clock.advance(60)
    tracker.apply(result(shapes.success_task(A), missing=[C]))
    tracker.record_download(A, shapes.CLIP_ID_1, "audio", "/m/a.mp3", 10, None)
    again = Tracker(store, clock=clock)
    loaded = again.load()
    assert loaded == list(tracker.summaries().values())
    assert dict(again.summaries()) == dict(tracker.summaries())
    assert again.get(A).downloaded == 1  # type: ignore[union-attr]
    for task_id in (A, B, C):
        assert again.transitions(task_id) == tracker.transitions(task_id)
    assert again.events() == tracker.events()
    assert again.task(A) == tracker.task(A) == parse_task(shapes.success_task(A))
    assert again.task(C) is None  # never fetched


def test_task_detail_follows_the_latest_snapshot(tracker: Tracker) -> None:
    tracker.add([A])
    tracker.apply(result(shapes.streaming_task(A)))
    assert tracker.task(A).status is TaskStatus.IN_PROGRESS  # type: ignore[union-attr]
    tracker.apply(result(shapes.success_task(A)))
    assert tracker.task(A).status is TaskStatus.SUCCESS  # type: ignore[union-attr]


def test_detail_cache_is_small(store: Store, clock: Clock) -> None:
    tracker = Tracker(store, clock=clock, task_cache=2)
    ids = [f"t{i}" for i in range(5)]
    tracker.add(ids)
    tracker.apply(result(*(shapes.success_task(task_id) for task_id in ids)))
    for task_id in ids:
        assert tracker.task(task_id) is not None
    assert len(tracker._snapshots) == 2


def test_event_log_is_bounded_newest_last(store: Store, clock: Clock) -> None:
    tracker = Tracker(store, clock=clock, events_kept=3)
    ids = [f"t{i}" for i in range(5)]
    tracker.add(ids)
    tracker.apply(result(*(shapes.streaming_task(task_id) for task_id in ids)))
    assert [t.task_id for t in tracker.events()] == ["t2", "t3", "t4"]
    assert [t.task_id for t in tracker.events(limit=1)] == ["t4"]
    assert tracker.events(limit=0) == []


async def test_apply_async_saves_before_returning(tracker: Tracker, db: Path) -> None:
    tracker.add([A, B])
    update = await tracker.apply_async(result(shapes.success_task(A), missing=[B]))
    assert labels(update) == [(A, None, "SUCCESS"), (B, None, NOT_FOUND)]
    with Store.open(db) as other:
        stored = {s.task_id: s for s in other.load_summaries()}
        assert stored[A] == tracker.get(A)
        assert stored[B] == tracker.get(B)
        assert [t.to_label for t in other.load_transitions(A)] == ["SUCCESS"]
        assert other.load_raw(A) is not None


async def test_a_task_removed_during_apply_async_stays_removed(
    tracker: Tracker, store: Store
) -> None:
    tracker.add([A, B])
    pending = asyncio.ensure_future(
        tracker.apply_async(result(shapes.success_task(A), shapes.success_task(B)))
    )
    await asyncio.sleep(0)  # the plan is made; the write is in its thread
    tracker.remove(A)
    update = await pending
    assert A not in tracker and tracker.get(B) is not None
    assert [s.task_id for s in store.load_summaries()] == [B]
    assert store.load_raw(A) is None and store.load_transitions(A) == []
    assert {t.task_id for t in update.transitions} <= {A, B}


def test_summarize_is_usable_on_its_own() -> None:
    task = parse_task(shapes.lyrics_task(A))
    later = FINISH + timedelta(minutes=5)
    summary = summarize(task, profile="p", added_at=START, state_since=FINISH, now=later)
    assert summary.tags == "synthwave, dreamy, female vocals"
    assert summary.finished and summary.clips_total == 0
    # the row carries what it was given, not a default or the task's own times
    assert (summary.task_id, summary.profile) == (A, "p")
    assert (summary.added_at, summary.state_since) == (START, FINISH)
    assert summary.status_label == "SUCCESS"


async def test_a_big_round_is_written_in_a_thread_and_saved_before_returning(
    tracker: Tracker, db: Path
) -> None:
    """More rows than the loop writes itself (INLINE_WRITE_ROWS): the worker
    thread saves them, every snapshot compressed (running ones too)."""
    from suno_tui.tracking import tracker as tracker_module

    count = tracker_module.INLINE_WRITE_ROWS + 50
    done = [f"done{i:04d}" for i in range(count)]
    running = [f"run{i:04d}" for i in range(10)]
    tracker.add(done + running)
    payloads = [shapes.success_task(i) for i in done] + [shapes.streaming_task(i) for i in running]
    update = await tracker.apply_async(result(*payloads))
    assert len(update.finished) == count
    with Store.open(db) as other:
        stored = {s.task_id: s for s in other.load_summaries()}
        assert all(stored[i] == tracker.get(i) for i in done + running)
        kinds = dict(other._state._conn.execute("SELECT task_id, typeof(raw_json) FROM task_raw"))
        assert {kinds[i] for i in done + running} == {"blob"}
        assert other.load_raw(done[0]) is not None and "SUCCESS" in (other.load_raw(done[0]) or "")
