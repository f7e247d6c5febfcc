"""Row 9: downloads as a person makes them, and one big file.

- ``D`` of 200 finished clips (100 tasks of two clips, mp3s of 3-8 MB each,
  plus their covers) through the engine's download path (fresh links, plan,
  cover first, transfer, ID3 tags, rename, record), headless in a child
  process (``benchmarks/download_child.py``), against
  ``curl --parallel --parallel-max 4`` fetching the same mp3s and covers in
  the same run; both are served by the simulator's asset server from a
  thread of this process. Throughput is the bytes of those files over the
  wall time; the target is >= 0.8x curl's. Memory: the child's peak RSS
  after the last task, against after a quarter of them (flat: it must not
  grow with the number of files).
- the same ``D`` and the same curl over a 1 Gbit/s link (the simulator's
  ``link_rate``: every asset body shares 125 MB/s, as a person's connection
  is shared by their downloads; faster than most people's): what a user sees
  when the network, not the loopback copy, sets the pace. Same target.
- ``D`` of clips with ``wav = true`` on a hosted gateway (the simulator's
  hosted family): each clip's 3-minute WAV (31.75 MB: 44.1 kHz, 16-bit
  stereo) asked of the gateway and saved beside its mp3 (2.9 MB) and cover,
  at the first measure's speed (the WAV streams to disk through the mp3's
  transfer path); curl fetching the same mp3s, covers and WAVs for scale.
- information only: the same ``D`` with ``tag_mp3 = false`` (what the
  tags cost: written in front of the audio as it streams, they should cost
  little), and
  one 256 MB file with the writer alone against
  ``curl -s -o`` (best of a few each), and the peak RSS of that download.

``python -m benchmarks.bench_download`` runs it alone.
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
from typing import Any

import httpx

from benchmarks.common import Row
from suno_tui.simulator import ManualClock, Simulator, SimulatorThread

MB = 1_000_000
TARGET_RATIO = 0.8
TARGET_MEMORY_GROWTH = 20 * 1024 * 1024
TASKS = 100  # two clips each: 200 clips
PARALLEL = 4
#: the link of the second measure: 1 Gbit/s
LINK_RATE = 125 * MB
#: a 3-minute song: its WAV (44.1 kHz, 16-bit stereo, with its 44-byte header) and mp3
WAV_SIZE = 180 * 44_100 * 4 + 44
MP3_SIZE = 180 * 16_000
WAV_TASKS = 4  # two clips each

# The child: one download with the real writer, timed around the transfer only
# (like curl's time_total). It reports its own peak RSS from VmHWM: the
# rusage of a child counts the parent's memory at fork time (Linux keeps the
# pre-exec high-water mark), which made every download look 255 MB big.
_CHILD = """
import asyncio, json, sys, time
from pathlib import Path
import httpx
from suno_tui.downloads.transfer.writer import download

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


def _library(sim: Simulator, tasks: int, rng: random.Random) -> tuple[list[str], list[str]]:
    """``tasks`` finished tasks of two clips, mp3s of 3-8 MB: their ids, and
    the URLs of the files ``D`` fetches (each clip's mp3 and its cover)."""
    ids: list[str] = []
    urls: list[str] = []
    for _ in range(tasks):
        size = rng.randrange(3 * MB, 8 * MB)
        task_id = sim.add_task("success", elapsed=3600, asset_sizes={"mp3": size})
        ids.append(task_id)
        for clip in sim.render(task_id)["data"]:
            urls += [clip["audio_url"], clip["image_large_url"] or clip["image_url"]]
    return ids, urls


