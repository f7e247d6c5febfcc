"""Run ``python -m suno_tui ...`` as a child and measure it: its own peak
resident memory and how long it took. The wait is bounded: a child still
running at ``timeout`` is killed and reported as such.

The peak is the child's ``VmHWM`` (Linux), read by the child itself as it
exits. ``wait4``'s ``ru_maxrss`` will not do: it keeps the high-water mark of
the process image before ``exec``, which a fork (or vfork) of a big pytest
process shares, so a 40 MiB child could report 300 MiB.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Runs the CLI like ``python -m suno_tui`` and writes VmHWM (KiB) on the way out.
_PROBE = """
import atexit, os, runpy, sys

def _report():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    with open(os.environ["SUNO_TUI_MEASURE_HWM"], "w") as out:
                        out.write(line.split()[1])
    except OSError:
        pass

atexit.register(_report)
sys.argv = ["suno-tui", *sys.argv[1:]]
runpy.run_module("suno_tui", run_name="__main__", alter_sys=True)
"""


@dataclass(frozen=True)
class Measured:
    code: int
    stdout: str
    stderr: str
    peak_rss_mib: float  # 0.0 when the child could not say (killed, no /proc)
    seconds: float
    killed: bool  # still running at the timeout


def run_measured(
    argv: list[str],
    env: dict[str, str],
    *,
    timeout: float = 120,
    stdout_file: Path | None = None,
) -> Measured:
    """``stdout_file``: the child's output goes there, not into memory
    (``Measured.stdout`` is then empty)."""
    with tempfile.TemporaryDirectory(prefix="suno-tui-measure-") as folder:
        hwm = Path(folder) / "hwm"
        started = time.perf_counter()
        killed = False
        out = stdout_file.open("wb") if stdout_file is not None else None
        try:
            done = subprocess.run(
                [sys.executable, "-c", _PROBE, *argv],
                stdin=subprocess.DEVNULL,
                stdout=out if out is not None else subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**env, "SUNO_TUI_MEASURE_HWM": str(hwm)},
                timeout=timeout,
                check=False,
            )
            code, stdout, stderr = done.returncode, done.stdout or b"", done.stderr
        except subprocess.TimeoutExpired as expired:
            killed = True
            code, stdout, stderr = -9, expired.stdout or b"", expired.stderr or b""
        finally:
            if out is not None:
                out.close()
        seconds = time.perf_counter() - started
        peak = int(hwm.read_text()) / 1024 if hwm.exists() else 0.0
    return Measured(
        code,
        stdout.decode("utf-8", "replace"),
        stderr.decode("utf-8", "replace"),
        peak,
        seconds,
        killed,
    )
