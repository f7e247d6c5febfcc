"""Write the README's SVG screenshots of the monitor to ``screenshots/``.

    .venv/bin/python scripts/screenshots.py [--out screenshots]

Drives the real app (tracker, store, poller, client) against the simulator on
loopback, in-process. The simulator's ManualClock is the only clock and the
seed is fixed, so the same code always draws the same pictures: tasks move
only when this script advances the clock, and each advance past the poll
interval starts exactly one round. The simulator's token is checked to appear
in no picture.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from suno_tui.monitor.poller import Poller
from suno_tui.monitor.progress import is_stuck, refresh_progress
from suno_tui.monitor.store import Store
from suno_tui.monitor.tracker import Tracker
from suno_tui.relay.client import RelayClient
from suno_tui.simulator import ManualClock, Simulator, seed_demo
from suno_tui.tui.app import MonitorApp, PollRound

ROUND_TIMEOUT = 30.0
#: the simulator's URLs (shown in the detail view) hold its port: keep it fixed
PORT = 47_613


class ScreenshotApp(MonitorApp):
    """The monitor, plus a way to wait for the next poll round."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round_seen = asyncio.Event()

    def on_poll_round(self, message: PollRound) -> None:
        super().on_poll_round(message)
        self.round_seen.set()


async def _round(app: ScreenshotApp, pilot: Any, *keys: str) -> None:
    app.round_seen.clear()
    if keys:
        await pilot.press(*keys)
    await asyncio.wait_for(app.round_seen.wait(), ROUND_TIMEOUT)
    await pilot.pause()


async def shoot(out: Path) -> list[Path]:
    clock = ManualClock()
    sim = Simulator(seed=0, clock=clock)
    ids = seed_demo(sim)

    def now() -> datetime:
        return datetime.fromtimestamp(clock.now(), UTC)

    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="suno-tui-shots-") as state_dir:
        try:
            await sim.start(port=PORT)
        except OSError:
            print(f"port {PORT} is busy: URLs in the pictures will differ", file=sys.stderr)
            await sim.start()
        async with sim:
            store = Store.open(Path(state_dir) / "state.sqlite3")
            tracker = Tracker(store, clock=now)
            client = RelayClient(sim.base_url, sim.token, timeout=10.0, verify=False)

            def make_poller(
                on_update: Callable[..., None], on_status: Callable[..., None]
            ) -> Poller:
                return Poller(
                    tracker,
                    {"default": client},
                    interval=10.0,
                    min_interval=2.0,
                    on_update=on_update,
                    on_status=on_status,
                    clock=now,
                    sleep=clock.sleep,
                    rng=random.Random(0),
                )

            app = ScreenshotApp(
                tracker,
                poller_factory=make_poller,
                clock=now,
                tz=UTC,
                initial_ids=ids,
                gateway_label="api.example.com",
                cursor_blink=False,
                tick_seconds=3600.0,
                show_events=False,
                stuck=is_stuck,
                live_progress=refresh_progress,
            )

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
                    await pilot.press("q")
            finally:
                await client.aclose()
                store.close()
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
