"""The SQLite store: schema, WAL, permissions, errors, two instances, round trips."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from suno_tui.relay.models import TaskKind, TaskStatus
from suno_tui.tracking.model import Progress, TaskSummary, Transition
from suno_tui.tracking.store import SCHEMA_VERSION, SUMMARY_FIELD_ORDER, Store, StoreError
from suno_tui.tracking.tracker import new_summary

T0 = datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)


def placeholder(task_id: str, *, profile: str = "default", at: datetime = T0) -> TaskSummary:
    return new_summary(task_id, profile, at)


def running(summary: TaskSummary) -> TaskSummary:
    return dataclasses.replace(
        summary,
        kind=TaskKind.MUSIC,
        status=TaskStatus.IN_PROGRESS,
        status_label="IN_PROGRESS",
        title="Neon Rain",
        tags="synthwave, dreamy",
        clips_done=1,
        clips_total=2,
        progress=Progress(0.4321, estimated=True, stage="streaming"),
        submitted_at=T0 - timedelta(seconds=7),
        started_at=T0 - timedelta(seconds=5, microseconds=1),
        state_since=T0 + timedelta(seconds=10),
        fail_reason="",
        misses=0,
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "deeper" / "state.db"


@pytest.fixture
def store(db_path: Path) -> Store:
    with Store.open(db_path) as opened:
        yield opened


def test_creates_private_folders_and_file(db_path: Path, store: Store) -> None:
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(db_path.parent.parent.stat().st_mode) == 0o700


def test_tightens_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    Store.open(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_pragmas_and_schema(db_path: Path, store: Store) -> None:
    assert store.journal_mode == "wal"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        columns = {row[1] for row in conn.execute("PRAGMA table_info(tasks)")}
        indexes = {row[1] for row in conn.execute("PRAGMA index_list(transitions)")}
    assert {"task_id", "profile", "status_label", "state_since", "misses"} <= columns
    assert "raw_json" not in columns  # kept in task_raw so the list scan stays small
    assert "transitions_by_task" in indexes
    busy = store._state._conn.execute("PRAGMA busy_timeout").fetchone()[0]
    sync = store._state._conn.execute("PRAGMA synchronous").fetchone()[0]
    assert (busy, sync) == (5000, 1)  # 1 = NORMAL


def test_summaries_round_trip_exactly_in_added_order(db_path: Path, store: Store) -> None:
    ids = ["zeta", "alpha", "mid"]
    assert store.add_tasks([placeholder(task_id) for task_id in ids]) == ids
    changed = running(placeholder("alpha"))
    assert store.save([(changed, '{"task_id": "alpha"}')], []) == 1
    store.close()
    with Store.open(db_path) as again:
        loaded = again.load_summaries()
    assert [summary.task_id for summary in loaded] == ids
    assert loaded[1] == changed  # microseconds, enums, Progress and all
    assert loaded[0] == placeholder("zeta")


def test_rows_are_built_in_the_field_order_of_task_summary() -> None:
    names = tuple(f.name for f in dataclasses.fields(TaskSummary))
    assert names[: len(SUMMARY_FIELD_ORDER)] == SUMMARY_FIELD_ORDER  # new fields go after


def test_large_saves_are_written_whole(store: Store) -> None:
    ids = [f"t{i:04d}" for i in range(450)]  # more than one executemany slice
    store.add_tasks([placeholder(task_id) for task_id in ids])
    changed = [(running(placeholder(task_id)), f'{{"n": {i}}}') for i, task_id in enumerate(ids)]
    events = [Transition(task_id, None, "IN_PROGRESS", T0) for task_id in ids]
    assert store.save(changed, events) == 450
    assert {s.status_label for s in store.load_summaries()} == {"IN_PROGRESS"}
    assert store.load_raw("t0449") == '{"n": 449}'
    assert len(store.recent_transitions(1000)) == 450


def test_add_tasks_skips_ids_already_stored(store: Store) -> None:
    store.add_tasks([placeholder("a")])
    assert store.add_tasks([placeholder("a"), placeholder("b")]) == ["b"]
    assert store.count_tasks() == 2


def test_raw_json_is_kept_unless_replaced(store: Store) -> None:
    store.add_tasks([placeholder("a")])
    assert store.load_raw("a") is None
    summary = running(placeholder("a"))
    store.save([(summary, '{"v": 1}')])
    store.save([(dataclasses.replace(summary, title="New"), None)])
    assert store.load_raw("a") == '{"v": 1}'
    assert store.load_summary("a").title == "New"  # type: ignore[union-attr]


def test_save_does_not_resurrect_a_removed_task(store: Store) -> None:
    store.add_tasks([placeholder("a")])
    assert store.remove_task("a")
    transition = Transition("a", None, "IN_PROGRESS", T0, "t")
    assert store.save([(running(placeholder("a")), "{}")], [transition]) == 0
    assert store.load_summaries() == []
    assert store.load_raw("a") is None
    assert store.load_transitions("a") == []


def test_transitions_per_task_and_recent(store: Store) -> None:
    store.add_tasks([placeholder("a"), placeholder("b")])
    events = [
        Transition("a", None, "QUEUED", T0, "A"),
        Transition("b", None, "IN_PROGRESS", T0 + timedelta(seconds=1), "B"),
        Transition("a", "QUEUED", "SUCCESS", T0 + timedelta(seconds=2), "A"),
    ]
    store.save([], events)
    assert store.load_transitions("a") == [events[0], events[2]]
    assert store.recent_transitions(2) == events[1:]
    assert store.recent_transitions(0) == []
    store.remove_task("a")
    assert store.recent_transitions(10) == [events[1]]


def test_downloads_are_recorded_and_counted(store: Store) -> None:
    store.add_tasks([placeholder("a")])
    store.record_download("a", "clip1", "audio", "/music/x.mp3", 123, "ab" * 32, T0)
    store.record_download("a", "clip1", "audio", "/music/x2.mp3", 124, None, T0)  # replaces
    store.record_download("a", "clip2", "image", Path("/music/y.jpeg"), 9, None, T0)
    records = store.downloads_for("a")
    assert [(r.clip_id, r.asset, r.path, r.size) for r in records] == [
        ("clip1", "audio", "/music/x2.mp3", 124),
        ("clip2", "image", "/music/y.jpeg", 9),
    ]
    assert records[0].at == T0
    assert store.load_summaries()[0].downloaded == 2
    assert store.downloads_for("other") == []


def test_two_instances_share_the_file(db_path: Path) -> None:
    with Store.open(db_path) as first, Store.open(db_path) as second:
        first.add_tasks([placeholder("a")])
        second.add_tasks([placeholder("b")])
        first.save([(running(placeholder("b")), "{}")])
        second.save([], [Transition("a", None, "QUEUED", T0)])
        for store in (first, second):
            assert [s.task_id for s in store.load_summaries()] == ["a", "b"]
            assert store.load_summaries()[1].status_label == "IN_PROGRESS"
            assert len(store.load_transitions("a")) == 1
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_two_instances_writing_at_once_wait_for_each_other(db_path: Path) -> None:
    with Store.open(db_path) as first, Store.open(db_path) as second:
        first.add_tasks([placeholder("a"), placeholder("b")])

        def hammer(store: Store, task_id: str) -> None:
            for n in range(100):
                summary = dataclasses.replace(running(placeholder(task_id)), misses=n)
                store.save([(summary, f'{{"n": {n}}}')], [Transition(task_id, None, "X", T0)])

        threads = [
            threading.Thread(target=hammer, args=(first, "a")),
            threading.Thread(target=hammer, args=(second, "b")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        loaded = {s.task_id: s for s in first.load_summaries()}
        assert (loaded["a"].misses, loaded["b"].misses) == (99, 99)
        assert len(second.recent_transitions(1000)) == 200
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_committed_save_survives_a_killed_process(db_path: Path) -> None:
    script = f"""
