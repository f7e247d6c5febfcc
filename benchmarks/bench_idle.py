"""Row 4: terminal output and CPU of an idle monitor (1,000 finished tasks)
in a real pty, over 60 s. Nothing changes, so almost nothing should be
written: no animation, and relative times that change only slowly."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Row
from benchmarks.pty_harness import PtyProcess
from benchmarks.stores import build_store

SETTLE = 3.0
#: the longest a start-up toast stays (the account's refusals: 10 s)
TOAST_SECONDS = 10.0


def run(quick: bool) -> list[Row]:
    window = 5.0 if quick else 60.0
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        state = root / "state.db"
        build_store(state, finished=1_000)
        command = [
            sys.executable,
            "-m",
            "suno_tui",
            "--state",
            str(state),
            "--base-url",
            "http://127.0.0.1:9",
            "--token",
            "bench-token",
            "--no-bell",
        ]
        env = {"XDG_CONFIG_HOME": str(root), "SUNO_TUI_CONFIG": str(root / "none.toml")}
        with PtyProcess(command, columns=120, rows=40, env=env) as app:
            started = time.perf_counter()
            app.wait_for("watched", timeout=60)
            time.sleep(SETTLE)
            cpu_start, start = app.cpu_seconds(), time.perf_counter()
            time.sleep(window)
            cpu_end, end = app.cpu_seconds(), time.perf_counter()
            written = app.bytes_between(start, end)
            # Start-up notices (a toast lasts up to 10 s from the start) going
            # away repaint what they covered once; after them, the steady state.
            steady_from = max(start, started + TOAST_SECONDS)
            steady = (
                f"{app.bytes_between(steady_from, end) / (end - steady_from):.1f} bytes/s"
                if end > steady_from
                else "not reached"
            )
    elapsed = end - start
    rate = written / elapsed
    cpu = (cpu_end - cpu_start) / elapsed * 100
    return [
        Row(
            4,
            f"idle monitor, 1,000 finished tasks, {window:.0f} s in a real pty "
            f"({written:,} bytes; after start-up toasts {steady}; CPU {cpu:.2f}%)",
            rate,
            "bytes/s",
            "<= 100 bytes/s; CPU <= 1%",
            ok=rate <= 100 and cpu <= 1.0,
        )
    ]
