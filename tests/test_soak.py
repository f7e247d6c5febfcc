"""Fault soak of the poller (issue #8): a short run in CI, the full 1,000
rounds over 200 tasks behind ``-m slow`` (and in benchmarks/bench_soak.py)."""

from __future__ import annotations

import pytest

from tests.soak import MAX_BACKOFF, SoakReport, run_soak


def check(report: SoakReport, rounds: int, tasks: int) -> None:
    assert report.rounds == rounds
    assert report.tasks_watched == tasks  # none lost, none duplicated
    assert report.unfinished == []
    assert report.wrong_final == []  # every task ends in its true final state
    assert sum(report.faults.values()) > 0 and report.failed_rounds > 0
    assert len(report.recoveries) > 0
    assert report.timed_out_rounds > 0  # batches that never got an answer were survived
    assert report.longest_wait <= MAX_BACKOFF  # backoff never above its maximum
    assert report.events_kept <= 1000  # the event log stays bounded


async def test_short_soak_every_task_reaches_its_true_end() -> None:
    report = await run_soak(rounds=80, tasks=60, rate=0.3, seed=1)
    check(report, 80, 60)
    assert set(report.faults) >= {"rate_limit", "http_500", "reset", "truncated_json"}


@pytest.mark.slow
async def test_full_soak_1000_rounds_200_tasks() -> None:
    report = await run_soak(rounds=1000, tasks=200, rate=0.3, seed=7)
    check(report, 1000, 200)
