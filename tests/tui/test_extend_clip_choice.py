"""``E`` on a task of several clips: the extend form's "Clip" row chooses which
one is extended (people extend the better of the two a Suno task makes), and
``C`` takes the task's clip that ends a chain (issue #19).

Against the simulator in both gateway families, through the keyboard (Tab,
Enter, arrows); the refill rules (a field edited by hand keeps its text) also
on the bare form with clips that differ in every field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.widgets import Input, OptionList, Static

from suno_tui.engine.clip_commands import ClipCommands, Done, ExtendOptions
from suno_tui.simulator import Simulator
from suno_tui.tui.clips.clip_choice import ClipChoice, ExtendDefaults, refilled
from suno_tui.tui.clips.extend_form import ExtendScreen, clock_text, parse_point
from suno_tui.tui.screens.confirm import ConfirmScreen
from tests.fixtures.simulators import advance

from .sim_app import next_round, open_app, settings_for
from .test_clip_keys import (
    SIZE,
    chain,
    sent_from_form,
    submits,
    watched_and_fetched,
    workers_done,
)


@pytest.fixture(params=["stock", "hosted"])
def gateway(request: pytest.FixtureRequest) -> Simulator:
    """The simulator of each family (the ``simulator`` and ``hosted`` fixtures)."""
    sim = request.getfixturevalue("simulator" if request.param == "stock" else "hosted")
    assert isinstance(sim, Simulator)
    return sim


def fields(screen: ExtendScreen) -> dict[str, str]:
    return {
        name: screen.query_one(f"#extend-{name}", Input).value
        for name in ("at", "title", "tags", "model")
    }


def labels(choice: ClipChoice) -> list[str]:
    """The choices as the Clip row lists them."""
    listed = choice.query_one(OptionList)
    return [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]


def header(screen: ExtendScreen) -> str:
    return str(screen.query_one("#extend-parent", Static).render())


async def choose(pilot: Any, screen: ExtendScreen, *moves: str) -> ClipChoice:
    """From the first field (where the form opens), as a person would:
    shift+tab to the Clip row, Enter opens it, ``moves`` (arrows), Enter chooses."""
    choice = screen.query_one("#extend-clip", ClipChoice)
    assert screen.focused is screen.query_one("#extend-at", Input)
    await pilot.press("shift+tab")
    assert screen.focused is choice
    await pilot.press("enter", *moves, "enter")
    await pilot.pause()
    return choice


# -- the monitor, against the simulator ---------------------------------------------------


async def test_the_second_clip_is_extended_when_chosen(gateway: Simulator, tmp_path: Path) -> None:
    parent = gateway.add_task("success", elapsed=10_000, title="Night Bus", tags="synthwave")
    first, second = gateway.task(parent).clips
    assert clock_text(first.duration) != clock_text(second.duration)  # the seed's; else no test
    app = open_app(settings_for(gateway, tmp_path), gateway, [parent])
    async with app.run_test(size=SIZE) as pilot:
        await watched_and_fetched(app, pilot, parent)
        await pilot.press("E")
        screen = app.screen
        assert isinstance(screen, ExtendScreen)
        choice = screen.query_one("#extend-clip", ClipChoice)
        assert labels(choice) == [
            f"1 · Night Bus · {clock_text(first.duration)} · {first.id[:8]}",
            f"2 · Night Bus · {clock_text(second.duration)} · {second.id[:8]}",
        ]
        assert choice.value == 0 and fields(screen)["at"] == clock_text(first.duration)
        assert first.id in header(screen)

        await choose(pilot, screen, "down")
        assert choice.value == 1
        assert fields(screen)["at"] == clock_text(second.duration)
        assert second.id in header(screen) and first.id not in header(screen)
        assert screen.defaults.clip_id == second.id

        await sent_from_form(pilot, screen, "ctrl+s")
        assert not isinstance(app.screen, ExtendScreen)
        assert submits(gateway) == 1
        body = gateway.relayed[-1]
        assert (body["task_id"], body["continue_clip_id"], body["continue_at"]) == (
            parent,
            second.id,
            parse_point(clock_text(second.duration)),
        )


async def test_a_field_edited_by_hand_survives_a_change_of_clip(
    gateway: Simulator, tmp_path: Path
) -> None:
    parent = gateway.add_task("success", elapsed=10_000, title="Night Bus", tags="synthwave")
    _, second = gateway.task(parent).clips
    app = open_app(settings_for(gateway, tmp_path), gateway, [parent])
    async with app.run_test(size=SIZE) as pilot:
        await watched_and_fetched(app, pilot, parent)
        await pilot.press("E")
        screen = app.screen
        assert isinstance(screen, ExtendScreen)
        await pilot.press("tab", "ctrl+a", "ctrl+k", *"Night Bus II", "shift+tab")
        assert screen.focused is screen.query_one("#extend-at", Input)
        await choose(pilot, screen, "down")
        assert fields(screen) == {
            "at": clock_text(second.duration),  # untouched: follows the clip
            "title": "Night Bus II",  # typed: kept
            "tags": "synthwave",
            "model": "chirp-v4",
        }
        await sent_from_form(pilot, screen, "ctrl+s")
        body = gateway.relayed[-1]
        assert (body["continue_clip_id"], body["title"]) == (second.id, "Night Bus II")


async def test_a_task_of_one_clip_has_no_clip_row(hosted: Simulator, tmp_path: Path) -> None:
    _, extension = chain(hosted)
    whole = hosted.add_concat(hosted.task(extension).clips[0].id, elapsed=5_000)
    (clip,) = hosted.task(whole).clips
    app = open_app(settings_for(hosted, tmp_path), hosted, [whole])
    async with app.run_test(size=SIZE) as pilot:
        await watched_and_fetched(app, pilot, whole)
        await pilot.press("E")
        screen = app.screen
        assert isinstance(screen, ExtendScreen)
        assert not screen.query(ClipChoice)
        assert screen.defaults.clip_id == clip.id
        assert fields(screen)["at"] == clock_text(clip.duration)


async def test_only_the_finished_clip_of_a_half_failed_task_is_offered(
    gateway: Simulator, tmp_path: Path
) -> None:
    parent = gateway.add_task("partial", elapsed=10_000)
    finished = [clip for clip in gateway.task(parent).clips if clip.error_message is None]
    assert len(finished) == 1
    app = open_app(settings_for(gateway, tmp_path), gateway, [parent])
    async with app.run_test(size=SIZE) as pilot:
        await watched_and_fetched(app, pilot, parent)
        await pilot.press("E")
        screen = app.screen
        assert isinstance(screen, ExtendScreen)
        assert not screen.query(ClipChoice)  # one clip can be extended: nothing to choose
        assert screen.defaults.clip_id == finished[0].id


async def test_full_song_takes_the_task_clip_that_extends_another(
    hosted: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Of a task's clips, ``C`` asks for the chain ended by the first one that
    extends something, not the first clip."""
    song, extension = chain(hosted)
    first, second = hosted.task(extension).clips
    real = ClipCommands.concat_problem

    def only_the_second_extends(self: ClipCommands, clip_id: str) -> str | None:
        return "clip does not extend another clip" if clip_id == first.id else real(self, clip_id)

    monkeypatch.setattr(ClipCommands, "concat_problem", only_the_second_extends)
    app = open_app(settings_for(hosted, tmp_path), hosted, [song, extension])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await watched_and_fetched(app, pilot, extension)
        await pilot.press("C")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await workers_done(app, pilot)
        assert hosted.stats.paths.get("/suno/submit/concat") == 1
        whole = hosted.tasks.all()[-1].task_id
        advance(hosted, 600)
        await next_round(app, pilot, "r")  # the new task fetched: no round left in flight
        concat_history = hosted.render(whole)["data"][0]["metadata"]["concat_history"]
        assert concat_history[-1]["id"] == second.id


