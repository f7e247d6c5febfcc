"""Row 5: terminal output per poll with 100 tasks in progress, 10 changing,
against the bytes of one full frame, in a real pty (120x40). The same is
measured with 1,000 tasks in progress: bytes must grow with the changed rows,
not with the table.

A full frame is measured by resizing the terminal (SIGWINCH makes Textual
repaint everything). Bytes per poll are those written between one scripted
poll and the next (see pty_poll_app.py), averaged over the polls.
"""

from __future__ import annotations

import fcntl
import itertools
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

from benchmarks.common import Row
from benchmarks.pty_harness import PtyProcess
from benchmarks.stores import build_store

PERIOD = 1.5


def _full_frame_bytes(app: PtyProcess) -> int:
    start = time.perf_counter()
    fcntl.ioctl(app._master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 119, 0, 0))
    app.process.send_signal(signal.SIGWINCH)
    time.sleep(0.6)
    fcntl.ioctl(app._master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    app.process.send_signal(signal.SIGWINCH)
    middle = time.perf_counter()
    time.sleep(0.6)
    return app.bytes_between(middle, time.perf_counter()) or app.bytes_between(start, middle)


def _marks(path: Path) -> list[float]:
    return [float(line) for line in path.read_text().split()] if path.exists() else []


def _measure(tasks: int, changing: int, polls: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        state, marks = root / "state.db", root / "marks.txt"
        build_store(state, streaming=tasks)
        command = [
            sys.executable,
            "-m",
            "benchmarks.pty_poll_app",
            str(state),
            str(changing),
            str(PERIOD),
            str(marks),
        ]
        with PtyProcess(command, columns=120, rows=40) as app:
            app.wait_for("watched", timeout=60)
            time.sleep(0.5)
            full = _full_frame_bytes(app)
            # Wall-clock moments of the polls, on the harness's clock.
            offset = time.perf_counter() - time.time()
            deadline = time.perf_counter() + 60
            while len(_marks(marks)) < polls + 3 and time.perf_counter() < deadline:
                time.sleep(0.2)
            moments = [moment + offset for moment in _marks(marks)]
    # Skip the first polls (the resize above may overlap them).
    spans = list(itertools.pairwise(moments[2:]))[:polls]
    per_poll = [app.bytes_between(start, end) for start, end in spans]
    return statistics.median(per_poll), full


def run(quick: bool) -> list[Row]:
    polls = 3 if quick else 6
    small, full_small = _measure(100, 10, polls)
    large, _ = _measure(1_000, 10, polls)
    return [
        Row(
            5,
            "terminal output per poll, 100 in progress, 10 changing (real pty, 120x40)",
            small,
            "bytes",
            "grows with the changed rows, not with the table",
            ok=small < full_small / 3 and large <= 1.5 * small,
            baseline="one full frame",
            baseline_value=full_small,
            note=f"with 1,000 in progress: {large:,.0f} bytes per poll",
        )
    ]
