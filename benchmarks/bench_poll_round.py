"""Row 8: HTTP requests in one poll round with 10,000 unfinished and 10,000
finished tasks, against the simulator over loopback.

Target: exactly ceil(10,000 / batch size) requests; finished tasks never
polled. Also reports the round's wall time, for information.
"""

from __future__ import annotations

import asyncio
import math
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import Row
from suno_tui.relay.client import RelayClient
from suno_tui.simulator import ManualClock, Simulator
from suno_tui.tracking.poller import Poller
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker

BATCH = 50


async def _round(unfinished: int, finished: int) -> tuple[int, int, float, int]:
    sim = Simulator(seed=8, clock=ManualClock())
    running = [sim.add_task("stuck", elapsed=600) for _ in range(unfinished)]
    done = [sim.add_task("success", elapsed=10_000) for _ in range(finished)]
    async with sim:
        with tempfile.TemporaryDirectory() as folder:
            store = Store.open(Path(folder) / "state.db")
            tracker = Tracker(store, clock=lambda: datetime.now(UTC))
            tracker.add(running + done)
            async with RelayClient(sim.base_url, sim.token, batch_size=BATCH) as client:
                # Learn that the finished ones are finished (that poll is not counted).
                await tracker.apply_async(await client.fetch(done, raise_errors=False))
                polled_finished = set(tracker.unfinished_ids()) & set(done)
                sim.stats.reset()
                poller = Poller(tracker, {"default": client})
                start = time.perf_counter()
                await poller.poll_once()
                elapsed = time.perf_counter() - start
            store.close()
    asked = sim.stats.requests.get("fetch", 0)
    return asked, math.ceil(unfinished / BATCH), elapsed, len(polled_finished)


def run(quick: bool) -> list[Row]:
    size = 500 if quick else 10_000
    asked, expected, elapsed, finished_polled = asyncio.run(_round(size, size))
    return [
        Row(
            8,
            f"HTTP requests in one poll round, {size:,} unfinished + {size:,} finished "
            f"(round took {elapsed * 1000:,.0f} ms)",
            asked,
            "requests",
            f"exactly ceil({size:,} / {BATCH}) = {expected}; finished never polled",
            ok=asked == expected and finished_polled == 0,
            baseline="ceil(unfinished / batch size)",
            baseline_value=expected,
        )
    ]
