"""Account mode (issue #12), against the simulator on loopback:

- ``account-discovery``: the monitor started with ``--account --since 30d``
  on an account of 10,000 tasks (100 pages) shows them all (``10000 watched``
  in the status bar of a real pty, 120x40) no later than 2x the time
  ``suno-tui tasks --json --since 30d`` takes to print them, with
  ceil(10,000 / 100) requests to ``/api/task/self``. Both times are from the
  command's start (interpreter and imports included), as a person sees them.
- ``account-idle``: an idle monitor in account mode (every task finished)
  writes 0 bytes per second to the terminal between two looks at the account.
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Row
from benchmarks.pty_harness import PtyProcess
from suno_tui.simulator import ScaledClock, Scenario, Simulator, SimulatorThread

PAGE = 100
#: after the first look: its toast (5 s) is gone, and with it the last repaint
SETTLE = 8.0


def _account(count: int) -> Simulator:
    sim = Simulator(seed=0, clock=ScaledClock(1.0))
    span = 20 * 86400  # submitted over the last 20 days, all finished
    for index in range(count):
        sim.add_task(Scenario.SUCCESS, elapsed=3600 + span * (count - index) / count)
    return sim


def _env(sim: Simulator, base_url: str, root: Path) -> dict[str, str]:
    return {
        "SUNO_TUI_BASE_URL": base_url,
        "SUNO_TUI_TOKEN": sim.token,
        "SUNO_TUI_ACCESS_TOKEN": sim.access_token,
        "SUNO_TUI_USER_ID": str(sim.user_id),
        "XDG_CONFIG_HOME": str(root),
        "XDG_DATA_HOME": str(root / "data"),
        "SUNO_TUI_CONFIG": str(root / "none.toml"),
    }


def _tasks_command(env: dict[str, str]) -> tuple[float, int]:
    """Seconds ``suno-tui tasks --json --since 30d`` takes, and the lines it printed."""
    import os

    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "suno_tui", "tasks", "--json", "--since", "30d"],
        env={**os.environ, **env},
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - start, len(done.stdout.splitlines())


def _monitor(env: dict[str, str], state: Path) -> PtyProcess:
    command = [
        sys.executable,
        "-m",
        "suno_tui",
        "--account",
        "--since",
        "30d",
        "--state",
        str(state),
        "--no-bell",
    ]
    return PtyProcess(command, columns=120, rows=40, env=env)


def _discovery(quick: bool) -> Row:
    count = 1_000 if quick else 10_000
    sim = _account(count)
    with tempfile.TemporaryDirectory() as folder, SimulatorThread(sim) as base_url:
        root = Path(folder)
        env = _env(sim, base_url, root)
        # The first pass renders every task in the simulator (cached after):
        # warm it, then time the command as it prints.
        _tasks_command(env)
        sim.account.api_limit.reset()
        baseline, printed = _tasks_command(env)
        sim.account.api_limit.reset()
        before = sim.stats.paths["/api/task/self"]
        with _monitor(env, root / "state.db") as app:
            shown = app.wait_for(f"{count} watched", timeout=300)
            time.sleep(0.5)
        requests = sim.stats.paths["/api/task/self"] - before
    expected = math.ceil(count / PAGE)
    return Row(
        "account-discovery",
        f"monitor --account --since 30d shows {count:,} account tasks "
        f"({requests} list requests; tasks printed {printed:,})",
        shown,
        "s",
        f"{expected} requests; <= 2x 'tasks --json --since 30d'",
        ok=requests == expected and printed == count and shown <= 2 * baseline,
        baseline="suno-tui tasks --json --since 30d",
        baseline_value=baseline,
    )


def _idle(quick: bool) -> Row:
    window = 10.0 if quick else 40.0  # less than the 60 s between two looks
    sim = _account(100)
    with tempfile.TemporaryDirectory() as folder, SimulatorThread(sim) as base_url:
        root = Path(folder)
        env = _env(sim, base_url, root)
        with _monitor(env, root / "state.db") as app:
            app.wait_for("100 watched", timeout=60)
            app.wait_for("left", timeout=60)  # the balance is in
            time.sleep(SETTLE)
            looks = sim.stats.paths["/api/task/self"]
            start = time.perf_counter()
            time.sleep(window)
            end = time.perf_counter()
            written = app.bytes_between(start, end)
            looked = sim.stats.paths["/api/task/self"] - looks
    rate = written / (end - start)
    return Row(
        "account-idle",
        f"idle monitor in account mode, 100 finished tasks, {window:.0f} s between looks "
        f"in a real pty ({written:,} bytes; {looked} looks meanwhile)",
        rate,
        "bytes/s",
        "0 bytes/s",
        ok=written == 0,
    )


def run(quick: bool) -> list[Row]:
    return [_discovery(quick), _idle(quick)]
