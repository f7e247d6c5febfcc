"""A poll's finishes make one toast; no toast shows over a modal screen or the
filter line."""

from __future__ import annotations

from typing import Any

from suno_tui.relay.models import TaskStatus
from suno_tui.tracking.model import Transition
from suno_tui.tui.screens.help import HelpScreen
from tests.fixtures.notifications import notes

from .conftest import FakeUpdate, build_app
from .factories import sample_summaries, with_status

UNFINISHED = [s for s in sample_summaries() if not s.finished]


def finish_several(app: Any, tracker: Any, count: int = 3) -> None:
    poller = app.fake_pollers[0]
    done, moved = [], []
    for index, old in enumerate(UNFINISHED[:count]):
        status = TaskStatus.FAILURE if index == count - 1 else TaskStatus.SUCCESS
        new = with_status(old, status, clips_done=2)
        tracker.put(new)
        done.append(new)
        moved.append(Transition(old.task_id, old.status_label, status.value, new.state_since))
    poller.on_update(FakeUpdate(done, moved, done), poller.status)


async def test_three_finishes_in_one_round_are_one_toast() -> None:
    app, tracker = build_app(with_poller=True)
    async with app.run_test(size=(80, 24)) as pilot:
        assert len(UNFINISHED) >= 3
        finish_several(app, tracker)
        await pilot.pause()
        assert [n.title for n in notes(app)] == ["3 finished, 1 failed"]
        assert len(app.event_log.events) >= 3


def _toasts_seen(app: Any) -> list[bool]:
    """Whether each toast on the current screen can be seen ("Toast" is the type
    name Textual documents for styling its toasts; the widget class is private)."""
    return [toast.visible for toast in app.screen.query("Toast")]


async def test_no_toast_over_a_modal_screen_and_it_shows_after() -> None:
    app, tracker = build_app(with_poller=True)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        finish_several(app, tracker, 2)
        await pilot.pause()
        assert _toasts_seen(app) == [False]
        await pilot.press("escape")
        await pilot.pause()
        assert _toasts_seen(app) == [True]
        assert [n.title for n in notes(app)] == ["2 finished, 1 failed"]


async def test_the_submit_form_keeps_its_own_toasts() -> None:
    from .fakes import FakeClients

    app, _ = build_app(clients=FakeClients(("default",)))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("n")
        await pilot.pause()
        app.notify("a message of the form's own")
        await pilot.pause()
        assert _toasts_seen(app) == [True]


async def test_one_toast_at_a_time_the_newest_wins() -> None:
    app, tracker = build_app(with_poller=True)
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify("Downloading 4 tasks", title="Downloading")
        finish_several(app, tracker, 2)
        await pilot.pause()
        assert [n.title for n in notes(app)] == ["2 finished, 1 failed"]


async def test_toasts_stay_above_the_filter_line_while_it_is_open() -> None:
    app, tracker = build_app(with_poller=True)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        finish_several(app, tracker, 2)
        await pilot.pause()  # the toast is up before the line opens
        assert list(app.screen.query("Toast"))
        await pilot.press("slash", "o")
        await pilot.pause()
        line = app.query_one("#filter").region
        toasts = [toast.region for toast in app.screen.query("Toast")]
        assert toasts and all(region.bottom <= line.y for region in toasts)
        await pilot.press("enter")  # the filter stays: so does the line
        await pilot.press("escape")  # the filter goes, and the line with it
        await pilot.pause()
        assert not app.query_one("#filter").has_class("-shown")
        status = app.query_one("#status").region
        toasts = [toast.region for toast in app.screen.query("Toast")]
        assert toasts and all(region.bottom <= status.y for region in toasts)


async def test_a_toast_over_the_narrow_detail_hides_none_of_its_lines() -> None:
    from suno_tui.tui.detail.screen import DetailScreen

    app, _ = build_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.task_list.select(sample_summaries()[0].task_id)
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        long = "Saved 2 files of Midnight Rain over Neon Streets to ~/Music/suno " * 3
        app.notify(long, title="Downloaded")
        await pilot.pause()
        toasts = list(app.screen.query("Toast"))
        assert len(toasts) == 1 and toasts[0].visible
        toast = toasts[0].region
        detail = app.screen.detail.region
        assert toast.height == 2 and toast.bottom == 24  # over the status bar and footer
        assert not toast.overlaps(detail), (toast, detail)
        assert toast.right == 80  # the whole row: nothing of the footer shows through
