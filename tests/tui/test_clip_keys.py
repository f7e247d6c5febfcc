"""``E``, ``N`` and ``C`` in the monitor (issue #19), against the simulator in
both gateway families: the extend form pre-filled from the clip, what cannot
be right refused in the form with nothing sent, the new task's row on screen,
the gateway's refusals in words, the ``n`` form filled from a task, the full
song after a confirm, and a stock gateway's "no concat" remembered and its
key greyed."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, TextArea
from textual.worker import WorkerFailed

from suno_tui.simulator import FOREIGN_USER, Simulator
from suno_tui.tui.clips.extend_form import ExtendScreen, clock_text
from suno_tui.tui.screens.confirm import ConfirmScreen
from suno_tui.tui.screens.help import HelpScreen
from suno_tui.tui.screens.submit_form import SubmitScreen
from tests.fixtures.notifications import notes
from tests.fixtures.simulators import advance

from .sim_app import WAIT, SimApp, next_round, open_app, settings_for

SIZE = (120, 36)


@pytest.fixture(params=["stock", "hosted"])
def gateway(request: pytest.FixtureRequest) -> Simulator:
    """The simulator of each family (the ``simulator`` and ``hosted`` fixtures)."""
    sim = request.getfixturevalue("simulator" if request.param == "stock" else "hosted")
    assert isinstance(sim, Simulator)
    return sim


def submits(sim: Simulator) -> int:
    """Submit requests the simulator has seen, on every route."""
    return sum(n for path, n in sim.stats.paths.items() if path.startswith("/suno/submit"))


def toasts(app: SimApp) -> str:
    return " | ".join(f"{n.title}: {n.message}" for n in notes(app))


def check_text(screen: Any) -> str:
    return str(screen.query_one("#extend-check").render())


async def watched_and_fetched(app: SimApp, pilot: Any, select: str) -> None:
    """A round has fetched the watched tasks; ``select`` is the selected row."""
    await next_round(app, pilot, "r")
    app.task_list.select(select)
    await pilot.pause()


async def sent_from_form(pilot: Any, screen: ExtendScreen | SubmitScreen, *keys: str) -> None:
    """Press ``keys`` on the form, then wait for the gateway's answer, if sent."""
    await pilot.press(*keys)
    worker = screen._sending
    if worker is not None:
        with contextlib.suppress(WorkerFailed):  # a refusal: the form says why
            await asyncio.wait_for(worker.wait(), WAIT)
    await pilot.pause()
    await pilot.pause()


async def workers_done(app: SimApp, pilot: Any) -> None:
    await asyncio.wait_for(app.workers.wait_for_complete(), WAIT)
    await pilot.pause()
    await pilot.pause()


# -- E -------------------------------------------------------------------------------


async def test_extend_form_is_filled_from_the_clip(gateway: Simulator, tmp_path: Path) -> None:
    parent = gateway.add_task(
        "success", elapsed=10_000, title="Night Bus", tags="synthwave, 90 bpm", mv="chirp-v4"
    )
    clip = gateway.task(parent).clips[0]
    app = open_app(settings_for(gateway, tmp_path), gateway, [parent])
    async with app.run_test(size=SIZE) as pilot:
        await watched_and_fetched(app, pilot, parent)
        await pilot.press("E")
        screen = app.screen
        assert isinstance(screen, ExtendScreen)
        values = {
            field: screen.query_one(f"#extend-{field}", Input).value
            for field in ("at", "title", "tags", "model")
        }
        assert values == {
            "at": clock_text(clip.duration),
            "title": "Night Bus",
            "tags": "synthwave, 90 bpm",
            "model": "chirp-v4",
        }
        assert screen.defaults.clip_id == clip.id
        assert screen.query_one("#extend-prompt", TextArea).text == ""
        await pilot.press("escape")
        assert not isinstance(app.screen, ExtendScreen)
        assert submits(gateway) == 0


