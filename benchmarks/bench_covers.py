"""Hostile covers (issue #21, item 1): what a cover can cost the monitor in CPU,
memory and waiting. Each figure is measured in a child process of its own
(``benchmarks/cover_child.py``) or, for the CPU, in this one.

- ``cover-bomb``: CPU milliseconds for the decoder to answer a 4096x4096
  progressive JPEG of 73,719 empty scans (2.5 MB), beside an ordinary
  4096x4096 progressive JPEG. Before the scan limit it decoded: ~6 ms of CPU
  per scan here (86 s in all on the issue's machine, ~450 s here).
- ``cover-png``: peak RSS after eleven 4096x4096 PNGs (~60 KB each) asked for
  at once, beside eleven ordinary 1024x1024 JPEGs. Before: 710 MiB.
- ``cover-drip``: seconds until an ordinary cover shows after the cursor
  moved over ten covers dripping a byte every 50 ms and 73,719-scan JPEGs.
  Before: never (still waiting at 120 s), the default executor was full.
- ``cover-quit``: seconds from ``q`` to the end of the process, same
  scroll. Before: still running when killed at 120 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Row
from suno_tui.downloads.covers import CoverError, decode_cover
from tests.fixtures.hostile_images import blank_png, progressive_jpeg, scan_bomb_jpeg

BOMB_SCANS = 73_719
KILL_AFTER = 120.0


def _cpu(action: Any) -> tuple[float, str]:
    started = time.process_time()
    try:
        action()
        outcome = "decoded"
    except CoverError as error:
        outcome = str(error)
    return time.process_time() - started, outcome


def _bomb_rows() -> list[Row]:
    bomb = scan_bomb_jpeg((4096, 4096), extra_scans=BOMB_SCANS)
    ordinary = progressive_jpeg((4096, 4096))
    base, _ = _cpu(lambda: decode_cover(ordinary))
    spent, outcome = _cpu(lambda: decode_cover(bomb))
    refused = outcome.startswith("too many JPEG scans")
    return [
        Row(
            "cover-bomb",
            f"CPU to answer a 4096x4096 JPEG of {BOMB_SCANS:,} scans ({len(bomb):,} bytes)",
            spent * 1000,
            "ms",
            "<= an ordinary decode, refused",
            ok=refused and spent <= max(base, 0.05),
            baseline="an ordinary 4096x4096 progressive JPEG",
            baseline_value=base * 1000,
            note="" if refused else f"not refused: {outcome}",
        )
    ]


def _child(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks.cover_child", *argv],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )


def _eleven(folder: Path, body: bytes) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "body.bin"
    path.write_bytes(body)
    child = _child("eleven", str(folder / "covers"), str(path))
    out, _ = child.communicate(timeout=KILL_AFTER)
    figures: dict[str, Any] = json.loads(out)
    return figures


def _png_rows(folder: Path) -> list[Row]:
    import io

    from PIL import Image

    ordinary = io.BytesIO()
    Image.effect_noise((1024, 1024), 60).convert("RGB").save(ordinary, format="JPEG")
    base = _eleven(folder / "ordinary", ordinary.getvalue())
    hit = _eleven(folder / "pngs", blank_png((4096, 4096)))
    return [
        Row(
            "cover-png",
            f"peak RSS after eleven 4096x4096 PNGs of {hit['bytes']:,} bytes asked at once",
            hit["peak_rss_mib"],
            "MiB",
            "<= ordinary covers + 32 MiB",
            ok=hit["peak_rss_mib"] <= base["peak_rss_mib"] + 32,
            baseline="eleven 1024x1024 JPEGs",
            baseline_value=base["peak_rss_mib"],
            note=hit["outcome"],
        )
    ]


def _monitor_rows(folder: Path) -> list[Row]:
    child = _child("monitor-bombs", str(folder / "monitor"))
    assert child.stdout is not None
    line = child.stdout.readline()
    killed = False
    try:
        child.wait(timeout=KILL_AFTER)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        killed = True
    ended = time.monotonic()
    figures = json.loads(line) if line.strip() else {}
    quit_seconds = ended - figures["quit_at"] if "quit_at" in figures else KILL_AFTER
    scroll = "after scrolling over 5 covers dripping 1 byte / 50 ms and 5 scan-bomb JPEGs"
    return [
        Row(
            "cover-drip",
            f"seconds until an ordinary cover shows {scroll}",
            figures.get("cover_seconds", KILL_AFTER),
            "s",
            "<= 5 s",
            ok=bool(figures.get("cover_shown")) and figures["cover_seconds"] <= 5,
        ),
        Row(
            "cover-quit",
            f"seconds from q to exit {scroll}",
            quit_seconds,
            "s",
            "<= 5 s",
            ok=not killed and quit_seconds <= 5,
            note="killed: still running" if killed else "",
        ),
    ]


def run(quick: bool) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-covers-") as name:
        folder = Path(name)
        return [*_bomb_rows(), *_png_rows(folder), *_monitor_rows(folder)]
