"""The engine's clip commands (engine/clip_commands.py) over a real state file
and the simulator on loopback: the monitor's path, without the CLI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from suno_tui.config import Gateway, Settings
from suno_tui.engine.clip_commands import ExtendOptions
from suno_tui.engine.compose import Wiring, open_engine
from suno_tui.engine.engine import Engine
from suno_tui.relay.action_errors import ActionNotOffered
from suno_tui.relay.client import RelayClient
from suno_tui.relay.submit_requests import SubmitError
from suno_tui.simulator import Simulator
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker


@asynccontextmanager
async def engine_over(sim: Simulator, tmp_path: Path, task_ids: list[str]) -> AsyncIterator[Engine]:
    """An engine whose watch list holds ``task_ids`` with their snapshots."""
    clock = lambda: datetime.fromtimestamp(sim.clock.now(), UTC)  # noqa: E731
    settings = Settings(
        download_dir=tmp_path / "downloads", state_path=tmp_path / "state.db", poll_interval=3600.0
    ).with_gateway(Gateway(name="default", base_url=sim.base_url, token=sim.token))
    tracker = Tracker(Store.open(settings.state_path), clock=clock)
    tracker.load()
    tracker.add(task_ids)
    async with RelayClient(sim.base_url, sim.token, verify=False) as client:
        tracker.apply(await client.fetch(task_ids))
    engine = open_engine(settings, Wiring(clock=clock), tracker=tracker)
    try:
        yield engine
    finally:
        await engine.aclose()


def submits(sim: Simulator) -> int:
    return sum(n for path, n in sim.stats.paths.items() if path.startswith("/suno/submit"))


async def test_an_extension_is_watched_at_once(hosted: Simulator, tmp_path: Path) -> None:
    parent = hosted.add_task("success", elapsed=10_000, title="Snow", tags="folk")
    clip = hosted.task(parent).clips[0]
    async with engine_over(hosted, tmp_path, [parent]) as engine:
        commands = engine.clip_commands()
        assert commands.find_clip(clip.id) is not None
        done = await commands.extend(ExtendOptions(clip.id, at=30.0))
        assert engine.get(done.task_id) is not None
    assert (done.from_task, done.at, done.watch_problem) == (parent, 30.0, None)
    assert hosted.relayed[-1]["title"] == "Snow"


async def test_past_the_end_is_refused_before_sending(simulator: Simulator, tmp_path: Path) -> None:
    parent = simulator.add_task("success", elapsed=10_000)
    clip = simulator.task(parent).clips[0]
    async with engine_over(simulator, tmp_path, [parent]) as engine:
        with pytest.raises(SubmitError, match="past the end of the clip"):
            await engine.clip_commands().extend(ExtendOptions(clip.id, at=clip.duration + 1))
    assert submits(simulator) == 0


async def test_not_offered_is_remembered_per_gateway(simulator: Simulator, tmp_path: Path) -> None:
    first = simulator.add_task("success", elapsed=10_000)
    chain = simulator.add_task(
        "success", elapsed=10_000, continue_clip_id=simulator.task(first).clips[0].id
    )
    last = simulator.task(chain).clips[0].id
    async with engine_over(simulator, tmp_path, [first, chain]) as engine:
        with pytest.raises(ActionNotOffered, match="remembered"):
            await engine.clip_commands().concat(last)
        asked = submits(simulator)
        with pytest.raises(ActionNotOffered, match="nothing was sent") as again:
            await engine.clip_commands().concat(last)
    assert str(again.value).startswith("this gateway does not offer the full song (concat)")
    assert submits(simulator) == asked