@pytest.mark.parametrize(
    ("at", "words"),
    [("0:00", "after the start of the clip"), ("99:00", "past the end of the clip")],
)
async def test_a_point_outside_the_clip_is_refused_in_the_form(
    gateway: Simulator, tmp_path: Path, at: str, words: str
) -> None:
    parent = gateway.add_task("success", elapsed=10_000)
    app = open_app(settings_for(gateway, tmp_path), gateway, [parent])
    async with app.run_test(size=SIZE) as pilot:
        await watched_and_fetched(app, pilot, parent)
        await pilot.press("E")
        screen = app.screen
        assert isinstance(screen, ExtendScreen)
        screen.query_one("#extend-at", Input).value = at
        await sent_from_form(pilot, screen, "enter")
        assert app.screen is screen  # the form stays, saying why
        assert words in check_text(screen) and "Nothing was sent" in check_text(screen)
        assert screen._sending is None
        assert submits(gateway) == 0
        assert app.task_list.order == [parent]


async def test_an_extension_is_sent_and_its_row_appears(gateway: Simulator, tmp_path: Path) -> None:
    parent = gateway.add_task("success", elapsed=10_000, title="Night Bus", tags="synthwave")
    clip = gateway.task(parent).clips[0]
    app = open_app(settings_for(gateway, tmp_path), gateway, [parent])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await watched_and_fetched(app, pilot, parent)
        await pilot.press("E")
        screen = app.screen
        assert isinstance(screen, ExtendScreen)
        screen.query_one("#extend-at", Input).value = "0:45"
        screen.query_one("#extend-prompt", TextArea).text = "[Bridge]\nhold on"
        screen.query_one("#extend-at", Input).focus()
        await sent_from_form(pilot, screen, "enter")
        assert not isinstance(app.screen, ExtendScreen)
        assert submits(gateway) == 1
        body = gateway.relayed[-1]
        assert (body["task_id"], body["continue_clip_id"], body["continue_at"]) == (
            parent,
            clip.id,
            45.0,
        )
        assert body["prompt"] == "[Bridge]\nhold on" and body["title"] == "Night Bus"
        new = gateway.tasks.all()[-1].task_id
        assert new != parent and new in app.task_list.order
        assert app.task_list.cursor_task_id == new
        assert "watching it now" in toasts(app)


async def test_a_task_the_gateway_does_not_know_is_said_in_words(
    simulator: Simulator, tmp_path: Path
) -> None:
    parent = simulator.add_task("success", elapsed=10_000)
    app = open_app(settings_for(simulator, tmp_path), simulator, [parent])
    async with app.run_test(size=SIZE) as pilot:
        await watched_and_fetched(app, pilot, parent)
        # the key now belongs to another account: the task is not its own
        simulator.add_token(simulator.token, FOREIGN_USER)
        await pilot.press("E")
        screen = app.screen
        assert isinstance(screen, ExtendScreen)
        await sent_from_form(pilot, screen, "enter")
        assert app.screen is screen
        text = check_text(screen)
        assert "does not know the task that made this clip" in text
        assert "Nothing was submitted" in text
        assert submits(simulator) == 1  # once, not retried
        assert app.task_list.order == [parent]


# -- N -------------------------------------------------------------------------------


async def test_run_again_fills_the_new_job_form(gateway: Simulator, tmp_path: Path) -> None:
    lyrics = "[Verse]\nthe last train home"
    task_id = gateway.add_task(
        "success", elapsed=10_000, title="Last Train", tags="folk, slow", prompt=lyrics
    )
    app = open_app(settings_for(gateway, tmp_path), gateway, [task_id])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await watched_and_fetched(app, pilot, task_id)
        await pilot.press("N")
        screen = app.screen
        assert isinstance(screen, SubmitScreen)
        assert screen.query_one("#submit-text", TextArea).text == lyrics
        assert screen.query_one("#submit-title", Input).value == "Last Train"
        assert screen.query_one("#submit-tags", Input).value == "folk, slow"
        assert screen.query_one("#submit-model", Input).value == "chirp-v4"
        screen.query_one("#submit-title", Input).value = "Last Train II"
        await sent_from_form(pilot, screen, "ctrl+s")
        assert not isinstance(app.screen, SubmitScreen)
        body = gateway.relayed[-1]
        assert body["prompt"] == lyrics and body["title"] == "Last Train II"
        assert body["tags"] == "folk, slow" and body["mv"] == "chirp-v4"
        new = gateway.tasks.all()[-1].task_id
        assert new in app.task_list.order and app.task_list.cursor_task_id == new
        assert "Submitted a music job" in toasts(app)


