"""A fault soak of the monitor's poller against the simulator (issue #8).

The poller runs headless over ``tasks`` tasks while a fraction of requests
fail in every injected way: 429 with Retry-After, 500/502/503, HTML pages,
truncated JSON, connection resets, answers slower than the client's timeout,
and slow answers that still arrive. Time is the simulator's ManualClock: the
poller's waits advance it, so a soak of many simulated hours takes seconds.

Used by tests/test_soak.py (a short run in CI, a long one behind ``-m slow``)
and by benchmarks/bench_soak.py (the figures for the README).
"""

from __future__ import annotations

import asyncio
import random
import resource
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from suno_tui.relay.client import RelayClient
from suno_tui.simulator import Fault, ManualClock, Simulator
from suno_tui.tracking.poll_status import PollStatus
from suno_tui.tracking.poller import Poller
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker, Update

RANDOM_FAULTS = (
    Fault.RATE_LIMIT,
    Fault.HTTP_500,
    Fault.HTTP_502,
    Fault.HTTP_503,
    Fault.HTML_PAGE,
    Fault.TRUNCATED_JSON,
    Fault.RESET,
)
SCENARIOS = ("success", "success", "success", "failure", "partial", "lyrics")
# The client's timeout while faults are injected, in wall seconds. A "timeout"
# fault is an answer delayed in *simulated* time far past the end of the run,
# so it never comes, however fast or slow the machine: the client gives up
# after this long. A slow-but-in-time answer (20 ms) that a loaded machine
# delays past it is one more failed round, which the soak is built to survive:
# no check depends on how long anything took.
CLIENT_TIMEOUT = 1.0
# After the faults clear, every batch must be answered: a generous timeout, so
# a loaded machine is slower but never fails the run.
HEALED_CLIENT_TIMEOUT = 60.0
NEVER = 10.0**9  # simulated seconds: longer than any run
INTERVAL = 10.0
MAX_BACKOFF = 120.0


@dataclass
class SoakReport:
    rounds: int = 0
    requests: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    failed_rounds: int = 0
    #: failed rounds in which a batch got no answer before the client's timeout
    timed_out_rounds: int = 0
    #: simulated seconds from a failed round to the next fully successful one
    recoveries: list[float] = field(default_factory=list)
    longest_wait: float = 0.0
    tasks_watched: int = 0
    wrong_final: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)
    peak_memory_mb: float = 0.0  # peak RSS of the whole process
    events_kept: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "rounds": self.rounds,
            "requests": self.requests,
            "faults_injected": sum(self.faults.values()),
            "faults": dict(self.faults),
            "failed_rounds": self.failed_rounds,
            "timed_out_rounds": self.timed_out_rounds,
            "recovery_max_s": max(self.recoveries, default=0.0),
            "recovery_mean_s": sum(self.recoveries) / len(self.recoveries)
            if self.recoveries
            else 0.0,
            "longest_wait_s": self.longest_wait,
            "tasks": self.tasks_watched,
            "wrong_final": self.wrong_final,
            "unfinished": self.unfinished,
            "peak_memory_mb": self.peak_memory_mb,
        }


def _add_tasks(sim: Simulator, count: int, horizon: float, rng: random.Random) -> list[str]:
    """Tasks whose lifecycles end spread over ``horizon`` simulated seconds."""
    ids = []
    for index in range(count):
        ids.append(
            sim.add_task(
                SCENARIOS[index % len(SCENARIOS)],
                delays={"in_progress": rng.uniform(60, horizon)},
            )
        )
    return ids


def _add_slow_answers(sim: Simulator, rounds: int, rng: random.Random) -> None:
    """Timeouts and slow-but-in-time answers at random points of the run (every
    round sends at least one request, so each rule fires within the run)."""
    for _ in range(max(1, rounds // 25)):
        sim.faults.add(Fault.SLOW, after=rng.randrange(rounds), delay=NEVER)
        sim.faults.add(Fault.SLOW, after=rng.randrange(rounds), real_delay=0.02)


async def run_soak(
    rounds: int = 1000, tasks: int = 200, rate: float = 0.3, seed: int = 0
) -> SoakReport:
    rng = random.Random(seed)
    clock = ManualClock()
    sim = Simulator(seed=seed, clock=clock)
    # Long enough that tasks are still finishing when the last round runs
    # (backoff makes the average round longer than INTERVAL).
    horizon = rounds * INTERVAL * 4
    ids = _add_tasks(sim, tasks, horizon=horizon, rng=rng)
    report = SoakReport(tasks_watched=tasks)

    def now() -> datetime:
        return datetime.fromtimestamp(clock.now(), UTC)

    async def sleep(seconds: float) -> None:
        report.longest_wait = max(report.longest_wait, seconds)
        clock.advance(seconds)
        await asyncio.sleep(0)

    failed_at: float | None = None
    poller: Poller | None = None

    def on_update(update: Update, status: PollStatus) -> None:
        nonlocal failed_at
        if status.in_flight:
            return  # a batch reported mid-round: the round's end is what counts here
        report.rounds = status.rounds
        if status.last_error:
            report.failed_rounds += 1
            report.timed_out_rounds += "timed out" in status.last_error
            failed_at = clock.now() if failed_at is None else failed_at
        elif failed_at is not None:
            report.recoveries.append(clock.now() - failed_at)
            failed_at = None
        if status.rounds >= rounds and poller is not None:
            poller.stop()

    def on_status(status: PollStatus) -> None:
        # Everything finished early: an idle poller would wait for ever.
        if status.idle and poller is not None:
            poller.stop()

    async with sim:
        sim.faults.set_rate(rate, kinds=RANDOM_FAULTS, seed=seed)
        _add_slow_answers(sim, rounds, rng)
        with tempfile.TemporaryDirectory() as folder:
            store = Store.open(Path(folder) / "state.db")
            tracker = Tracker(store, clock=now)
            tracker.add(ids)
            async with RelayClient(
                sim.base_url, sim.token, batch_size=50, timeout=CLIENT_TIMEOUT
            ) as client:
                poller = Poller(
                    tracker,
                    {"default": client},
                    interval=INTERVAL,
                    max_backoff=MAX_BACKOFF,
                    on_update=on_update,
                    on_status=on_status,
                    clock=now,
                    sleep=sleep,
                    rng=random.Random(seed),
                )
                await poller.run()
                report.requests = sim.stats.requests.get("fetch", 0)
                report.faults = Counter(sim.stats.faults)
            # Then the gateway heals: every task must reach its true end.
            sim.faults.clear()
            clock.advance(horizon)
            async with RelayClient(
                sim.base_url, sim.token, batch_size=50, timeout=HEALED_CLIENT_TIMEOUT
            ) as healed:
                await Poller(tracker, {"default": healed}, clock=now).poll_once()
            summaries = tracker.summaries()
            for task_id in ids:
                summary = summaries.get(task_id)
                if summary is None or not summary.finished:
                    report.unfinished.append(task_id)
                elif summary.status_label != sim.status(task_id).value:
                    report.wrong_final.append(task_id)
            report.tasks_watched = len(summaries)
            report.events_kept = len(tracker.events(10**9))
            store.close()
    # The process's high-water mark (ru_maxrss is in KiB on Linux).
    report.peak_memory_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report
