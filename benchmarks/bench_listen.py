"""Row "listen": ``l`` until the player is started with the clip, on a
downloaded file (issue #20), in a headless monitor over a state file of
finished tasks.

The player is a stand-in named ``mpv`` (tests/fixtures/player_standin.py: a
real child process); the figure is the app's own time, from the key press to
the child started with the file (its own start-up is not counted). Baseline:
the same press of ``space`` while nothing plays (the key goes through the
app and does nothing), i.e. what any key costs in the harness.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import Row
from benchmarks.stores import build_store
from suno_tui.downloads.records import store_callbacks
from suno_tui.engine.downloads import DownloadService
from suno_tui.engine.engine import Engine
from suno_tui.relay.models import parse_task
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker
from tests.fixtures.player_standin import StandIn

TARGET_MS = 100.0
PRESSES = 7


def _no_manager(*_: object) -> None:
    raise AssertionError("nothing is downloaded here")


async def _measure(state: Path, bin_dir: Path, first: str) -> tuple[float, float, float]:
    from suno_tui.tui.app import MonitorApp

    with Store.open(state) as store:
        tracker = Tracker(store, clock=lambda: datetime.now(UTC))
        _, lookup = store_callbacks(tracker)
        service = DownloadService(_no_manager, state.parent, ("audio",), lookup)  # type: ignore[arg-type]
        engine = Engine(tracker, downloads=service, polling_off="benchmark")
        app = MonitorApp(engine, clock=lambda: datetime.now(UTC), tz=UTC,
                         env={"PATH": str(bin_dir)}, tick_seconds=3600.0)  # fmt: skip
        listen, idle, action = [], [], []
        async with app.run_test(size=(120, 40)) as pilot:
            app.task_list.select(first)
            await pilot.pause()
            for _ in range(PRESSES):
                start = time.perf_counter()
                await pilot.press("space")
                idle.append(time.perf_counter() - start)
                start = time.perf_counter()
                await pilot.press("l")
                process = app.player.listening.process
                listen.append(time.perf_counter() - start)
                track = app.player.listening.track
                if process is None or track is None or not track.from_disk:
                    raise RuntimeError("l did not start the player on the saved file")
                await app.player.stop()
                start = time.perf_counter()
                await app.player.toggle()  # the action alone, without the key's way in
                action.append(time.perf_counter() - start)
                await app.player.stop()
        return tuple(statistics.median(times) * 1000 for times in (listen, idle, action))  # type: ignore[return-value]


def run(quick: bool) -> list[Row]:
    count = 200 if quick else 10_000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        state = root / "state.db"
        ids = build_store(state, finished=count)
        song = root / "song.mp3"
        song.write_bytes(b"ID3" + bytes(4_000_000))
        with Store.open(state) as store:
            raw = store.load_raw(ids[0])
            clip_id = parse_task(json.loads(raw or "{}")).clips[0].id
            store.record_download(ids[0], clip_id, "audio", song, song.stat().st_size, None)
        standin = StandIn(root / "bin", "mpv")
        listen_ms, idle_ms, action_ms = asyncio.run(_measure(state, standin.path.parent, ids[0]))
    return [
        Row(
            "listen",
            f"'l' until the player is started with the saved file, {count:,} tasks",
            listen_ms,
            "ms",
            f"< {TARGET_MS:.0f} ms",
            ok=listen_ms < TARGET_MS,
            baseline="a key that does nothing",
            baseline_value=idle_ms,
            note=f"the action alone {action_ms:.1f} ms",
        )
    ]
