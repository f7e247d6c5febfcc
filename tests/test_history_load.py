"""A long history: the two-step load, snapshots read on demand and stored
compressed, and a state file of schema 1 (written before either) read whole."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from suno_tui.relay.client import FetchResult
from suno_tui.relay.models import parse_task
from suno_tui.tracking.store import SCHEMA_VERSION, Store
from suno_tui.tracking.tracker import Tracker
from suno_tui.tui.tasks.task_list import SortKey, sort_value
from tests.fixtures import shapes

NOW = datetime.fromtimestamp(shapes.FINISH_TIME, UTC) + timedelta(hours=1)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)  # every add a moment later: a distinct age
        return self.now


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state.db"


def fill(db: Path, finished: int, running: int) -> tuple[list[str], list[str]]:
    """``finished`` done tasks then ``running`` streaming ones, added one by one."""
    done = [f"done-{i:04d}" for i in range(finished)]
    live = [f"run-{i:04d}" for i in range(running)]
    with Store.open(db) as store:
        tracker = Tracker(store, clock=Clock())
        tracker.load()
        for task_id in done + live:
            tracker.add([task_id])
        tasks = {i: parse_task(shapes.success_task(i)) for i in done}
        tasks |= {i: parse_task(shapes.streaming_task(i)) for i in live}
        tracker.apply(FetchResult(requested=list(tasks), tasks=tasks))
    return done, live


@pytest.fixture
def opened(db: Path) -> Iterator[Tracker]:
    with Store.open(db) as store:
        yield Tracker(store, clock=Clock())


def test_load_first_holds_the_unfinished_and_the_newest_finished(db: Path) -> None:
    done, live = fill(db, finished=30, running=3)
    with Store.open(db) as store:
        tracker = Tracker(store, clock=Clock())
        everything = store.load_summaries()
        first = tracker.load_first(5)
        # the top five finished in the list's own default order
        newest = sorted(
            (s for s in everything if s.finished), key=lambda s: sort_value(s, SortKey.AGE)
        )[:5]
        assert [s.task_id for s in first] == live + [s.task_id for s in newest]
        assert tracker.unloaded == 25
        assert tracker.unfinished_ids() == live  # polling needs nothing else
        assert tracker.profiles() == {"default"}
        pages = list(tracker.load_rest(page_rows=7))
        rest = {s.task_id for s in newest}
        assert sorted(s.task_id for page in pages for s in page) == [
            i for i in done if i not in rest
        ]
        assert tracker.unloaded == 0
        assert list(tracker.summaries()) == done + live  # back in the order added


def test_rows_changed_during_the_load_keep_their_state(db: Path) -> None:
    done, _ = fill(db, finished=20, running=0)
    with Store.open(db) as store:
        tracker = Tracker(store, clock=Clock())
        tracker.load_first(2)
        rest = tracker.load_rest(page_rows=4)
        next(rest)
        tracker.remove(done[-1])  # loaded first, removed meanwhile
        added = tracker.add(["late-one"])
        list(rest)
        ids = list(tracker.summaries())
        assert done[-1] not in ids
        assert ids[-1] == "late-one" and tracker.get("late-one") == added[0]
        assert len(ids) == 20


def test_every_snapshot_is_stored_compressed_and_read_when_asked(db: Path) -> None:
    done, live = fill(db, finished=2, running=1)
    with sqlite3.connect(db) as conn:
        kinds = dict(conn.execute("SELECT task_id, typeof(raw_json) FROM task_raw"))
    assert kinds == {done[0]: "blob", done[1]: "blob", live[0]: "blob"}
    with Store.open(db) as store:
        tracker = Tracker(store, clock=Clock())
        tracker.load_first(10)
        reads: list[str] = []
        load_raw = store.load_raw
        store.load_raw = lambda task_id: reads.append(task_id) or load_raw(task_id)  # type: ignore[method-assign]
        task = tracker.task(done[0])
        assert task is not None and task.task_id == done[0] and len(task.clips) == 2
        assert reads == [done[0]]  # the detail's snapshot came from the store


def test_a_running_task_s_text_snapshot_from_an_earlier_build_is_read_then_compressed(
    db: Path,
) -> None:
    # Builds before this one kept a still-changing snapshot as TEXT.
    _, live = fill(db, finished=0, running=1)
    with Store.open(db) as store:
        text = store.load_raw(live[0])
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE task_raw SET raw_json = ? WHERE task_id = ?", (text, live[0]))
    with Store.open(db) as store:
        tracker = Tracker(store, clock=Clock())
        tracker.load()
        assert store.load_raw(live[0]) == text
        task = tracker.task(live[0])
        assert task is not None and task.status_label == "IN_PROGRESS"
        later = parse_task(shapes.streaming_task(live[0], duration=12.5))
        tracker.apply(FetchResult(requested=live, tasks={live[0]: later}))
        assert tracker.get(live[0]) is not None and not tracker.get(live[0]).finished  # type: ignore[union-attr]
    with sqlite3.connect(db) as conn:
        kinds = dict(conn.execute("SELECT task_id, typeof(raw_json) FROM task_raw"))
    assert kinds == {live[0]: "blob"}


def test_a_schema_1_file_is_read_whole_and_moves_to_schema_2(db: Path) -> None:
    # What the code before schema 2 wrote: every snapshot as TEXT, version 1.
    done, live = fill(db, finished=12, running=2)
    with Store.open(db) as store:
        texts = {i: store.load_raw(i) for i in done + live}
        before = store.load_summaries()
    with sqlite3.connect(db) as conn:
        for task_id, text in texts.items():
            conn.execute("UPDATE task_raw SET raw_json = ? WHERE task_id = ?", (text, task_id))
        conn.execute("UPDATE schema_version SET version = 1")
        assert conn.execute(
            "SELECT count(*) FROM task_raw WHERE typeof(raw_json) = 'blob'"
        ).fetchone() == (0,)
    with Store.open(db) as store:
        assert store.load_summaries() == before
        assert {i: store.load_raw(i) for i in done + live} == texts
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]


def test_a_damaged_compressed_snapshot_shows_the_summary_only(db: Path) -> None:
    done, _ = fill(db, finished=1, running=0)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE task_raw SET raw_json = x'00ff00'")
    with Store.open(db) as store:
        tracker = Tracker(store, clock=Clock())
        tracker.load()
        assert store.load_raw(done[0]) is None
        assert tracker.task(done[0]) is None
        assert tracker.get(done[0]) is not None


def test_a_short_history_loads_whole_and_in_order(db: Path) -> None:
    done, live = fill(db, finished=3, running=2)
    with Store.open(db) as store:
        tracker = Tracker(store, clock=Clock())
        first = tracker.load_first(10)
        assert tracker.unloaded == 0
        assert [s.task_id for s in first] == list(tracker.summaries()) == done + live
