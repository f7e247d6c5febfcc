"""The monitor as ``suno-tui`` wires it (monitor_cmd.build_app: client pool,
poller, download manager, hooks), against simulators on loopback.

The simulators' ManualClock is the only clock of the poller; the interval is
an hour, so rounds start when a test asks (``r``, or adding tasks). Waits are
on events the app sets, with a generous timeout as a safety net only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from suno_tui.cli.monitor_cmd import build_app, prepare_clients
from suno_tui.config import Gateway, Settings
from suno_tui.simulator import ManualClock, Simulator
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker
from suno_tui.tui.app import MonitorApp, PollRound
from suno_tui.tui.download_jobs import TaskResult

WAIT = 30.0  # a safety net for a hung test, not a timing assertion
#: small files: a download takes milliseconds on loopback
SMALL_ASSETS = {"mp3": 40_000, "jpeg": 3_000, "jpeg_large": 6_000, "mp4": 20_000}


class SimApp(MonitorApp):
    """The monitor, with ways for a test to wait for a poll round or a download."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round_seen = asyncio.Event()
        self.download_results: list[TaskResult] = []
        self.download_ended = asyncio.Event()

    def on_poll_round(self, message: PollRound) -> None:
        super().on_poll_round(message)
        self.round_seen.set()

    def _download_ended(self, result: TaskResult) -> None:
        super()._download_ended(result)
        self.download_results.append(result)
        self.download_ended.set()


async def next_round(app: SimApp, pilot: Any, *keys: str) -> None:
    app.round_seen.clear()
    if keys:
        await pilot.press(*keys)
    await asyncio.wait_for(app.round_seen.wait(), WAIT)
    await pilot.pause()


async def downloads_done(app: SimApp, pilot: Any, *keys: str, count: int = 1) -> list[TaskResult]:
    """Press ``keys``, then wait until ``count`` more task runs ended; returns them."""
    start = len(app.download_results)
    if keys:
        await pilot.press(*keys)
    while len(app.download_results) < start + count:
        app.download_ended.clear()
        await asyncio.wait_for(app.download_ended.wait(), WAIT)
    await pilot.pause()
    return app.download_results[start:]


def clock_of(sim: Simulator) -> Callable[[], datetime]:
    return lambda: datetime.fromtimestamp(sim.clock.now(), UTC)


def settings_for(
    sim: Simulator, tmp: Path, *, others: dict[str, Simulator] | None = None, **extra: Any
) -> Settings:
    gateways = {
        name: Gateway(name, other.base_url, other.token) for name, other in (others or {}).items()
    }
    options: dict[str, Any] = {
        "base_url": sim.base_url,
        "token": sim.token,
        "download_dir": tmp / "downloads",
        "state_path": tmp / "state.sqlite3",
        "poll_interval": 3600.0,
        "bell": False,
        "gateways": gateways,
    }
    options.update(extra)
    return Settings(**options)


async def small_simulator(seed: int = 0) -> Simulator:
    sim = Simulator(seed=seed, clock=ManualClock(), asset_sizes=SMALL_ASSETS)
    await sim.start()
    return sim


def open_app(
    settings: Settings,
    sim: Simulator,
    ids: list[str] | None = None,
    *,
    app_class: type[SimApp] = SimApp,
    **options: Any,
) -> tuple[SimApp, Store]:
    """The app over a fresh store (closed by the caller after the app exits)."""
    store = Store.open(settings.state_path)
    clock = clock_of(sim)
    tracker = Tracker(store, clock=clock)
    pool, polling_off = prepare_clients(settings, tracker)
    assert isinstance(sim.clock, ManualClock)
    app_options: dict[str, Any] = {
        "tz": UTC,
        "cursor_blink": False,
        "tick_seconds": 3600.0,
        "show_events": False,
        "env": {},
    }
    app_options.update(options)
    app = build_app(
        settings,
        tracker,
        pool,
        list(ids or ()),
        clock=clock,
        poll_clock=clock,
        sleep=sim.clock.sleep,
        label="test gateway",
        polling_off=polling_off,
        bell=False,
        min_interval=2.0,
        app_class=app_class,
        **app_options,
    )
    assert isinstance(app, SimApp)
    return app, store


def row_text(app: MonitorApp, task_id: str) -> str:
    task_list = app.task_list
    index = task_list.order.index(task_id)
    return task_list.render_line(index + 1 - int(task_list.scroll_offset.y)).text
