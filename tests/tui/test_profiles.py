"""One monitor, several gateways: each task is polled, downloaded and
submitted through its own profile's client (two simulators)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual.widgets import Select, TextArea

from suno_tui.config import Settings
from suno_tui.relay.models import TaskStatus
from suno_tui.simulator import Simulator
from suno_tui.tracking.store import Store
from suno_tui.tracking.tracker import Tracker
from suno_tui.tui.detail.screen import DetailScreen
from suno_tui.tui.screens.submit_form import SubmitScreen
from tests.fixtures.notifications import notes

from .sim_app import (
    WAIT,
    clock_of,
    downloads_done,
    next_round,
    open_app,
    settings_for,
    small_simulator,
)


@pytest.fixture
async def sims() -> AsyncIterator[tuple[Simulator, Simulator]]:
    first, second = await small_simulator(seed=1), await small_simulator(seed=2)
    try:
        yield first, second
    finally:
        await first.stop()
        await second.stop()
    assert not first.errors and not second.errors


def watch_before(settings: Settings, sim: Simulator, ids: list[str], profile: str) -> None:
    """Tasks added under ``profile`` by an earlier run (e.g. ``submit --profile``)."""
    with Store.open(settings.state_path) as store:
        Tracker(store, clock=clock_of(sim)).add(ids, profile)


async def test_tasks_of_two_gateways_in_one_monitor(
    sims: tuple[Simulator, Simulator], tmp_path: Path
) -> None:
    main, other = sims
    here = main.add_task("success", title="From Main", elapsed=1000)
    there = other.add_task("success", title="From Other", elapsed=1000)
    settings = settings_for(main, tmp_path, others={"other": other})
    watch_before(settings, main, [there], "other")
    app = open_app(settings, main, [here])
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await next_round(app, pilot)
        for task_id, title, profile in (
            (here, "From Main", "default"),
            (there, "From Other", "other"),
        ):
            summary = app.task_list.summary(task_id)
            assert summary is not None and summary.status is TaskStatus.SUCCESS
            assert summary.title == title and summary.profile == profile
        assert main.stats.requests["fetch"] >= 1 and other.stats.requests["fetch"] >= 1
        # the detail view names the profile
        app.task_list.select(there)
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        assert "profile" in app.screen.detail.document.plain
        assert "other" in app.screen.detail.document.plain
        await pilot.press("escape")
        # a download fetches fresh links from the task's own gateway
        before = other.stats.requests["fetch_one"]
        [result] = await downloads_done(app, pilot, "d")
        assert result.complete and other.stats.requests["fetch_one"] == before + 1
        assert main.stats.requests["fetch_one"] == 0


async def test_ids_go_to_the_selected_profile(
    sims: tuple[Simulator, Simulator], tmp_path: Path
) -> None:
    main, other = sims
    there = other.add_task("success", title="Chosen", elapsed=1000)
    # --profile other: base URL and token are the other gateway's
    settings = settings_for(main, tmp_path, others={"other": other}, profile="other")
    assert settings.gateway.base_url == other.base_url
    app = open_app(settings, main, [there])
    async with app.run_test(size=(100, 30)) as pilot:
        await next_round(app, pilot)
        summary = app.task_list.summary(there)
        assert summary is not None and summary.profile == "other"
        assert summary.title == "Chosen"
        assert main.stats.requests["fetch"] == 0


async def test_a_profile_gone_from_the_config_is_explained(
    sims: tuple[Simulator, Simulator], tmp_path: Path
) -> None:
    main, _ = sims
    settings = settings_for(main, tmp_path)
    watch_before(settings, main, ["task-from-elsewhere"], "gone")
    app = open_app(settings, main)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        banner = app.query_one("#banner")
        assert banner.has_class("-shown")
        text = str(banner.render())
        assert "Not polled: 1 task of profile 'gone'" in text
        assert "not in the configuration" in text
        app.task_list.select("task-from-elsewhere")
        await pilot.press("d")
        assert any("'gone' is not in the configuration" in n.message for n in notes(app))
        await pilot.press("enter")
        document = app.screen.detail.document.plain  # type: ignore[attr-defined]
        assert "gone  (not polled: profile 'gone' is not in the configuration" in document
        assert app.is_running


async def test_the_form_submits_to_another_profile_which_is_then_polled(
    sims: tuple[Simulator, Simulator], tmp_path: Path
) -> None:
    main, other = sims
    settings = settings_for(main, tmp_path, others={"other": other})
    app = open_app(settings, main)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, SubmitScreen)
        screen.query_one("#submit-profile", Select).value = "other"
        screen.query_one("#submit-text", TextArea).text = "lyrics for the other gateway"
        app.round_seen.clear()
        await pilot.press("ctrl+s")
        assert screen._sending is not None
        await asyncio.wait_for(screen._sending.wait(), WAIT)
        await pilot.pause()
        assert other.stats.requests["submit_music"] == 1
        assert main.stats.requests["submit_music"] == 0
        [task_id] = app.task_list.order
        summary = app.task_list.summary(task_id)
        assert summary is not None and summary.profile == "other"
        # its client was built on first use and handed to the poller
        await asyncio.wait_for(app.round_seen.wait(), WAIT)
        assert other.stats.requests["fetch"] >= 1
