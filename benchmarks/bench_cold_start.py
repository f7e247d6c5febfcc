"""Issue #13, row 13.4: cold start with many new ids. ``suno-tui --ids-file``
with 5,000 ids never seen before against 10 ids, in a real pty, against the
simulator (served from a thread of this process over loopback): the time
until the first real row (a title the gateway sent) is on screen.

With 5,000 ids a poll round is 100 requests; rows appear as each batch is
merged, so the first ones should not wait for the round's end.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks.common import Row
from benchmarks.pty_harness import PtyProcess
from suno_tui.simulator import ManualClock, Simulator
from suno_tui.simulator.thread import SimulatorThread

TITLE = "Coldstart Song"


def _first_row(count: int, repeat: int) -> float:
    sim = Simulator(seed=4, clock=ManualClock())
    ids = [sim.add_task("success", elapsed=10_000, title=TITLE) for _ in range(count)]
    runs: list[float] = []
    with tempfile.TemporaryDirectory() as folder, SimulatorThread(sim) as url:
        root = Path(folder)
        ids_file = root / "ids.txt"
        ids_file.write_text("\n".join(ids))
        env = {"XDG_CONFIG_HOME": str(root), "SUNO_TUI_CONFIG": str(root / "none.toml")}
        for attempt in range(repeat):
            command = [sys.executable, "-m", "suno_tui", "--state", str(root / f"s{attempt}.db")]
            command += ["--ids-file", str(ids_file), "--base-url", url, "--token", sim.token]
            command += ["--no-bell"]
            with PtyProcess(command, columns=120, rows=40, env=env) as app:
                runs.append(app.wait_for(TITLE, timeout=120))
    return statistics.median(runs)


def run(quick: bool) -> list[Row]:
    many = 500 if quick else 5_000
    repeat = 1 if quick else 3
    few_time = _first_row(10, repeat)
    many_time = _first_row(many, repeat)
    return [
        Row(
            "13.4",
            f"cold start, {many:,} new ids: first real row on screen (real pty)",
            many_time * 1000,
            "ms",
            "<= 2x the 10-id case",
            ok=many_time <= 2 * few_time,
            baseline="10 new ids",
            baseline_value=few_time * 1000,
        )
    ]
