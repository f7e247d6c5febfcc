"""The list's order (RowIndex) against sort_value, through sort changes that
reuse the newest-first order and updates that move rows."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from suno_tui.relay.models import TaskStatus
from suno_tui.tracking.model import TaskSummary
from suno_tui.tui.tasks.cursor import find_row
from suno_tui.tui.tasks.order import RowIndex, SortKey, sort_value

from .factories import summary

STATUSES = [s for s in TaskStatus]


def _rows(count: int, rng: random.Random) -> dict[str, TaskSummary]:
    rows = {}
    for index in range(count):
        item = summary(
            f"t{rng.randrange(10**6):06d}-{index}",
            status=rng.choice(STATUSES),
            title=rng.choice(["", "Alpha", "beta", "Gamma", "alpha"]),
            minutes_ago=rng.choice([1.0, 2.0, 3.0, 4.0]),  # many equal starts
        )
        rows[item.task_id] = item
    return rows


def _expected(index: RowIndex, rows: dict[str, TaskSummary]) -> list[str]:
    return sorted(index.keys, key=lambda tid: sort_value(rows[tid], index.sort))


def test_every_sort_change_and_update_keeps_the_order_of_sort_value() -> None:
    rng = random.Random(7)
    rows = _rows(300, rng)
    index = RowIndex(SortKey.AGE)
    index.set_rows(rows, 0)
    assert index.all == _expected(index, rows)
    for step in range(40):
        index.set_sort(rng.choice(list(SortKey)))
        assert index.all == _expected(index, rows), step
        chosen = rng.sample(sorted(rows), rng.choice([1, 5, 60]))
        fresh = []
        for task_id in chosen:
            changes: dict[str, object] = {"status": rng.choice(STATUSES)}
            if rng.random() < 0.3:  # the start moves: the newest-first order is stale
                changes["submitted_at"] = rows[task_id].added_at.replace(microsecond=step)
            if rng.random() < 0.3:
                changes["title"] = rng.choice(["", "Delta", "alpha"])
            fresh.append(replace(rows[task_id], **changes))  # type: ignore[arg-type]
        rows.update((item.task_id, item) for item in fresh)
        index.upsert(fresh, set)
        assert index.all == _expected(index, rows), step
        if step % 7 == 3:
            gone = rng.choice(sorted(rows))
            index.discard(gone)
            del rows[gone]
            assert index.all == _expected(index, rows), step


def test_find_row_finds_a_row_near_its_old_place_or_anywhere() -> None:
    ids = [f"t{i:03d}" for i in range(200)]
    assert find_row(ids, "t150", 149, 1) == 150
    assert find_row(ids, "t010", 190, 2) == 10  # farther than the rows that moved: still found
    assert find_row(ids, "t199", 0, 0) == 199
    with pytest.raises(ValueError):
        find_row(ids, "nope", 5, 3)
