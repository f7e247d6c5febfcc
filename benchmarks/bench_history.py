"""Issue #13, row 13.3: the monitor with 100,000 tasks answers a filter
keystroke, a sort change and ``G``, each until painted, and a poll changing
1,000 tasks until painted, with the longest time the event loop was blocked.

In process, as row 2: the real app (headless, 120x40) over a real tracker
and store, with every row loaded (the background load finished) before the
first key. Each figure ends at the last frame Textual hands to its driver
(``App._display``) after the action started.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.bench_apply import _LoopWatch, timed_app
from benchmarks.common import Row
from benchmarks.stores import build_store
from suno_tui.relay.client import FetchResult
from suno_tui.relay.models import parse_task
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker
from tests.fixtures import shapes


async def _measure(finished: int, streaming: int, changing: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / "state.db"
        ids = build_store(state, finished=finished, streaming=streaming)
        running = ids[finished:]
        store = Store.open(state)
        tracker = Tracker(store, clock=lambda: datetime.now(UTC))
        app, holder, frames = timed_app(tracker)
        answer = FetchResult(
            requested=running[:changing],
            tasks={i: parse_task(shapes.success_task(i)) for i in running[:changing]},
        )
        async with app.run_test(size=(120, 40)) as pilot:
            task_list = app.task_list
            for _ in range(6000):  # the rest of the history, read after the first frame
                if not task_list.loading_rows and task_list.filter_ready:
                    break
                await asyncio.sleep(0.01)
            await pilot.pause()
            assert task_list.total == finished + streaming and not task_list.loading_rows
            await asyncio.sleep(0.1)  # (the load's last step, after the haystacks)

            async def timed(name: str, action: Callable[[], Awaitable[object]]) -> None:
                await pilot.pause()
                start = time.perf_counter()
                cpu = time.process_time()
                await action()
                await pilot.pause()
                await pilot.pause()
                painted = [at for at in frames if at > start]
                figures[name] = (painted[-1] if painted else time.perf_counter()) - start
                # CPU time of the whole process (the pilot's own waits included):
                # what the action cost, whatever the shared machine's load
                figures[f"{name} cpu"] = time.process_time() - cpu

            await pilot.press("slash")
            await timed("filter keystroke (first)", lambda: pilot.press("9"))
            await timed("filter keystroke (next)", lambda: pilot.press("9"))
            await pilot.press("escape")
            await pilot.press("escape")
            await timed("sort change", lambda: pilot.press("s"))
            await timed("G", lambda: pilot.press("G"))

            watch = _LoopWatch()
            ticker = asyncio.ensure_future(watch.run())
            await asyncio.sleep(0.05)
            watch.longest = 0.0

            async def poll() -> None:
                update = await tracker.apply_async(answer)
                holder["poller"].on_update(update, holder["poller"].status)
                await pilot.pause()
                await app.animator.wait_until_complete()

            await timed("poll", poll)
            watch.stop()
            await ticker
            figures["blocked"] = watch.longest
            holder["poller"].stop()
        store.close()
    return figures


def run(quick: bool) -> list[Row]:
    finished, streaming, changing = (1_800, 200, 100) if quick else (95_000, 5_000, 1_000)
    total = finished + streaming
    figures = asyncio.run(_measure(finished, streaming, changing))
    rows = [
        Row(
            "13.3",
            f"{name}, {total:,} tasks, until painted",
            figures[name] * 1000,
            "ms",
            "<= 100 ms",
            ok=figures[name] <= 0.1,
            note=f"process CPU {figures[name + ' cpu'] * 1000:.0f} ms",
        )
        for name in ("filter keystroke (first)", "filter keystroke (next)", "sort change", "G")
    ]
    blocked = figures["blocked"]
    rows.append(
        Row(
            "13.3",
            f"a poll changing {changing:,} of {total:,} tasks, until painted "
            f"(loop blocked at most {blocked * 1000:.0f} ms)",
            figures["poll"] * 1000,
            "ms",
            "<= 150 ms; loop never blocked > 50 ms",
            ok=figures["poll"] <= 0.15 and blocked <= 0.05,
            note=f"process CPU {figures['poll cpu'] * 1000:.0f} ms",
        )
    )
    return rows
