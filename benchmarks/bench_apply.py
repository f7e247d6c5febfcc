"""Row 2: applying a poll that changes 1,000 of 10,000 tasks, until painted,
and the longest time the event loop was blocked meanwhile.

In process: the real app (headless, 120x40) over a real tracker and store
with 10,000 streaming tasks. The poll's answer (1,000 of them now finished)
is merged by ``Tracker.apply_async`` exactly as the poller does, handed to
the app's poller callback, and the clock stops once the app is idle again
(the message handled and the screen refreshed): the figure ends at the last
frame Textual hands to its driver (``App._display``) for this update, not at
the end of the pilot's idle wait. A ticker task measures the longest gap
between its wake-ups (it asks for one every millisecond).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import Row
from benchmarks.stores import build_store
from suno_tui.engine.engine import Engine
from suno_tui.relay.client import FetchResult
from suno_tui.relay.models import parse_task
from suno_tui.tracking.poll_status import PollStatus
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker
from suno_tui.tui.app import MonitorApp
from tests.fixtures import shapes


class _HandPoller:
    """A poller that polls only when the benchmark says so."""

    def __init__(self, on_update: Any, on_status: Any) -> None:
        self.on_update = on_update
        self.status = PollStatus()
        self._stop = asyncio.Event()

    async def run(self) -> None:
        await self._stop.wait()

    def stop(self) -> None:
        self._stop.set()

    def poll_now(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def set_interval(self, seconds: float) -> None: ...
    def notify_added(self) -> None: ...


class _LoopWatch:
    def __init__(self) -> None:
        self.longest = 0.0
        self._running = True

    async def run(self) -> None:
        last = time.perf_counter()
        while self._running:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last)
            last = now

    def stop(self) -> None:
        self._running = False


def timed_app(tracker: Tracker) -> tuple[MonitorApp, dict[str, _HandPoller], list[float]]:
    """The real app over ``tracker`` with a poller the benchmark drives by hand
    (in the dict once the app has started it), and the times of the frames
    Textual hands to its driver (``App._display``)."""
    holder: dict[str, _HandPoller] = {}

    def factory(on_update: Any, on_status: Any) -> _HandPoller:
        holder["poller"] = _HandPoller(on_update, on_status)
        return holder["poller"]

    app = MonitorApp(Engine(tracker, poller_factory=factory), clock=lambda: datetime.now(UTC))
    frames: list[float] = []
    display = app._display

    def timed_display(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None:
            frames.append(time.perf_counter())

    app._display = timed_display  # type: ignore[method-assign]
    return app, holder, frames


async def _measure(total: int, changing: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder) / "state.db"
        ids = build_store(state, streaming=total)
        store = Store.open(state)
        tracker = Tracker(store, clock=lambda: datetime.now(UTC))
        app, holder, frames = timed_app(tracker)
        answer = FetchResult(
            requested=ids[:changing],
            tasks={i: parse_task(shapes.success_task(i)) for i in ids[:changing]},
        )
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            watch = _LoopWatch()
            ticker = asyncio.ensure_future(watch.run())
            await asyncio.sleep(0.05)
            watch.longest = 0.0
            start = time.perf_counter()
            update = await tracker.apply_async(answer)
            holder["poller"].on_update(update, holder["poller"].status)
            await pilot.pause()
            await app.animator.wait_until_complete()
            await pilot.pause()
            painted = [at for at in frames if at > start]
            elapsed = (painted[-1] if painted else time.perf_counter()) - start
            watch.stop()
            await ticker
            changed = len(update.changed)
            holder["poller"].stop()
        store.close()
    return elapsed, watch.longest, changed


def run(quick: bool) -> list[Row]:
    total, changing = (1_000, 100) if quick else (10_000, 1_000)
    elapsed, longest, changed = asyncio.run(_measure(total, changing))
    return [
        Row(
            2,
            f"apply a poll changing {changed:,} of {total:,} tasks, until painted "
            f"(loop blocked at most {longest * 1000:.0f} ms)",
            elapsed * 1000,
            "ms",
            "<= 100 ms; loop never blocked > 50 ms",
            ok=elapsed <= 0.1 and longest <= 0.05,
        )
    ]
