"""engine/lineage.py over a real tracker: a parent clip's task found among
the watched snapshots through one index, read again only after a while."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from suno_tui.engine import lineage as engine_lineage
from suno_tui.engine.lineage import REINDEX_SECONDS, Lineages
from suno_tui.relay.fetch_result import FetchResult
from suno_tui.relay.models import parse_task
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker


def music(task_id: str, clip_id: str, parent_clip: str | None = None) -> Any:
    history = [{"id": parent_clip, "continue_at": 42.0}] if parent_clip else None
    clip = {"id": clip_id, "title": task_id, "status": "complete", "metadata": {"history": history}}
    return parse_task({"task_id": task_id, "action": "MUSIC", "status": "SUCCESS", "data": [clip]})


def test_parents_are_found_through_one_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    real = engine_lineage.clip_owners_in_state

    def counted(state: Any, newest: int) -> dict[str, str]:
        reads.append(newest)
        return real(state, newest)

    monkeypatch.setattr(engine_lineage, "clip_owners_in_state", counted)
    now = [0.0]
    tasks = [music("parent", "clip-p")]
    tasks += [music(f"child-{n}", f"clip-c{n}", f"clip-gone-{n}") for n in range(50)]
    tasks += [music("child-of-parent", "clip-x", "clip-p")]
    with Store.open(tmp_path / "state.db") as store:
        tracker = Tracker(store, clock=lambda: datetime(2026, 1, 1, tzinfo=UTC))
        tracker.add([task.task_id for task in tasks])
        tracker.apply(
            FetchResult(requested=[t.task_id for t in tasks], tasks={t.task_id: t for t in tasks})
        )
        lineages = Lineages(tracker, tracker.lineage, store.connection, monotonic=lambda: now[0])
        # fifty children of clips never watched: one read of the snapshots, not fifty
        for n in range(50):
            found = lineages.parent(f"child-{n}")
            assert found is not None and found.task_id is None and found.at == 42.0
        assert len(reads) == 1
        found = lineages.parent("child-of-parent")
        assert found is not None and found.task_id == "parent"
        # learned as the snapshots were saved, and the parent task settled once found
        assert [c.task_id for c in lineages.children("parent")] == ["child-of-parent"]
        assert tracker.lineage.of("child-of-parent").task_id == "parent"  # type: ignore[union-attr]
        now[0] += REINDEX_SECONDS
        assert lineages.parent("child-0").task_id is None  # type: ignore[union-attr]
        assert len(reads) == 1  # nothing new is watched: a miss stays a miss
        newcomer = music("newcomer", "clip-gone-0")  # the parent of child-0, watched now
        tracker.add(["newcomer"])
        tracker.apply(FetchResult(requested=["newcomer"], tasks={"newcomer": newcomer}))
        assert lineages.parent("child-1").task_id is None  # type: ignore[union-attr]
        assert len(reads) == 2  # something new, a while after: read again
        assert lineages.parent("child-0").task_id == "newcomer"  # type: ignore[union-attr]
        assert len(reads) == 2
