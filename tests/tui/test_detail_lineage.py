"""The detail's lineage in the monitor, against a hosted simulator: a task
says what it extends (and at what point) or joins, its parent lists what was
made from it, an extension sent from the monitor's engine is listed at once,
and titles from the server stay text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from suno_tui.engine.clip_commands import ExtendOptions
from suno_tui.simulator import ManualClock, Simulator, seed_lineage
from suno_tui.tui.detail.lineage_lines import clock_text
from suno_tui.tui.tasks.row_render import short_id

from .sim_app import SMALL_ASSETS, next_round, open_app, settings_for

WIDE = (150, 44)  # the detail beside the list


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    simulator = Simulator(seed=0, clock=ManualClock(), asset_sizes=SMALL_ASSETS, family="hosted")
    await simulator.start()
    try:
        yield simulator
    finally:
        await simulator.stop()
    assert not simulator.errors


def point(sim: Simulator, task_id: str) -> str:
    """Where the task's clips say it continues its parent, as the detail writes it."""
    history = sim.render(task_id)["data"][0]["metadata"]["history"]
    return clock_text(history[-1]["continue_at"])


async def test_the_chain_in_the_detail(sim: Simulator, tmp_path: Path) -> None:
    song, first, second, whole = seed_lineage(sim)
    app = open_app(settings_for(sim, tmp_path), sim, [song, first, second, whole])
    async with app.run_test(size=WIDE) as pilot:
        await next_round(app, pilot)
        side = app.details.side

        app.task_list.select(second)
        await pilot.pause()
        text = side.document.plain
        assert "Lineage" in text
        assert (
            f"extends      Paper Satellites ({short_id(first, 8)}) at {point(sim, second)}"
        ) in text
        assert f"joined into  Paper Satellites ({short_id(whole, 8)})" in text

        app.task_list.select(song)  # the parent lists its child
        await pilot.pause()
        text = side.document.plain
        assert (
            f"extended by  Paper Satellites ({short_id(first, 8)}) at {point(sim, first)}"
        ) in text
        assert "extends " not in text  # made from nothing

        app.task_list.select(whole)
        await pilot.pause()
        text = side.document.plain
        assert f"joins        Paper Satellites ({short_id(second, 8)}) and all it extends" in text
        await pilot.press("q")


async def test_an_extension_sent_here_is_listed_before_its_first_poll(
    sim: Simulator, tmp_path: Path
) -> None:
    parent = sim.add_task("success", elapsed=10_000, title="Harbour Lights")
    app = open_app(settings_for(sim, tmp_path), sim, [parent])
    async with app.run_test(size=WIDE) as pilot:
        await next_round(app, pilot)
        clip = sim.task(parent).clips[0]
        done = await app.engine.clip_commands().extend(ExtendOptions(clip.id, at=90))
        app.task_list.select(parent)
        app.details.sync_side()
        await pilot.pause()
        assert "extended by  task " + short_id(done.task_id, 8) + " at 1:30" in (
            app.details.side.document.plain
        )  # no title yet: the child was never fetched
        app.details.open(done.task_id)  # not fetched yet either: the submit's word
        await pilot.pause()
        text = app.details.side.document.plain
        assert f"extends      Harbour Lights ({short_id(parent, 8)}) at 1:30" in text
        await pilot.press("q")


async def test_server_titles_stay_text_and_an_unwatched_parent_is_its_clip(
    sim: Simulator, tmp_path: Path
) -> None:
    hostile = "[bold red]Loud[/] \x1b[2J\x07 \u202eevil"
    parent = sim.add_task("success", elapsed=20_000, title=hostile)
    clip = sim.task(parent).clips[0]
    child = sim.add_task("success", elapsed=10_000, continue_clip_id=clip.id, continue_at=75)
    app = open_app(settings_for(sim, tmp_path), sim, [child, parent])
    async with app.run_test(size=WIDE) as pilot:
        await next_round(app, pilot)
        app.task_list.select(child)
        await pilot.pause()
        line = next(
            line for line in app.details.side.document.plain.split("\n") if "extends" in line
        )
        assert "[bold red]Loud[/]" in line and line.endswith("at 1:15")
        assert not any(ch in line for ch in "\x1b\x07\u202e")
        # the parent no longer watched: the clip's id stands for it
        app.engine.remove(parent)
        app.details.sync_side()
        await pilot.pause()
        text = app.details.side.document.plain
        assert f"extends      clip {clip.id[:8]}… at 1:15" in text
        await pilot.press("q")
