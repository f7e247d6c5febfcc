"""Issue #13, row 13.5: ``suno-tui fetch --json`` of 2,000 finished tasks
against a bare ``httpx`` + ``json.loads`` loop over the same batches of 50.

Both run as fresh processes (interpreter start-up included) against the same
simulator, served from a thread of this process over loopback; the figure is
the median wall time of a few alternating runs. The CLI's output goes to a
pipe that is read whole.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Row
from suno_tui.simulator import ManualClock, Simulator
from suno_tui.simulator.thread import SimulatorThread

BATCH = 50

_BARE = """
import json, sys, httpx
url, token, path = sys.argv[1:4]
ids = open(path).read().split()
with httpx.Client(base_url=url, headers={"Authorization": "Bearer " + token}) as client:
    for start in range(0, len(ids), BATCH):
        answer = client.post("/suno/fetch", json={"ids": ids[start : start + BATCH]})
        json.loads(answer.content)
""".replace("BATCH", str(BATCH))


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env, check=True)
    return time.perf_counter() - start, len(done.stdout)


def run(quick: bool) -> list[Row]:
    count = 200 if quick else 2_000
    repeat = 1 if quick else 5
    sim = Simulator(seed=13, clock=ManualClock())
    ids = [sim.add_task("success", elapsed=10_000) for _ in range(count)]
    bare_runs: list[float] = []
    cli_runs: list[float] = []
    printed = 0
    with tempfile.TemporaryDirectory() as folder, SimulatorThread(sim) as url:
        root = Path(folder)
        ids_file = root / "ids.txt"
        ids_file.write_text("\n".join(ids))
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(root),
            "XDG_CONFIG_HOME": str(root),
            "SUNO_TUI_CONFIG": str(root / "none.toml"),
        }
        cli = [sys.executable, "-m", "suno_tui", "fetch", "--json", "--ids-file", str(ids_file)]
        cli += ["--base-url", url, "--token", sim.token]
        bare = [sys.executable, "-c", _BARE, url, sim.token, str(ids_file)]
        _timed(bare, env)  # warm the caches alike
        for _ in range(repeat):
            bare_runs.append(_timed(bare, env)[0])
            seconds, printed = _timed(cli, env)
            cli_runs.append(seconds)
    cli_time = statistics.median(cli_runs)
    bare_time = statistics.median(bare_runs)
    return [
        Row(
            "13.5",
            f"`fetch --json` of {count:,} tasks ({printed / 1e6:.1f} MB printed)",
            cli_time * 1000,
            "ms",
            "<= 1.5x the bare loop",
            ok=cli_time <= 1.5 * bare_time,
            baseline="httpx + json.loads, batches of 50",
            baseline_value=bare_time * 1000,
        )
    ]
