"""The write-ahead log is copied into the state file by a worker thread after
the tracker's writes, not by SQLite inside a commit that a poll waits for."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from suno_tui.relay.client import FetchResult
from suno_tui.relay.models import parse_task
from suno_tui.tracking import checkpoints as checkpoints_module
from suno_tui.tracking.store import Store, StoreError
from suno_tui.tracking.store_connection import AUTOCHECKPOINT_PAGES
from suno_tui.tracking.tracker import Tracker
from tests.fixtures import shapes


def _finish(ids: list[str]) -> FetchResult:
    return FetchResult(requested=ids, tasks={i: parse_task(shapes.success_task(i)) for i in ids})


def _log_pages(db: Path) -> tuple[int, int]:
    """(pages in the log, of which copied into the file), as SQLite reports them."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode")  # open the file in WAL mode
        _, log, copied = conn.execute("PRAGMA wal_checkpoint(NOOP)").fetchone()
    return log, copied


def test_sqlite_checkpoints_by_itself_only_as_a_net(tmp_path: Path) -> None:
    with Store.open(tmp_path / "state.db") as store:
        pages = store._state._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    assert pages == AUTOCHECKPOINT_PAGES > 1000  # SQLite's default is 1,000


async def test_enough_rows_start_one_checkpoint_in_a_worker_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoints_module, "CHECKPOINT_ROWS", 30)
    db = tmp_path / "state.db"
    with Store.open(db) as store:
        tracker = Tracker(store, clock=lambda: datetime.now(UTC))
        ids = [f"task-{i:03d}" for i in range(50)]
        tracker.add(ids)
        threads: list[int] = []
        checkpoint = store.checkpoint

        def recorded() -> None:
            threads.append(threading.get_ident())
            checkpoint()

        store.checkpoint = recorded  # type: ignore[method-assign]
        await tracker.apply_async(_finish(ids[:20]))  # 20 rows: not yet
        assert tracker._checkpoints.running is None and threads == []
        await tracker.apply_async(_finish(ids[20:40]))  # 40 rows since the last
        running = tracker._checkpoints.running
        assert running is not None
        await asyncio.wait_for(running, timeout=30)
        assert threads and threads[0] != threading.get_ident()
        assert tracker._checkpoints.running is None
        log, copied = _log_pages(db)
        assert log == copied  # everything in the log is in the file now
        await tracker.apply_async(_finish(ids[40:]))  # 10 more rows: counted afresh
        assert tracker._checkpoints.running is None and len(threads) == 1


async def test_a_failed_checkpoint_is_not_a_failed_poll(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoints_module, "CHECKPOINT_ROWS", 1)
    with Store.open(tmp_path / "state.db") as store:
        tracker = Tracker(store, clock=lambda: datetime.now(UTC))
        tracker.add(["a", "b"])

        def broken() -> None:
            raise StoreError("cannot checkpoint the state file: disk I/O error")

        store.checkpoint = broken  # type: ignore[method-assign]
        await tracker.apply_async(_finish(["a"]))
        running = tracker._checkpoints.running
        assert running is not None
        await asyncio.wait_for(running, timeout=30)  # swallowed, not raised
        update = await tracker.apply_async(_finish(["b"]))
        assert [s.task_id for s in update.finished] == ["b"]
        assert tracker.get("b") is not None and tracker.get("b").finished  # type: ignore[union-attr]


async def test_a_write_waits_in_a_thread_while_a_checkpoint_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small write normally runs on the loop; during a checkpoint (which holds
    the store's lock) it goes to a thread, so the loop never waits for the lock."""
    monkeypatch.setattr(checkpoints_module, "CHECKPOINT_ROWS", 1)
    with Store.open(tmp_path / "state.db") as store:
        tracker = Tracker(store, clock=lambda: datetime.now(UTC))
        tracker.add(["a", "b"])
        release = threading.Event()
        checkpoint = store.checkpoint

        def slow() -> None:
            assert release.wait(30)
            checkpoint()

        store.checkpoint = slow  # type: ignore[method-assign]
        await tracker.apply_async(_finish(["a"]))
        assert tracker._checkpoints.running is not None
        writers: list[int] = []
        writing = threading.Event()
        save = store.save

        def recorded_save(*args: Any, **kwargs: Any) -> int:
            writers.append(threading.get_ident())
            writing.set()
            return save(*args, **kwargs)

        store.save = recorded_save  # type: ignore[method-assign]
        second = asyncio.ensure_future(tracker.apply_async(_finish(["b"])))
        try:
            assert await asyncio.to_thread(writing.wait, 30)  # the write has started
            assert writers[0] != threading.get_ident()
        finally:
            release.set()
        update = await asyncio.wait_for(second, timeout=30)
        assert [s.task_id for s in update.finished] == ["b"]
