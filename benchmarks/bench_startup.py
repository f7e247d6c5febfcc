"""Row 6: start-up of the headless paths against ``python -c pass``.

Each command runs as a fresh process; the figure is the median wall time.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from benchmarks.common import Row

COMMANDS = {
    "suno-tui --version": ["-m", "suno_tui", "--version"],
    "suno-tui fetch --help": ["-m", "suno_tui", "fetch", "--help"],
}


def _median_seconds(args: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _imports_textual_or_httpx(args: list[str]) -> bool:
    probe = (
        "import runpy, sys\n"
        f"sys.argv = ['suno-tui', *{args[2:]!r}]\n"
        "try:\n    runpy.run_module('suno_tui', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(any(m in sys.modules for m in ('textual', 'httpx')), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    return done.stderr.strip().endswith("True")


def run(quick: bool) -> list[Row]:
    repeat = 5 if quick else 30
    base = _median_seconds(["-c", "pass"], repeat)
    rows = []
    for name, args in COMMANDS.items():
        value = _median_seconds(args, repeat)
        heavy = _imports_textual_or_httpx(args)
        rows.append(
            Row(
                6,
                name,
                value * 1000,
                "ms",
                "<= 3x python -c pass, no Textual/httpx import",
                ok=value <= 3 * base and not heavy,
                baseline="python -c pass",
                baseline_value=base * 1000,
                note="imports Textual or httpx!" if heavy else "",
            )
        )
    return rows
