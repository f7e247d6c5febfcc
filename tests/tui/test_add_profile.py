"""The ``a`` dialog picks the profile the ids belong to (when there is a choice)."""

from __future__ import annotations

from textual.widgets import Select

from suno_tui.tui.screens.add_tasks import AddTasksScreen

from .conftest import build_app
from .fakes import FakeClients


async def test_the_ids_go_to_the_profile_picked() -> None:
    app, tracker = build_app(clients=FakeClients(("default", "work")))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, AddTasksScreen)
        assert screen.query_one("#add-profile", Select).value == "default"
        screen.query_one("#add-ids").text = "task-for-work"  # type: ignore[attr-defined]
        screen.query_one("#add-profile", Select).value = "work"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, AddTasksScreen)
        summary = tracker.get("task-for-work")
        assert summary is not None and summary.profile == "work"


async def test_with_one_profile_there_is_nothing_to_pick() -> None:
    app, tracker = build_app(clients=FakeClients(("default",)))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, AddTasksScreen)
        assert not screen.query("#add-profile")
        screen.query_one("#add-ids").text = "plain-task"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        summary = tracker.get("plain-task")
        assert summary is not None and summary.profile == "default"
