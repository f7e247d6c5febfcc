"""Issue #8 item 2: the fault soak's figures (not a row of issue #7's table,
but printed the same way): 1,000 poll rounds over 200 tasks with 30% of
requests failing in every injected way."""

from __future__ import annotations

import asyncio
import json
import sys

from benchmarks.common import Row
from tests.soak import MAX_BACKOFF, run_soak


def run(quick: bool) -> list[Row]:
    rounds, tasks = (60, 40) if quick else (1000, 200)
    report = asyncio.run(run_soak(rounds=rounds, tasks=tasks, rate=0.3, seed=7))
    figures = report.as_dict()
    print(json.dumps({"soak": figures}, indent=2), file=sys.stderr)
    ok = (
        not report.unfinished
        and not report.wrong_final
        and report.tasks_watched == tasks
        and report.longest_wait <= MAX_BACKOFF
    )
    return [
        Row(
            "soak",
            f"soak: {report.rounds} rounds, {tasks} tasks, {report.requests} requests, "
            f"{figures['faults_injected']} faults; recovery max {figures['recovery_max_s']:.0f} s "
            f"mean {figures['recovery_mean_s']:.0f} s (simulated); longest wait "
            f"{report.longest_wait:.0f} s",
            len(report.wrong_final) + len(report.unfinished),
            "tasks wrong or lost",
            "0 tasks wrong or lost; waits <= max backoff",
            ok=ok,
            note=f"peak RSS {report.peak_memory_mb:.0f} MB",
        )
    ]