async def test_a_lyrics_task_is_not_run_again(simulator: Simulator, tmp_path: Path) -> None:
    task_id = simulator.add_task("lyrics", elapsed=10_000, prompt="trains")
    app = open_app(settings_for(simulator, tmp_path), simulator, [task_id])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await watched_and_fetched(app, pilot, task_id)
        await pilot.press("N")
        assert not isinstance(app.screen, SubmitScreen)
        assert "is a lyrics task" in toasts(app) and "Cannot run it again" in toasts(app)
        assert submits(simulator) == 0


# -- C -------------------------------------------------------------------------------


def chain(sim: Simulator) -> tuple[str, str]:
    """(a song, its extension), both finished: the extension's clip ends the chain."""
    song = sim.add_task("success", elapsed=10_000, title="Bay")
    first = sim.task(song).clips[0]
    extension = sim.add_task(
        "success", elapsed=5_000, title="Bay", continue_clip_id=first.id, continue_at=40.0
    )
    return song, extension


async def test_hosted_full_song_after_a_confirm(hosted: Simulator, tmp_path: Path) -> None:
    song, extension = chain(hosted)
    last = hosted.task(extension).clips[0]
    app = open_app(settings_for(hosted, tmp_path), hosted, [song, extension])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await watched_and_fetched(app, pilot, extension)
        await pilot.press("C")
        assert isinstance(app.screen, ConfirmScreen)
        assert submits(hosted) == 0  # nothing before the answer
        await pilot.press("y")
        await workers_done(app, pilot)
        assert hosted.stats.paths.get("/suno/submit/concat") == 1
        whole = hosted.tasks.all()[-1].task_id
        assert whole in app.task_list.order and app.task_list.cursor_task_id == whole
        assert "Asked for the full song" in toasts(app)
        advance(hosted, 600)
        await next_round(app, pilot, "r")  # the new task fetched: no round left in flight
        assert hosted.render(whole)["data"][0]["metadata"]["concat_history"][-1]["id"] == last.id


async def test_full_song_of_a_clip_that_extends_nothing_is_refused_at_once(
    hosted: Simulator, tmp_path: Path
) -> None:
    song, _ = chain(hosted)
    app = open_app(settings_for(hosted, tmp_path), hosted, [song])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await watched_and_fetched(app, pilot, song)
        await pilot.press("C")
        assert not isinstance(app.screen, ConfirmScreen)
        assert "does not extend another clip" in toasts(app)
        assert submits(hosted) == 0


async def test_stock_full_song_is_remembered_as_not_offered_and_greyed(
    simulator: Simulator, tmp_path: Path
) -> None:
    song, extension = chain(simulator)
    app = open_app(settings_for(simulator, tmp_path), simulator, [song, extension])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await watched_and_fetched(app, pilot, extension)
        assert app.check_action("concat_clip", ()) is True
        await pilot.press("C", "y")
        await workers_done(app, pilot)
        assert "does not offer the full song (concat)" in toasts(app)
        asked = submits(simulator)
        assert asked == 2  # both spellings of the route, each refused outright
        assert set(app.engine.clip_commands().not_offered("default")) == {"concat"}
        # greyed now, for this gateway's tasks; extending is still offered
        assert app.check_action("concat_clip", ()) is None
        assert app.check_action("extend_clip", ()) is True
        app.clear_notifications()
        await pilot.press("C")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "said it does not offer the full song (concat)" in toasts(app)
        assert submits(simulator) == asked  # nothing sent
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen) and help_screen.greyed == {"concat"}