# -- the form alone: clips that differ in every field --------------------------------


NIGHT = ExtendDefaults("clip-night", "Night Bus", "Night Bus", "synthwave", "chirp-v4", 150.0)
DAWN = ExtendDefaults(
    "clip-dawn", "Dawn [b]Bus[/b]", "Dawn [b]Bus[/b]", "ambient", "chirp-v3-5", 98.4
)


class FormApp(App[None]):
    def __init__(self, form: ExtendScreen) -> None:
        super().__init__()
        self.form = form

    def on_mount(self) -> None:
        self.push_screen(self.form)


def form(*choices: ExtendDefaults) -> ExtendScreen:
    async def send(options: ExtendOptions) -> Done:
        raise AssertionError(f"nothing is sent in these tests: {options}")

    return ExtendScreen(choices, check=lambda options: None, send=send, cursor_blink=False)


async def test_every_untouched_field_follows_the_clip_and_back() -> None:
    screen = form(NIGHT, DAWN)
    async with FormApp(screen).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        choice = screen.query_one("#extend-clip", ClipChoice)
        assert labels(choice)[1] == "2 · Dawn [b]Bus[/b] · 1:38 · clip-daw"
        await choose(pilot, screen, "down")
        assert fields(screen) == {
            "at": "1:38",
            "title": "Dawn [b]Bus[/b]",  # shown as typed: not markup
            "tags": "ambient",
            "model": "chirp-v3-5",
        }
        assert "Dawn [b]Bus[/b]" in header(screen) and "of 1:38" in header(screen)
        assert screen.options().clip_id == "clip-dawn"
        screen.query_one("#extend-at", Input).value = "1:10"
        screen.query_one("#extend-tags", Input).value = "ambient, slow"
        await pilot.press("tab")  # from the Clip row back to the first field
        await choose(pilot, screen, "up")
        assert fields(screen) == {
            "at": "1:10",
            "title": "Night Bus",
            "tags": "ambient, slow",
            "model": "chirp-v4",
        }
        options = screen.options()
        assert (options.clip_id, options.at, options.tags) == ("clip-night", 70.0, "ambient, slow")


def test_refill_keeps_what_was_typed() -> None:
    typed = {**NIGHT.fields(), "extend-title": "mine"}
    assert refilled(typed, NIGHT, DAWN) == {
        "extend-at": "1:38",
        "extend-tags": "ambient",
        "extend-model": "chirp-v3-5",
    }


async def test_esc_closes_the_clip_list_first_then_the_form() -> None:
    screen = form(NIGHT, DAWN)
    app = FormApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ok = screen.query_one("#extend-ok")
        assert ok.region.bottom <= 24  # the whole form fits 80x24, Clip row and all
        choice = screen.query_one("#extend-clip", ClipChoice)
        await pilot.press("shift+tab", "enter", "down")
        assert choice.expanded
        await pilot.press("escape")
        assert app.screen is screen and not choice.expanded
        assert choice.value == 0 and fields(screen)["at"] == "2:30"  # nothing chosen
        await pilot.press("escape")
        assert app.screen is not screen
