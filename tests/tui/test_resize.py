"""Resizing a running monitor between wide (detail beside the list) and
narrow (detail as its own screen) while a detail is open: the same task
stays in view and the keyboard keeps working."""

from __future__ import annotations

from typing import Any

from suno_tui.tui.detail.screen import DetailScreen

from .conftest import build_app
from .factories import sample_summaries

FIRST = sample_summaries()[0]
WIDE, NARROW = (160, 40), (100, 30)


def shown_detail(app: Any) -> Any:
    """The detail the user sees: the detail screen's, or the side pane's."""
    if isinstance(app.screen, DetailScreen):
        return app.screen.detail
    assert app.side.display, "no detail in view"
    return app.side


async def test_narrow_detail_screen_survives_going_wide_and_back() -> None:
    app, _ = build_app()
    async with app.run_test(size=NARROW) as pilot:
        app.task_list.select(FIRST.task_id)
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)

        for size in (WIDE, NARROW, WIDE):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert app.wide is (size == WIDE)
            detail = shown_detail(app)
            assert detail.task_id == FIRST.task_id
            assert FIRST.title in detail.document.plain

        await pilot.press("escape")  # the keyboard still reaches the app
        assert app.details.current_task_id() == FIRST.task_id
        assert app.is_running


async def test_wide_side_detail_with_focus_survives_going_narrow_and_back() -> None:
    app, _ = build_app()
    async with app.run_test(size=WIDE) as pilot:
        app.task_list.select(FIRST.task_id)
        await pilot.press("enter")  # wide: focus moves into the side detail
        assert app.focused is app.side

        await pilot.resize_terminal(*NARROW)
        await pilot.pause()
        assert not app.wide and not app.side.display
        # focus is not left on a hidden widget: keys still work
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.detail.task_id == FIRST.task_id

        await pilot.resize_terminal(*WIDE)
        await pilot.pause()
        assert app.wide
        assert shown_detail(app).task_id == FIRST.task_id
        await pilot.press("escape")
        await pilot.press("j")  # the list takes keys again
        assert app.task_list.cursor_task_id != FIRST.task_id
