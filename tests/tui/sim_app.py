"""The monitor as ``suno-tui`` wires it (the engine from ``open_engine``: client
pool, poller, download service, hooks; the app from monitor_cmd.build_app),
against simulators on loopback.

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

from suno_tui.cli.monitor_cmd import build_app
from suno_tui.config import GATEWAY_KEYS, Gateway, Settings
from suno_tui.downloads import TaskOutcome
from suno_tui.engine.compose import Wiring, open_engine
from suno_tui.engine.events import DownloadEnded, EngineEvent
from suno_tui.simulator import ManualClock, Simulator
from suno_tui.tui.app import MonitorApp, PollRoundsEnded
from tests.fixtures.notifications import RecordingApp

WAIT = 30.0  # a safety net for a hung test, not a timing assertion
#: small files: a download takes milliseconds on loopback
SMALL_ASSETS = {"mp3": 40_000, "jpeg": 3_000, "jpeg_large": 6_000, "mp4": 20_000}


class SimApp(RecordingApp):
    """The monitor, with ways for a test to wait for a poll round or a download."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round_seen = asyncio.Event()
        self.download_results: list[TaskOutcome] = []
        self.download_ended = asyncio.Event()
        self.engine.subscribe(self._engine_event)

    def on_poll_rounds_ended(self, message: PollRoundsEnded) -> None:
        super().on_poll_rounds_ended(message)
        self.round_seen.set()

    def _engine_event(self, event: EngineEvent) -> None:
        if isinstance(event, DownloadEnded):
            self.download_results.append(event.outcome)
            self.download_ended.set()


async def next_round(app: SimApp, pilot: Any, *keys: str) -> None:
    app.round_seen.clear()
    if keys:
        await pilot.press(*keys)
    await asyncio.wait_for(app.round_seen.wait(), WAIT)
    await pilot.pause()


async def downloads_done(app: SimApp, pilot: Any, *keys: str, count: int = 1) -> list[TaskOutcome]:
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
    """Settings whose "default" gateway is ``sim`` and whose ``others`` are
    more profiles; ``extra`` may hold keys of the default gateway and others
    (``profile`` selects one of ``others``)."""
    gateways = {
        name: Gateway(name, other.base_url, other.token) for name, other in (others or {}).items()
    }
    main: dict[str, Any] = {"base_url": sim.base_url, "token": sim.token}
    options: dict[str, Any] = {
        "download_dir": tmp / "downloads",
        "state_path": tmp / "state.sqlite3",
        "poll_interval": 3600.0,
        "bell": False,
    }
    for name, value in extra.items():
        (main if name in GATEWAY_KEYS else options)[name] = value
    gateways["default"] = Gateway(**main)
    return Settings(**options, gateways=gateways)


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
) -> SimApp:
    """The app over an engine on a fresh store (the engine closes it when the app exits)."""
    clock = clock_of(sim)
    assert isinstance(sim.clock, ManualClock)
    engine = open_engine(settings, Wiring(clock=clock, sleep=sim.clock.sleep, min_interval=2.0))
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
        engine,
        list(ids or ()),
        clock=clock,
        label="test gateway",
        bell=False,
        app_class=app_class,
        **app_options,
    )
    assert isinstance(app, SimApp)
    return app


def row_text(app: MonitorApp, task_id: str) -> str:
    task_list = app.task_list
    index = task_list.order.index(task_id)
    return task_list.render_line(index + 1 - int(task_list.scroll_offset.y)).text
