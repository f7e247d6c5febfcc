"""Row "sync": ``suno-tui sync DIR`` of the account's 200 finished clips.

The same library as row 9 (100 tasks of two clips, mp3s of 3-8 MB, and
their covers), in the simulator's account (new-api task list, access token),
served from a thread of this process:

- the real command in a child process (``python -m suno_tui sync DIR --json
  --concurrency 4``: the task list, the check of the records, the download
  manager, tags, records) against ``curl --parallel --parallel-max 4``
  fetching the same mp3s and covers in the same run, alternating; throughput
  is those files' bytes over the wall time from the start of the process to
  its end. Target >= 0.8x curl's. On loopback both are bound by the CPU
  (two cores shared with the simulator); the same pair then runs again over
  an emulated 1 Gbit/s link (row 9's), where they are bound by the network,
  as a person's sync is.
- memory: the child's peak RSS (VmHWM, read from /proc while it runs) when a
  quarter of the files are written, against just before it ends. Flat: it
  must not grow with the number of files.
- a second ``sync`` of the same folder: no asset request (counted at the
  simulator), and its wall time, start of the process to its end, < 2 s.

``python -m benchmarks.bench_sync`` runs it alone.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_download import (
    LINK_RATE,
    MB,
    PARALLEL,
    TASKS,
    _curl_parallel,
    _library,
    against_curl,
    flat_memory,
    link_figure,
)
from benchmarks.common import Row
from suno_tui.simulator import ManualClock, Simulator, SimulatorThread

TARGET_SECOND = 2.0


def _peak(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return None  # it has ended
    return int(line.split()[1]) * 1024


def _env(sim: Simulator, scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUNO_TUI_")}
    return {
        **env,
        "XDG_CONFIG_HOME": str(scratch / "config"),
        "SUNO_TUI_BASE_URL": sim.base_url,
        "SUNO_TUI_TOKEN": sim.token,
        "SUNO_TUI_ACCESS_TOKEN": sim.access_token,
        "SUNO_TUI_USER_ID": str(sim.user_id),
    }


def _sync(sim: Simulator, folder: Path, state: Path, files: int) -> dict[str, float]:
    """One ``sync`` in a child: wall seconds, peaks, its summary's counts."""
    env = {**_env(sim, folder.parent), "SUNO_TUI_STATE": str(state)}
    argv = [sys.executable, "-m", "suno_tui", "sync", str(folder), "--json",
            "--concurrency", str(PARALLEL)]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    written = 0
    quarter: int | None = None
    last: int | None = None
    summary: dict[str, float] = {}
    for line in proc.stdout:
        document = json.loads(line)
        if document.get("event") == "summary":
            summary = document
            last = _peak(proc.pid) or last
            continue
        if document.get("state") == "done":
            written += 1
            last = _peak(proc.pid) or last
            if quarter is None and written >= files // 4:
                quarter = last
    err = proc.stderr.read()
    proc.wait()
    seconds = time.perf_counter() - start
    proc.stdout.close()
    proc.stderr.close()
    if proc.returncode != 0 or not summary:
        raise RuntimeError(f"sync failed ({proc.returncode}): {err[-2000:]}")
    return {
        "seconds": seconds,
        "new": float(summary["new"]),
        "present": float(summary["present"]),
        "peak_quarter": float(quarter or 0),
        "peak_end": float(last or 0),
    }


def measure(quick: bool, link_rate: float | None = None) -> dict[str, float]:
    """The figures on loopback, or over a link of ``link_rate`` bytes/s that
    every asset body shares (then one attempt)."""
    tasks = 10 if quick else TASKS
    repeat = 1 if quick or link_rate else 2
    sim = Simulator(seed=9, clock=ManualClock(), link_rate=link_rate)
    firsts: list[dict[str, float]] = []
    seconds: list[dict[str, float]] = []
    curls: list[float] = []
    asked_again = 0
    size = 0
    with SimulatorThread(sim), tempfile.TemporaryDirectory() as scratch:
        _ids, urls = _library(sim, tasks, random.Random(9))
        files = 4 * 2 * tasks  # mp3, cover, lyrics, JSON per clip
        for attempt in range(repeat):
            curl_seconds, size = _curl_parallel(urls, Path(scratch) / f"curl{attempt}")
            curls.append(curl_seconds)
            shutil.rmtree(Path(scratch) / f"curl{attempt}")
            run = Path(scratch) / f"sync{attempt}"
            run.mkdir()
            first = _sync(sim, run / "library", run / "state.db", files)
            if first["new"] != files:
                raise RuntimeError(f"the first sync wrote {first['new']:.0f} of {files} files")
            firsts.append(first)
            before = sim.stats.requests["asset"]
            second = _sync(sim, run / "library", run / "state.db", files)
            asked_again += sim.stats.requests["asset"] - before
            if second["present"] != files or second["new"]:
                raise RuntimeError(f"the second sync: {second}")
            seconds.append(second)
            shutil.rmtree(run)
    best = min(firsts, key=lambda figures: figures["seconds"])
    return {
        "clips": 2.0 * tasks,
        "files": float(len(urls)),
        "mb": size / MB,
        "ours_mb_s": size / best["seconds"] / MB,
        "curl_mb_s": size / min(curls) / MB,
        "peak_quarter": max(f["peak_quarter"] for f in firsts),
        "peak_end": max(f["peak_end"] for f in firsts),
        "second_s": max(s["seconds"] for s in seconds),
        "asked_again": float(asked_again),
    }


def run(quick: bool) -> list[Row]:
    if shutil.which("curl") is None:
        return [Row("sync", "sync throughput (curl not installed: skipped)", 0, "MB/s", "-", True)]
    m = measure(quick)
    linked = measure(quick, LINK_RATE)
    return [
        against_curl(
            "sync",
            f"suno-tui sync DIR of {m['clips']:.0f} finished clips of the account "
            f"({m['files']:.0f} files, {m['mb']:.0f} MB: mp3s of 3-8 MB and covers; plus "
            "lyrics and JSON), the whole command, from the simulator",
            m,
            link=False,
        ),
        against_curl("sync", link_figure("sync"), linked, link=True),
        flat_memory(
            "sync", f"peak RSS of that sync after all {m['clips']:.0f} clips", m, "the files"
        ),
        Row(
            "sync",
            "a second sync of the same folder: the whole command "
            f"({m['asked_again']:.0f} asset requests)",
            m["second_s"],
            "s",
            f"no asset request, < {TARGET_SECOND:g} s",
            ok=m["asked_again"] == 0 and m["second_s"] < TARGET_SECOND,
        ),
    ]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_sync")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    for row in run(args.quick):
        print(json.dumps(row.as_dict()))
