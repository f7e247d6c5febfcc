"""Issue #8 item 1: the long fuzz run (not a row of issue #7's table, but
printed the same way).

Every property of tests/reliability/fuzz.py runs 100,000 examples, drawn
from seeded generators (one Hypothesis-drawn seed per example: structured
strategies cost ~5 ms an example to draw, seeds ~0.3 ms), the HTTP client
path 10,000 (each example builds a client and sends up to a dozen requests
through httpx); then a sample of the structured strategies. The count is
what the property itself counted, not what was asked for. Hypothesis's own
cost per example grows with the length of a run (0.3 ms at 10,000, 0.5 ms at
100,000), so each property runs in chunks of 10,000 (5,000 for the client),
each a fresh Hypothesis run; two worker processes share the chunks (the
machine has two cores): about 3 minutes in all.

    python -m benchmarks --only fuzz
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from benchmarks.common import Row

LONG = 100_000
LONG_CLIENT = 10_000
STRUCTURED = 500


@dataclass
class Outcome:
    name: str
    mode: str
    asked: int
    executed: int
    seconds: float
    failure: str | None


def _run_one(index: int, mode: str, examples: int) -> Outcome:
    from tests.reliability import fuzz

    prop = fuzz.PROPERTIES[index]
    before = fuzz.COUNTS[prop.name]  # a worker process runs several jobs
    started = time.perf_counter()
    failure = None
    try:
        fuzz.runnable(prop, examples, fast=mode == "seeded", database=None)()
    except BaseException as error:  # reported in the table, the other runs go on
        failure = f"{type(error).__name__}: {error}"[-2000:]
    return Outcome(
        prop.name,
        mode,
        examples,
        fuzz.COUNTS[prop.name] - before,
        time.perf_counter() - started,
        failure,
    )


CHUNK = 10_000  # examples per Hypothesis run (its cost per example grows with the run)


def _jobs(quick: bool) -> list[tuple[int, str, int]]:
    from tests.reliability.fuzz import PROPERTIES

    jobs = []
    for index, prop in enumerate(PROPERTIES):
        seeded = (200 if prop.client else 1000) if quick else (LONG_CLIENT if prop.client else LONG)
        chunk = min(seeded, CHUNK // 2 if prop.client else CHUNK)
        jobs += [(index, "seeded", chunk)] * (seeded // chunk)
        jobs.append((index, "strategies", 50 if quick else STRUCTURED))
    return jobs


def _merge(outcomes: list[Outcome]) -> list[Outcome]:
    """One outcome per property and mode, summing the chunks."""
    merged: dict[tuple[str, str], Outcome] = {}
    for outcome in outcomes:
        key = (outcome.name, outcome.mode)
        if key not in merged:
            merged[key] = Outcome(outcome.name, outcome.mode, 0, 0, 0.0, None)
        total = merged[key]
        total.asked += outcome.asked
        total.executed += outcome.executed
        total.seconds += outcome.seconds
        total.failure = total.failure or outcome.failure
    return list(merged.values())


def run(quick: bool) -> list[Row]:
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        jobs = _jobs(quick)
        futures = [pool.submit(_run_one, *job) for job in jobs]
        outcomes = _merge([future.result() for future in futures])
    wall = time.perf_counter() - started
    print(
        json.dumps({"fuzz": [outcome.__dict__ for outcome in outcomes], "wall_s": wall}, indent=2),
        file=sys.stderr,
    )
    rows = []
    for outcome in sorted(outcomes, key=lambda o: (o.mode, o.name)):
        rate = outcome.executed / outcome.seconds if outcome.seconds else 0.0
        rows.append(
            Row(
                "fuzz",
                f"fuzz ({outcome.mode}): {outcome.name}",
                outcome.executed,
                "examples",
                f"{outcome.asked:,} examples, no failure",
                ok=outcome.failure is None and outcome.executed >= outcome.asked,
                note=f"{outcome.seconds:.0f} s, {rate:,.0f}/s"
                + (f"; FAILED: {outcome.failure[:300]}" if outcome.failure else ""),
            )
        )
    total = sum(outcome.executed for outcome in outcomes)
    rows.append(
        Row(
            "fuzz",
            f"fuzz: all properties, {len(jobs)} Hypothesis runs in 2 processes",
            total,
            "examples",
            "no failure",
            ok=all(outcome.failure is None for outcome in outcomes),
            note=f"{wall:.0f} s wall, {sum(o.seconds for o in outcomes):.0f} s in the workers",
        )
    )
    return rows


if __name__ == "__main__":
    for row in run("--quick" in sys.argv):
        print(row)
