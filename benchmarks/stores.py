"""State files with many tasks, built through the real tracker, for the
monitor benchmarks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from suno_tui.relay.client import FetchResult
from suno_tui.relay.models import parse_task
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker
from tests.fixtures import shapes


def task_ids(count: int, prefix: str = "bench") -> list[str]:
    return [f"{prefix}-{index:06d}" for index in range(count)]


def build_store(path: Path, *, finished: int = 0, streaming: int = 0) -> list[str]:
    """A state file with ``finished`` successful and ``streaming`` in-progress
    tasks (two clips each, real payload shapes); returns the ids."""
    done = task_ids(finished, "done")
    running = task_ids(streaming, "run")
    with Store.open(path) as store:
        tracker = Tracker(store, clock=lambda: datetime.now(UTC))
        tracker.load()
        tracker.add(done + running)
        tasks = {i: parse_task(shapes.success_task(i)) for i in done}
        tasks.update({i: parse_task(shapes.streaming_task(i)) for i in running})
        for start in range(0, len(done) + len(running), 2000):
            chunk = (done + running)[start : start + 2000]
            tracker.apply(FetchResult(requested=chunk, tasks={i: tasks[i] for i in chunk}))
    return done + running
