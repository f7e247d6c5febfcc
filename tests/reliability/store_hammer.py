"""One writer of the state file, as a process: ``python -m
tests.reliability.store_hammer STATE NAME ROUNDS SEED``.

Each round merges a fetch of 20 tasks (10 shared with the other writers, 10
its own) with statuses that keep changing, so every round writes summaries,
raw JSON and transitions in one transaction; every few rounds it also removes
and re-adds one of its tasks and records a download. Prints ``done ROUNDS``
and exits 0; a StoreError (e.g. "database is locked") exits 1 with the
message.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime

from suno_tui.relay.client import FetchResult
from suno_tui.relay.models import parse_task
from suno_tui.tracking.store import Store, StoreError
from suno_tui.tracking.tracker import Tracker
from tests.fixtures import shapes

SHARED = [f"shared-{n}" for n in range(10)]
STATUSES = ("NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS")


def main(state: str, name: str, rounds: int, seed: int) -> int:
    rng = random.Random(seed)
    own = [f"{name}-{n}" for n in range(10)]
    ids = SHARED + own
    try:
        with Store.open(state) as store:
            tracker = Tracker(store, clock=lambda: datetime.now(UTC))
            tracker.load()
            tracker.add(ids)
            for round_ in range(rounds):
                tasks = {}
                for task_id in ids:
                    raw = shapes.streaming_task(task_id)
                    raw["status"] = rng.choice(STATUSES)
                    raw["fail_reason"] = f"{name} round {round_}"
                    tasks[task_id] = parse_task(raw)
                tracker.apply(FetchResult(ids, tasks=tasks))
                if round_ % 7 == 0:
                    victim = rng.choice(own)
                    tracker.remove(victim)
                    tracker.add([victim])
                    store.record_download(victim, f"clip-{round_}", "audio", f"/tmp/{victim}.mp3")
    except StoreError as error:
        print(f"store error: {error}", flush=True)
        return 1
    print(f"done {rounds}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