def _d_child(
    sim: Simulator, ids: list[str], folder: Path, *, tags: bool, wav: bool = False
) -> dict[str, float]:
    mode = "wav" if wav else "tags" if tags else "no-tags"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.download_child", sim.base_url, sim.token, str(folder),
         mode, *ids],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"the D child failed: {done.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def _curl_parallel(urls: list[str], folder: Path) -> tuple[float, int]:
    """(seconds, bytes) of ``curl --parallel --parallel-max 4`` over ``urls``."""
    folder.mkdir()
    config = folder / "urls.curl"
    config.write_text(
        "".join(f'url = "{url}"\noutput = "{folder / f"{n}.bin"}"\n' for n, url in enumerate(urls))
    )
    start = time.perf_counter()
    subprocess.run(
        [
            "curl",
            "--parallel",
            "--parallel-max",
            str(PARALLEL),
            "--no-progress-meter",
            "--fail",
            "-K",
            str(config),
        ],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    size = sum(path.stat().st_size for path in folder.glob("*.bin"))
    return seconds, size


def measure_d(quick: bool, link_rate: float | None = None) -> dict[str, float]:
    """``D`` of the library against curl over the same files, alternating;
    over a link of ``link_rate`` bytes/s if given (then without the untagged run)."""
    tasks = 10 if quick else TASKS
    repeat = 1 if quick or link_rate else 2
    sim = Simulator(seed=9, clock=ManualClock(), link_rate=link_rate)
    ours: list[dict[str, float]] = []
    untagged: list[float] = []
    curls: list[float] = []
    size = 0
    with SimulatorThread(sim), tempfile.TemporaryDirectory() as scratch:
        ids, urls = _library(sim, tasks, random.Random(9))  # links need the server's address
        for attempt in range(repeat):
            curl_seconds, size = _curl_parallel(urls, Path(scratch) / f"curl{attempt}")
            curls.append(curl_seconds)
            folder = Path(scratch) / f"d{attempt}"
            folder.mkdir()
            ours.append(_d_child(sim, ids, folder, tags=True))
            shutil.rmtree(folder)
            if link_rate is None:
                folder.mkdir()
                untagged.append(_d_child(sim, ids, folder, tags=False)["seconds"])
                shutil.rmtree(folder)
            shutil.rmtree(Path(scratch) / f"curl{attempt}")
    best = min(ours, key=lambda figures: figures["seconds"])
    return {
        "clips": 2.0 * tasks,
        "files": float(len(urls)),
        "mb": size / MB,
        "ours_mb_s": size / best["seconds"] / MB,
        "untagged_mb_s": size / min(untagged) / MB if untagged else 0.0,
        "curl_mb_s": size / min(curls) / MB,
        "peak_quarter": max(figures["peak_quarter"] for figures in ours),
        "peak_end": max(figures["peak_end"] for figures in ours),
    }


def _wav_url(sim: Simulator, clip_id: str) -> str:
    """The WAV's link, asked of the hosted gateway (it is made at once here)."""
    answer = httpx.get(
        f"{sim.base_url}/suno/act/wav/{clip_id}",
        headers={"Authorization": f"Bearer {sim.token}"},
        timeout=30,
    ).json()
    url = answer["data"]
    assert isinstance(url, str) and url.startswith("http"), answer
    return url


def measure_wav(quick: bool) -> dict[str, float]:
    """``D`` with ``wav = true`` (WAV, mp3, cover per clip) against curl over
    the same files, alternating; best of each."""
    tasks = 1 if quick else WAV_TASKS
    repeat = 1 if quick else 2
    sim = Simulator(seed=9, clock=ManualClock(), family="hosted", wav_delay=0)
    ours: list[float] = []
    curls: list[float] = []
    peaks: list[float] = []
    size = 0
    with SimulatorThread(sim), tempfile.TemporaryDirectory() as scratch:
        ids: list[str] = []
        urls: list[str] = []
        for _ in range(tasks):
            task_id = sim.add_task(
                "success", elapsed=3600, asset_sizes={"mp3": MP3_SIZE, "wav": WAV_SIZE}
            )
            ids.append(task_id)
            for clip in sim.render(task_id)["data"]:
                cover = clip["image_large_url"] or clip["image_url"]
                urls += [clip["audio_url"], cover, _wav_url(sim, clip["id"])]
        for attempt in range(repeat):
            curl_seconds, size = _curl_parallel(urls, Path(scratch) / f"curl{attempt}")
            curls.append(curl_seconds)
            shutil.rmtree(Path(scratch) / f"curl{attempt}")
            folder = Path(scratch) / f"d{attempt}"
            folder.mkdir()
            figures = _d_child(sim, ids, folder, tags=True, wav=True)
            wavs = list((folder / "downloads").glob("*.wav"))
            if len(wavs) != 2 * tasks or any(w.stat().st_size != WAV_SIZE for w in wavs):
                raise RuntimeError(f"D saved {len(wavs)} WAVs of {2 * tasks}")
            ours.append(figures["seconds"])
            peaks.append(figures["peak_end"])
            shutil.rmtree(folder)
    return {
        "clips": 2.0 * tasks,
        "peak": max(peaks),
        "mb": size / MB,
        "ours_mb_s": size / min(ours) / MB,
        "curl_mb_s": size / min(curls) / MB,
    }


def measure_big(quick: bool) -> dict[str, float]:
    big = (32 if quick else 256) * MB
    repeat = 1 if quick else 3
    sim = Simulator(seed=9, clock=ManualClock())
    with SimulatorThread(sim), tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "asset.mp3"
        url = _asset_url(sim, big)
        _curl(url, target)  # warm up the simulator's asset cache and the page cache
        ours: list[float] = []
        curls: list[float] = []
        peaks: list[int] = []
        for _ in range(repeat):
            seconds, size, peak = _ours(url, target)
            assert size == big
            ours.append(seconds)
            peaks.append(peak)
            seconds, size = _curl(url, target)
            assert size == big
            curls.append(seconds)
        target.unlink(missing_ok=True)
    return {
        "big": big,
        "ours_mb_s": big / min(ours) / MB,
        "curl_mb_s": big / min(curls) / MB,
        "peak": float(max(peaks)),
    }


def against_curl(number: int | str, figure: str, m: dict[str, float], *, link: bool) -> Row:
    """A throughput row against curl's, same files, same run (``link``: both
    behind the emulated link)."""
    return Row(
        number,
        figure,
        m["ours_mb_s"],
        "MB/s",
        f">= {TARGET_RATIO:.0%} of curl's throughput",
        ok=m["ours_mb_s"] >= TARGET_RATIO * m["curl_mb_s"],
        baseline=f"curl --parallel --parallel-max {PARALLEL}, same files"
        + (", same link" if link else ""),
        baseline_value=m["curl_mb_s"],
    )


def link_figure(what: str) -> str:
    return (
        f"the same {what} over a {LINK_RATE * 8 / 1e9:.0f} Gbit/s link (the simulator's "
        "link_rate: every asset body shares it)"
    )


def flat_memory(number: int | str, figure: str, m: dict[str, float], of: str) -> Row:
    """Peak RSS at the end against after a quarter of the work: flat."""
    growth = m["peak_end"] - m["peak_quarter"]
    return Row(
        number,
        figure,
        m["peak_end"] / 2**20,
        "MiB",
        f"within 20 MB of the peak after a quarter of {of}",
        ok=growth <= TARGET_MEMORY_GROWTH,
        baseline="after a quarter",
        baseline_value=m["peak_quarter"] / 2**20,
        note=f"+{growth / 2**20:.1f} MiB",
    )


def run(quick: bool) -> list[Row]:
    if shutil.which("curl") is None:
        return [Row(9, "download throughput (curl not installed: skipped)", 0, "MB/s", "-", True)]
    d = measure_d(quick)
    linked = measure_d(quick, LINK_RATE)
    wav = measure_wav(quick)
    big = measure_big(quick)
    return [
        against_curl(
            9,
            f"D of {d['clips']:.0f} finished clips ({d['files']:.0f} files, "
            f"{d['mb']:.0f} MB: mp3s of 3-8 MB and covers) through the engine, from the simulator",
            d,
            link=False,
        ),
        against_curl(9, link_figure("D"), linked, link=True),
        Row(
            9,
            f"D of {wav['clips']:.0f} clips with wav = true ({wav['mb']:.0f} MB: each a "
            f"{WAV_SIZE / MB:.1f} MB WAV asked of a hosted gateway, beside its mp3 and cover)",
            wav["ours_mb_s"],
            "MB/s",
            "at the speed of the D of mp3s and covers (first row, same run)",
            ok=wav["ours_mb_s"] >= d["ours_mb_s"],
            baseline="the first row's D",
            baseline_value=d["ours_mb_s"],
            note=f"curl --parallel --parallel-max {PARALLEL}, same files: "
            f"{wav['curl_mb_s']:.0f} MB/s; peak RSS {wav['peak'] / 2**20:.0f} MiB",
        ),
        Row(
            9,
            "information: the same D without ID3 tags (tag_mp3 = false): where the time goes",
            d["untagged_mb_s"],
            "MB/s",
            "-",
            ok=True,
            baseline="curl, same run",
            baseline_value=d["curl_mb_s"],
        ),
        flat_memory(9, f"peak RSS of the D child after all {d['clips']:.0f} clips", d, "them"),
        Row(
            9,
            f"information: one {big['big'] / MB:.0f} MB file, writer alone "
            f"(peak RSS {big['peak'] / 2**20:.0f} MiB)",
            big["ours_mb_s"],
            "MB/s",
            "-",
            ok=True,
            baseline="curl -s -o, same URL",
            baseline_value=big["curl_mb_s"],
        ),
    ]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_download")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    for row in run(args.quick):
        print(json.dumps(row.as_dict()))
