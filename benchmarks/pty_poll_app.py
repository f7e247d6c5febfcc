"""The monitor with a scripted poller, for row 5 (run inside a pty by
bench_poll_output.py): every PERIOD seconds a "poll" changes the reported
progress of CHANGING tasks on screen (the worst case: a change off screen
costs nothing), through the real tracker and store, and the time of each is
appended to a side file so the benchmark can attribute bytes.

    python -m benchmarks.pty_poll_app STATE CHANGING PERIOD MARKS
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from suno_tui.engine.engine import Engine
from suno_tui.relay.client import FetchResult
from suno_tui.relay.models import parse_task
from suno_tui.tracking.poll_status import PollStatus
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker
from suno_tui.tui.app import MonitorApp
from tests.fixtures import shapes


class ScriptedPoller:
    def __init__(
        self,
        app: MonitorApp,
        tracker: Tracker,
        on_update: Any,
        changing: int,
        period: float,
        marks: Path,
    ) -> None:
        self.app, self.tracker, self.on_update = app, tracker, on_update
        self.changing, self.period, self.marks = changing, period, marks
        self.status = PollStatus(last_success_at=datetime.now(UTC))
        self._stop = asyncio.Event()

    async def run(self) -> None:
        round_number = 0
        while not self._stop.is_set():
            await asyncio.sleep(self.period)
            round_number += 1
            task_list = self.app.task_list
            first, last = task_list._visible_span()
            on_screen = task_list._order[first:last]
            start = (round_number * self.changing) % max(len(on_screen), 1)
            chosen = (on_screen + on_screen)[start : start + self.changing]
            tasks = {}
            for task_id in chosen:
                payload = shapes.streaming_task(task_id)
                payload["progress"] = f"{10 + round_number % 80}%"
                tasks[task_id] = parse_task(payload)
            with self.marks.open("a") as marks:
                marks.write(f"{time.time()}\n")
            update = await self.tracker.apply_async(FetchResult(requested=chosen, tasks=tasks))
            self.on_update(update, self.status)

    def stop(self) -> None:
        self._stop.set()

    def poll_now(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def set_interval(self, seconds: float) -> None: ...
    def notify_added(self) -> None: ...


def main() -> None:
    state, changing, period, marks = sys.argv[1:5]
    tracker = Tracker(Store.open(state), clock=lambda: datetime.now(UTC))
    app: MonitorApp

    def poller(on_update: Any, _status: Any) -> ScriptedPoller:
        return ScriptedPoller(app, tracker, on_update, int(changing), float(period), Path(marks))

    engine = Engine(tracker, poller_factory=poller)
    app = MonitorApp(engine, clock=lambda: datetime.now(UTC), bell=False)
    app.run()


if __name__ == "__main__":
    main()
