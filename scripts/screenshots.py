"""Write the README's SVG screenshots of the monitor to ``screenshots/``.

    .venv/bin/python scripts/screenshots.py [--out screenshots]

Drives the real app as ``suno-tui`` wires it (tracker, store, poller, client
pool, download manager) against the simulator on
loopback, in-process. The simulator's ManualClock is the only clock and the
seed is fixed, so the same code always draws the same pictures: tasks move
only when this script advances the clock, and each advance past the poll
interval starts exactly one round. The simulator's token is checked to appear
in no picture.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from suno_tui.cli.monitor_cmd import build_app
from suno_tui.config import Settings
from suno_tui.engine.compose import Wiring, open_engine
from suno_tui.engine.events import DownloadEnded, EngineEvent
from suno_tui.simulator import ManualClock, Simulator, seed_demo
from suno_tui.tui.app import MonitorApp, PollRound

ROUND_TIMEOUT = 30.0
#: the simulator's URLs (shown in the detail view) hold its port: keep it fixed
PORT = 47_613
#: where the pictured downloads go (a fixed path: it is shown in the pane)
DOWNLOADS = Path(tempfile.gettempdir()) / "suno-tui-screenshots" / "Music"
#: small files: the downloads take a moment, not a minute
ASSET_SIZES = {"mp3": 400_000, "jpeg": 30_000, "jpeg_large": 60_000, "mp4": 200_000}


class ScreenshotApp(MonitorApp):
    """The monitor, plus ways to wait for the next poll round and for downloads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round_seen = asyncio.Event()
        self.downloads_ended = 0
        self.download_seen = asyncio.Event()
        self.engine.subscribe(self._engine_event)

    def on_poll_round(self, message: PollRound) -> None:
        super().on_poll_round(message)
        self.round_seen.set()

    def _engine_event(self, event: EngineEvent) -> None:
        if isinstance(event, DownloadEnded):
            self.downloads_ended += 1
            self.download_seen.set()


async def _round(app: ScreenshotApp, pilot: Any, *keys: str) -> None:
    app.round_seen.clear()
    if keys:
        await pilot.press(*keys)
    await asyncio.wait_for(app.round_seen.wait(), ROUND_TIMEOUT)
    await pilot.pause()


async def _downloads(app: ScreenshotApp, pilot: Any, key: str) -> None:
    """Press ``key`` (d or D) and wait until every queued task's run ended."""
    before = app.downloads_ended
    await pilot.press(key)
    queued = sum(1 for line in app.download_pane.board.lines() if line.is_task_line)
    while app.downloads_ended < before + queued:
        app.download_seen.clear()
        await asyncio.wait_for(app.download_seen.wait(), ROUND_TIMEOUT)
    await pilot.pause()


async def shoot(out: Path) -> list[Path]:
    clock = ManualClock()
    sim = Simulator(seed=0, clock=clock, asset_sizes=ASSET_SIZES)
    ids = seed_demo(sim)

    def now() -> datetime:
        return datetime.fromtimestamp(clock.now(), UTC)

    shutil.rmtree(DOWNLOADS.parent, ignore_errors=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="suno-tui-shots-") as state_dir:
        try:
            await sim.start(port=PORT)
        except OSError:
            print(f"port {PORT} is busy: URLs in the pictures will differ", file=sys.stderr)
            await sim.start()
        async with sim:
            settings = Settings(
                base_url=sim.base_url,
                token=sim.token,
                state_path=Path(state_dir) / "state.sqlite3",
                download_dir=DOWNLOADS,
                poll_interval=10.0,
                bell=False,
            )
            engine = open_engine(settings, Wiring(clock=now, sleep=clock.sleep))
            app = build_app(
                settings,
                engine,
                ids,
                clock=now,
                label="api.example.com",
                bell=False,
                app_class=ScreenshotApp,
                tz=UTC,
                cursor_blink=False,
                tick_seconds=3600.0,
                show_events=False,
                env={},
            )
            assert isinstance(app, ScreenshotApp)

            def save(name: str) -> None:
                svg = app.export_screenshot(title="suno-tui")
                if sim.token in svg:
                    raise SystemExit(f"the token would appear in {name}: not written")
                path = out / f"{name}.svg"
                path.write_text(svg, encoding="utf-8")
                written.append(path)

            try:
                async with app.run_test(size=(120, 40)) as pilot:
                    await _round(app, pilot)  # the ids were added: first poll at once
                    app.round_seen.clear()
                    clock.advance(45)  # tasks move on; the interval's wait ends: one round
                    await asyncio.wait_for(app.round_seen.wait(), ROUND_TIMEOUT)
                    await pilot.pause()
                    clock.advance(3)  # shown times are "now", not the round's end
                    app._tick()
                    await pilot.pause()
                    save("list")

                    app.task_list.select(ids[4])  # the partial failure: reason, timeline
                    await pilot.press("enter")
                    await pilot.pause()
                    save("detail")
                    await pilot.press("escape")

                    await pilot.press("e")  # the event log pane
                    await pilot.press("s")  # sorted by status
                    await pilot.pause()
                    save("events")
                    await pilot.press("s", "s")  # back to sorting by age

                    await pilot.press("question_mark")
                    await pilot.pause()
                    save("help")
                    await pilot.press("escape")

                    await pilot.press("e")  # the log pane off again
                    await pilot.resize_terminal(80, 24)
                    await pilot.pause()
                    save("narrow-80x24")

                    await pilot.resize_terminal(200, 60)
                    await pilot.press("e")  # room for everything: list, detail and log
                    app.task_list.select(ids[0])
                    await pilot.pause()
                    save("wide-200x60")
                    await pilot.press("e")

                    # every finished task's files, then the pane (w) at 80x24
                    await pilot.resize_terminal(80, 24)
                    await _downloads(app, pilot, "D")
                    app.task_list.select(ids[0])  # a task still being generated
                    await _downloads(app, pilot, "d")
                    app.clear_notifications()
                    await pilot.press("w")
                    await pilot.pause()
                    save("downloads-80x24")
                    await pilot.press("w")

                    # n: the submit form
                    await pilot.resize_terminal(120, 40)
                    await pilot.press("n")
                    form = app.screen
                    form.query_one("#submit-text").text = (  # type: ignore[attr-defined]
                        "[Verse]\nNeon rain on the window\n[Chorus]\nWe run all night"
                    )
                    form.query_one("#submit-title").value = "Midnight Rain"  # type: ignore[attr-defined]
                    form.query_one("#submit-tags").value = "synthwave, dreamy"  # type: ignore[attr-defined]
                    await pilot.pause()
                    save("submit-form")
                    await pilot.press("escape")
                    await pilot.press("q")
            finally:
                await engine.aclose()
                shutil.rmtree(DOWNLOADS.parent, ignore_errors=True)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(shoot(args.out)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
