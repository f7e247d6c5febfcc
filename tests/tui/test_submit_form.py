"""``n``: the submit form, against the simulator (music, lyrics, refusals,
an answer that never came)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, TextArea
from textual.worker import WorkerFailed

from suno_tui.relay.models import TaskKind
from suno_tui.simulator import Fault, Simulator
from suno_tui.tui.screens.submit_form import SubmitScreen
from tests.fixtures.notifications import notes

from .conftest import build_app
from .sim_app import WAIT, SimApp, next_round, open_app, settings_for, small_simulator


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    simulator = await small_simulator()
    try:
        yield simulator
    finally:
        await simulator.stop()
    assert not simulator.errors


def check_text(screen: Any) -> str:
    return str(screen.query_one("#submit-check").render())


async def send(app: SimApp, pilot: Any) -> None:
    """ctrl+s, then wait for the gateway's answer."""
    screen = app.screen
    assert isinstance(screen, SubmitScreen)
    await pilot.press("ctrl+s")
    worker = screen._sending
    if worker is not None:
        with contextlib.suppress(WorkerFailed):  # a refused submit: the form says why
            await asyncio.wait_for(worker.wait(), WAIT)
    await pilot.pause()
    await pilot.pause()


async def test_a_music_job_is_sent_and_watched_at_once(sim: Simulator, tmp_path: Path) -> None:
    app = open_app(settings_for(sim, tmp_path), sim)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, SubmitScreen)
        screen.query_one("#submit-text", TextArea).text = "[Verse]\nNeon rain"
        screen.query_one("#submit-title", Input).value = "Form Song [/x]"
        screen.query_one("#submit-tags", Input).value = "synthwave"
        app.round_seen.clear()
        await send(app, pilot)
        assert not isinstance(app.screen, SubmitScreen)
        assert sim.stats.requests["submit_music"] == 1
        [task_id] = app.task_list.order
        assert app.task_list.cursor_task_id == task_id
        assert any(n.title == "Submitted a music job" for n in notes(app))
        # polling was nudged: the new task is fetched without waiting an interval
        await asyncio.wait_for(app.round_seen.wait(), WAIT)
        await pilot.pause()
        sim.clock.advance(600)
        await next_round(app, pilot, "r")
        summary = app.task_list.summary(task_id)
        assert summary is not None and summary.kind is TaskKind.MUSIC
        assert summary.title == "Form Song [/x]" and summary.profile == "default"


async def test_a_lyrics_job(sim: Simulator, tmp_path: Path) -> None:
    app = open_app(settings_for(sim, tmp_path), sim)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("n")
        screen = app.screen
        await pilot.click("#kind-lyrics")
        assert screen.has_class("-lyrics")
        assert not screen.query_one("#submit-description").display or not (
            screen.query_one("#submit-description").parent.display  # type: ignore[union-attr]
        )
        screen.query_one("#submit-text", TextArea).text = "a song about terminals"
        await send(app, pilot)
        assert sim.stats.requests["submit_lyrics"] == 1
        assert not isinstance(app.screen, SubmitScreen)
        [task_id] = app.task_list.order
        sim.clock.advance(600)
        await next_round(app, pilot, "r")
        summary = app.task_list.summary(task_id)
        assert summary is not None and summary.kind is TaskKind.LYRICS


async def test_an_invalid_form_is_not_sent(sim: Simulator, tmp_path: Path) -> None:
    app = open_app(settings_for(sim, tmp_path), sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "ctrl+s")
        screen = app.screen
        assert isinstance(screen, SubmitScreen)
        assert "needs lyrics" in check_text(screen) and "--" not in check_text(screen)
        screen.query_one("#submit-text", TextArea).text = "some lyrics"
        screen.query_one("#submit-description", Input).value = "and a description"
        await pilot.press("ctrl+s")
        assert "not both" in check_text(screen)
        assert sim.stats.requests["submit_music"] == 0
        await pilot.press("escape")
        assert not isinstance(app.screen, SubmitScreen)
        assert app.task_list.total == 0


async def test_a_quota_refusal_shows_the_code_and_message(sim: Simulator, tmp_path: Path) -> None:
    sim.quota_exhausted = True
    app = open_app(settings_for(sim, tmp_path), sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        app.screen.query_one("#submit-text", TextArea).text = "lyrics"
        await send(app, pilot)
        screen = app.screen
        assert isinstance(screen, SubmitScreen)  # still open: nothing typed is lost
        text = check_text(screen)
        assert "quota_not_enough" in text and "403" in text and "用户额度不足" in text
        assert "Nothing was submitted" in text
        assert app.task_list.total == 0


async def test_an_unknown_outcome_is_not_retried(sim: Simulator, tmp_path: Path) -> None:
    sim.faults.add(Fault.RESET, times=None, path="/suno/submit")
    app = open_app(settings_for(sim, tmp_path), sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        app.screen.query_one("#submit-text", TextArea).text = "lyrics"
        await send(app, pilot)
        screen = app.screen
        assert isinstance(screen, SubmitScreen)
        text = check_text(screen)
        assert "NOT retried" in text and "charge you twice" in text
        assert "Check" in text
        assert sim.stats.requests["submit_music"] == 1  # sent once, never again
        assert screen.query_one("#submit-check").has_class("-unknown")
        assert app.task_list.total == 0


async def test_n_without_a_gateway_explains() -> None:
    app, _ = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        assert not isinstance(app.screen, SubmitScreen)
        assert any("no token configured" in n.message for n in notes(app))
