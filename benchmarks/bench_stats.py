"""Row "stats": the stats view (``i``) and ``suno-tui stats`` at 100,000 tasks.

Two figures against an empty store: the computation itself (SQL over the state
file on its own read-only connection; median of five), and the view from the
key press to the figures on screen in a headless app (median of three).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

from benchmarks.common import Row
from benchmarks.stores import build_store
from suno_tui.tracking.stats import compute

TARGET_MS = 200.0


def _compute_ms(path: Path) -> float:
    start = time.perf_counter()
    compute(path)
    return (time.perf_counter() - start) * 1000


async def _view_ms(path: Path) -> float:
    from textual.app import App

    from suno_tui.tui.screens.stats_screen import StatsScreen

    app: App[None] = App()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = StatsScreen(partial(compute, path))
        start = time.perf_counter()
        await app.push_screen(screen)
        while screen.stats is None:
            await pilot.pause(0.001)
            if time.perf_counter() - start > 30:
                raise TimeoutError("the stats view did not fill in 30 s")
        return (time.perf_counter() - start) * 1000


def run(quick: bool) -> list[Row]:
    count = 2_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        empty, full = root / "empty.db", root / "full.db"
        build_store(empty)
        build_store(full, finished=count * 95 // 100, streaming=count * 5 // 100)
        compute(full)  # the first read warms the page cache, as the monitor's start has
        sql_empty = statistics.median(_compute_ms(empty) for _ in range(5))
        sql_full = statistics.median(_compute_ms(full) for _ in range(5))
        view_empty = statistics.median(asyncio.run(_view_ms(empty)) for _ in range(3))
        view_full = statistics.median(asyncio.run(_view_ms(full)) for _ in range(3))
    return [
        Row(
            "stats",
            f"stats computed from the state file, {count:,} tasks",
            sql_full,
            "ms",
            f"<= {TARGET_MS:.0f} ms",
            ok=sql_full <= TARGET_MS,
            baseline="empty store",
            baseline_value=sql_empty,
        ),
        Row(
            "stats-view",
            f"'i' to the figures on screen (headless app), {count:,} tasks",
            view_full,
            "ms",
            f"<= {TARGET_MS:.0f} ms",
            ok=view_full <= TARGET_MS,
            baseline="empty store",
            baseline_value=view_empty,
        ),
    ]
