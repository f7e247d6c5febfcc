"""Issue #22, item 7: the first frame of an empty monitor against a bare
Textual app (a ``Static`` and a ``Footer``), both in a real pty, in the same
run and interleaved, so that the machine's load hits both alike.

The monitor runs as the real command (``python -m suno_tui``) over an empty
store; its first frame is the moment the status bar's "watched" count is on
screen. The bare app's is the moment its one line of text is.

Both run from bytecode, as an installed program does: Textual's is compiled
in site-packages, and suno_tui's is compiled here first. Without that, with
``PYTHONDONTWRITEBYTECODE`` set, every run of the monitor compiled its ~130
modules again (~90 ms) and the bare app compiled nothing.
"""

from __future__ import annotations

import compileall
import statistics
import sys
import tempfile
from pathlib import Path

import suno_tui
from benchmarks.common import Row
from benchmarks.pty_harness import PtyProcess
from benchmarks.stores import build_store

BARE_TEXT = "bare app ready"
BARE_APP = f"""
from textual.app import App
from textual.widgets import Footer, Static


class Bare(App[None]):
    def compose(self):
        yield Static({BARE_TEXT!r})
        yield Footer()


Bare().run()
"""


def _monitor(state: Path, home: Path) -> float:
    command = [sys.executable, "-m", "suno_tui", "--state", str(state)]
    command += ["--base-url", "http://127.0.0.1:9", "--token", "bench-token", "--no-bell"]
    env = {"XDG_CONFIG_HOME": str(home), "SUNO_TUI_CONFIG": str(home / "none.toml")}
    with PtyProcess(command, columns=120, rows=40, env=env) as app:
        return app.wait_for("watched", timeout=60)


def _bare(script: Path) -> float:
    with PtyProcess([sys.executable, str(script)], columns=120, rows=40) as app:
        return app.wait_for(BARE_TEXT, timeout=60)


def run(quick: bool) -> list[Row]:
    repeat = 2 if quick else 7
    monitor_runs: list[float] = []
    bare_runs: list[float] = []
    compileall.compile_dir(Path(suno_tui.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        state = root / "empty.db"
        build_store(state)
        script = root / "bare_app.py"
        script.write_text(BARE_APP)
        for _ in range(repeat):
            bare_runs.append(_bare(script))
            monitor_runs.append(_monitor(state, root))
    monitor = statistics.median(monitor_runs)
    bare = statistics.median(bare_runs)
    return [
        Row(
            "first-frame",
            "first frame of an empty monitor (real pty, 120x40)",
            monitor * 1000,
            "ms",
            "<= 1.5x the bare app",
            ok=monitor <= 1.5 * bare,
            baseline="bare Textual app (Static + Footer)",
            baseline_value=bare * 1000,
            note=f"{repeat} runs each, medians, both from bytecode",
        )
    ]