import os, sys
from datetime import UTC, datetime
sys.path.insert(0, {str(Path(__file__).parent.parent)!r})
from tests.test_store import placeholder, running
from suno_tui.tracking.store import Store
store = Store.open({str(db_path)!r})
store.add_tasks([placeholder("a")])
store.save([(running(placeholder("a")), '{{"k": 1}}')])
os._exit(0)  # no close(), no checkpoint: as if killed
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    with Store.open(db_path) as store:
        assert store.load_summaries()[0].status_label == "IN_PROGRESS"
        assert store.load_raw("a") == '{"k": 1}'


def test_a_file_that_is_not_sqlite_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"this is a text file, not a database\n" * 100)
    with pytest.raises(StoreError, match="not a suno-tui state file") as caught:
        Store.open(path)
    assert str(path) in str(caught.value)
    # one line for the user: no chained sqlite3 traceback
    assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_a_damaged_database_is_a_clear_error(db_path: Path, store: Store) -> None:
    store.add_tasks([placeholder(f"id{i}") for i in range(500)])
    store.close()
    for name in (db_path.name + "-wal", db_path.name + "-shm"):
        (db_path.parent / name).unlink(missing_ok=True)
    data = bytearray(db_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    db_path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged") as caught:
        Store.open(db_path)
    assert str(db_path) in str(caught.value)
    assert caught.value.__suppress_context__


def test_another_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER)")
    with pytest.raises(StoreError, match="not a suno-tui state file"):
        Store.open(path)


def test_a_newer_schema_is_refused_with_advice(db_path: Path) -> None:
    Store.open(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer suno-tui") as caught:
        Store.open(db_path)
    assert "upgrade" in str(caught.value)


def test_a_folder_in_the_way_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "state.db").mkdir()
    with pytest.raises(StoreError, match=r"state\.db"):
        Store.open(tmp_path / "state.db")


def test_use_after_close_is_a_store_error(store: Store) -> None:
    store.close()
    store.close()  # twice is fine
    with pytest.raises(StoreError, match="closed"):
        store.load_summaries()
