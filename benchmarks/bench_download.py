"""Row 9: downloading a 256 MB asset from the simulator over loopback.

- throughput of our writer (streaming, sha256, fsync, atomic rename) against
  ``curl -s -o`` of the same URL, alternating, best of five each;
- peak memory (RSS high-water mark from ``wait4``) of a child process that
  downloads a 16 MB and a 256 MB file: it must not grow with the file.

Both downloaders run in child processes against a simulator served from a
thread of this process. ``python -m benchmarks.bench_download`` runs it alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import Row
from suno_tui.simulator import ManualClock, Simulator, SimulatorThread

MB = 1_000_000
TARGET_RATIO = 0.8
TARGET_MEMORY_GROWTH = 20 * 1024 * 1024

# The child: one download with the real writer, timed around the transfer only
# (like curl's time_total). It reports its own peak RSS from VmHWM: the
# rusage of a child counts the parent's memory at fork time (Linux keeps the
# pre-exec high-water mark), which made every download look 255 MB big.
_CHILD = """
import asyncio, json, sys, time
from pathlib import Path
import httpx
from suno_tui.downloads.writer import download

async def main(url, target):
    # the manager's client: synchronous, the transfer runs in a worker thread
    with httpx.Client(timeout=60, verify=False) as client:
        start = time.perf_counter()
        written = await download(client, url, Path(target), "audio")
        elapsed = time.perf_counter() - start
    hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    peak = int(hwm.split()[1]) * 1024
    print(json.dumps({"seconds": elapsed, "size": written.size, "sha256": written.sha256,
                      "peak": peak}))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def _ours(url: str, target: Path) -> tuple[float, int, int]:
    """(seconds, bytes, peak RSS in bytes) of one download in a child process."""
    target.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, url, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, status, _usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"download child failed: {err}")
    result: dict[str, Any] = json.loads(out)
    return float(result["seconds"]), int(result["size"]), int(result["peak"])


def _curl(url: str, target: Path) -> tuple[float, int]:
    target.unlink(missing_ok=True)
    done = subprocess.run(
        ["curl", "-s", "-o", str(target), "-w", "%{time_total} %{size_download}", url],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds, size = done.stdout.split()
    return float(seconds), int(float(size))


def _asset_url(sim: Simulator, size: int) -> str:
    task_id = sim.add_task("success", elapsed=3600, asset_sizes={"mp3": size})
    url: str = sim.render(task_id)["data"][0]["audio_url"]
    return url


def measure(quick: bool) -> dict[str, float]:
    big = (32 if quick else 256) * MB
    small = 16 * MB
    repeat = 1 if quick else 5
    sim = Simulator(seed=9, clock=ManualClock())
    figures: dict[str, float] = {"big": big, "small": small}
    with SimulatorThread(sim), tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "asset.mp3"
        big_url = _asset_url(sim, big)
        small_url = _asset_url(sim, small)
        _curl(big_url, target)  # warm up the simulator's asset cache and the page cache
        ours: list[float] = []
        curls: list[float] = []
        peaks_big: list[int] = []
        for _ in range(repeat):
            seconds, size, peak = _ours(big_url, target)
            assert size == big
            ours.append(seconds)
            peaks_big.append(peak)
            seconds, size = _curl(big_url, target)
            assert size == big
            curls.append(seconds)
        peaks_small = [_ours(small_url, target)[2] for _ in range(repeat)]
        target.unlink(missing_ok=True)
    figures["ours_mb_s"] = big / min(ours) / MB
    figures["curl_mb_s"] = big / min(curls) / MB
    figures["peak_small"] = float(max(peaks_small))
    figures["peak_big"] = float(max(peaks_big))
    return figures


def run(quick: bool) -> list[Row]:
    if shutil.which("curl") is None:
        return [Row(9, "download throughput (curl not installed: skipped)", 0, "MB/s", "-", True)]
    f = measure(quick)
    ratio = f["ours_mb_s"] / f["curl_mb_s"]
    growth = f["peak_big"] - f["peak_small"]
    big_mb = f["big"] / MB
    return [
        Row(
            9,
            f"download of a {big_mb:.0f} MB asset from the simulator "
            "(sha256 + fsync + atomic rename included)",
            f["ours_mb_s"],
            "MB/s",
            f">= {TARGET_RATIO:.0%} of curl's throughput",
            ok=ratio >= TARGET_RATIO,
            baseline="curl -s -o, same URL",
            baseline_value=f["curl_mb_s"],
        ),
        Row(
            9,
            f"peak RSS of the download child, {big_mb:.0f} MB file",
            f["peak_big"] / 2**20,
            "MiB",
            "within 20 MB of the 16 MB download",
            ok=growth <= TARGET_MEMORY_GROWTH,
            baseline="16 MB file",
            baseline_value=f["peak_small"] / 2**20,
            note=f"+{growth / 2**20:.1f} MiB",
        ),
    ]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_download")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    for row in run(args.quick):
        print(json.dumps(row.as_dict()))
