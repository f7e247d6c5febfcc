"""Rows 1 and 7: the monitor's first full frame and peak memory in a real pty,
with 10,000 tasks in the store against the same app with an empty store; and
issue #13's rows 13.1, 13.2 and 13.6: the same with 100,000 tasks, and the
state file's bytes per task.

The monitor runs as the real command (``python -m suno_tui --state ...``);
the tasks are finished, so nothing is polled and no network is involved. The
first full frame is the moment the status bar's "watched" count is on
screen. Memory is the process's high-water mark (VmHWM) once the process
has gone idle (the rest of a long history is read after the first frame).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Row
from benchmarks.pty_harness import PtyProcess
from benchmarks.stores import build_store

SETTLE = 2.0  # seconds after the first frame before reading peak memory, at least
IDLE_FOR = 0.5  # ... and until the process used no CPU for this long


def _command(state: Path) -> list[str]:
    return [
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


def _measure(state: Path, home: Path) -> tuple[float, float]:
    env = {"XDG_CONFIG_HOME": str(home), "SUNO_TUI_CONFIG": str(home / "none.toml")}
    with PtyProcess(_command(state), columns=120, rows=40, env=env) as app:
        first_frame = app.wait_for("watched", timeout=60)
        time.sleep(SETTLE)
        deadline = time.perf_counter() + 60
        used = app.cpu_seconds()
        while time.perf_counter() < deadline:
            time.sleep(IDLE_FOR)
            now = app.cpu_seconds()
            if now - used < 0.02:
                break
            used = now
        return first_frame, app.peak_rss_mb()


def run(quick: bool) -> list[Row]:
    count = 1_000 if quick else 10_000
    big = 2_000 if quick else 100_000
    repeat = 1 if quick else 3
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        empty, full, huge = root / "empty.db", root / "full.db", root / "huge.db"
        build_store(empty)
        build_store(full, finished=count)
        build_store(huge, finished=big)
        huge_bytes = huge.stat().st_size
        runs_empty, runs_full, runs_huge = [], [], []
        for _ in range(repeat):  # interleaved: the machine's load hits all three alike
            runs_empty.append(_measure(empty, root))
            runs_full.append(_measure(full, root))
            runs_huge.append(_measure(huge, root))
    frame_empty = statistics.median(r[0] for r in runs_empty)
    frame_full = statistics.median(r[0] for r in runs_full)
    frame_huge = statistics.median(r[0] for r in runs_huge)
    rss_empty = statistics.median(r[1] for r in runs_empty)
    rss_full = statistics.median(r[1] for r in runs_full)
    rss_huge = statistics.median(r[1] for r in runs_huge)
    return [
        Row(
            1,
            f"first full frame, {count:,} tasks in the store (real pty, 120x40)",
            frame_full * 1000,
            "ms",
            "<= 1.5x the empty app, <= 1 s",
            ok=frame_full <= 1.5 * frame_empty and frame_full <= 1.0,
            baseline="empty store",
            baseline_value=frame_empty * 1000,
        ),
        Row(
            7,
            f"peak memory (VmHWM), {count:,} tasks",
            rss_full,
            "MB",
            "<= empty + 150 MB",
            ok=rss_full - rss_empty <= 150,
            baseline="empty store",
            baseline_value=rss_empty,
            note=f"+{rss_full - rss_empty:.0f} MB",
        ),
        Row(
            "13.1",
            f"first full frame, {big:,} tasks in the store (real pty, 120x40)",
            frame_huge * 1000,
            "ms",
            "<= 2.5x the empty app, < 1 s",
            ok=frame_huge <= 2.5 * frame_empty and frame_huge < 1.0,
            baseline="empty store",
            baseline_value=frame_empty * 1000,
        ),
        Row(
            "13.2",
            f"peak memory (VmHWM), {big:,} tasks, every row loaded",
            rss_huge,
            "MB",
            "<= empty + 100 MB",
            ok=rss_huge - rss_empty <= 100,
            baseline="empty store",
            baseline_value=rss_empty,
            note=f"+{rss_huge - rss_empty:.0f} MB",
        ),
        Row(
            "13.6",
            f"state file per task, {big:,} finished tasks (2 clips each)",
            huge_bytes / big,
            "bytes",
            "reported; snapshots compressed",
            ok=True,
            note=f"{huge_bytes / 1e6:,.0f} MB in all",
        ),
    ]
