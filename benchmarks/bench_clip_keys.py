"""Row "extend-key" (issue #19): ``E``, Enter on the pre-filled form, until
the new task's row is in the list, against the same submit from ``n`` (the
form's fields set, ctrl+s, until the row is in the list), both in one
headless monitor as ``suno-tui`` wires it (engine, client pool, state file),
over the simulator on loopback, taking turns.

Each path sends one request to the gateway and watches the task it makes;
``E`` also finds the clip's task in the state file and asks the "not offered"
memory first. Polling is held (a manual clock): only the path itself is
timed. Target: ``E`` at most 1.5x ``n``.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Row

TARGET_RATIO = 1.5
LYRICS = "[Verse]\nNight bus over the bridge"


async def _until_row(app: Any, pilot: Any, before: int, form: type) -> None:
    """Until the form is gone and a new row is in the list (bounded)."""
    for _ in range(10_000):
        if len(app.task_list.order) > before and not isinstance(app.screen, form):
            await pilot.pause()  # the row painted
            return
        await asyncio.sleep(0.0005)
    raise RuntimeError("the new task's row did not appear")


async def _measure(root: Path, rounds: int) -> tuple[list[float], list[float]]:
    from suno_tui.simulator import ManualClock, Simulator
    from suno_tui.tui.clips.extend_form import ExtendScreen
    from suno_tui.tui.screens.submit_form import SubmitScreen
    from tests.tui.sim_app import SMALL_ASSETS, next_round, open_app, settings_for

    sim = Simulator(seed=0, clock=ManualClock(), asset_sizes=SMALL_ASSETS)
    await sim.start()
    try:
        parent = sim.add_task(
            "success", elapsed=10_000, title="Night Bus", tags="synthwave", prompt=LYRICS,
            mv="chirp-v4",
        )  # fmt: skip
        app = open_app(settings_for(sim, root), sim, [parent])
        extend_ms: list[float] = []
        new_ms: list[float] = []
        async with app.run_test(size=(120, 40)) as pilot:
            await next_round(app, pilot, "r")

            async def extend() -> None:
                app.task_list.select(parent)
                await pilot.pause()
                before = len(app.task_list.order)
                start = time.perf_counter()
                await pilot.press("E")
                if not isinstance(app.screen, ExtendScreen):
                    raise RuntimeError("E did not open the form")
                await pilot.press("enter")
                await _until_row(app, pilot, before, ExtendScreen)
                extend_ms.append((time.perf_counter() - start) * 1000)

            async def new() -> None:
                app.task_list.select(parent)
                await pilot.pause()
                before = len(app.task_list.order)
                start = time.perf_counter()
                await pilot.press("n")
                screen = app.screen
                if not isinstance(screen, SubmitScreen):
                    raise RuntimeError("n did not open the form")
                # what E's form is pre-filled with, typed in no time
                screen.query_one("#submit-text").text = LYRICS  # type: ignore[attr-defined]
                for field, value in (("title", "Night Bus"), ("tags", "synthwave"),
                                     ("model", "chirp-v4")):  # fmt: skip
                    screen.query_one(f"#submit-{field}").value = value  # type: ignore[attr-defined]
                await pilot.press("ctrl+s")
                await _until_row(app, pilot, before, SubmitScreen)
                new_ms.append((time.perf_counter() - start) * 1000)

            for index in range(rounds):
                first, second = (extend, new) if index % 2 == 0 else (new, extend)
                await first()
                await second()
        return extend_ms, new_ms
    finally:
        await sim.stop()


def run(quick: bool) -> list[Row]:
    rounds = 4 if quick else 15
    with tempfile.TemporaryDirectory() as folder:
        extend_ms, new_ms = asyncio.run(_measure(Path(folder), rounds))
    extend = statistics.median(extend_ms)
    new = statistics.median(new_ms)
    ratio = extend / new
    return [
        Row(
            "extend-key",
            f"'E', Enter on the pre-filled form, until the new task's row is in the list "
            f"(median of {rounds}, headless monitor, simulator on loopback)",
            extend,
            "ms",
            f"<= {TARGET_RATIO}x",
            ok=ratio <= TARGET_RATIO,
            baseline="the same submit from 'n'",
            baseline_value=new,
            note=f"ratio {ratio:.2f}x",
        )
    ]
