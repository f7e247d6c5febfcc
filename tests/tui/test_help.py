"""The help screen: the current screen's keys first, all of them visible at 100x30."""

from __future__ import annotations

import pytest
from textual.widget import Widget

from suno_tui.tui.keys.bindings import COMMANDS, Scope
from suno_tui.tui.keys.help_layout import LEGEND, plan, section_order
from suno_tui.tui.screens.help import HelpScreen, section_id

from .conftest import build_app
from .factories import sample_summaries

FIRST = sample_summaries()[0].task_id
KEYS = {command.id: "x" * 6 for command in COMMANDS}


def test_the_order_puts_the_current_scope_first_then_everywhere() -> None:
    assert section_order(Scope.DETAIL)[:2] == [Scope.DETAIL, Scope.APP]
    assert section_order(Scope.LIST)[-1] == LEGEND
    assert sorted(map(str, section_order(Scope.DOWNLOADS))) == sorted([*map(str, Scope), LEGEND])


def test_two_columns_when_wide_one_when_narrow() -> None:
    wide = plan(Scope.LIST, 120, KEYS, legend_lines=16)
    assert len(wide.columns) == 2 and wide.show_ids
    assert wide.columns[0][0] is Scope.LIST and wide.columns[1][0] is Scope.APP
    narrow = plan(Scope.LIST, 40, KEYS, legend_lines=16)
    assert len(narrow.columns) == 1
    assert narrow.columns[0][:2] == (Scope.LIST, Scope.APP)


def test_ids_go_before_a_second_column_does() -> None:
    layout = plan(Scope.LIST, 70, KEYS, legend_lines=16)
    assert len(layout.columns) == 2 and not layout.show_ids


def _fully_visible(screen: HelpScreen, widget: Widget) -> bool:
    scroll = screen.query_one("#help-scroll")
    return scroll.region.contains_region(widget.region)


@pytest.mark.parametrize("size", [(100, 30), (120, 40), (160, 50)])
async def test_every_key_of_the_list_and_everywhere_is_visible(size: tuple[int, int]) -> None:
    app, _ = build_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("question_mark")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        assert screen.scope is Scope.LIST
        for scope in (Scope.LIST, Scope.APP):
            section = screen.query_one(f"#{section_id(scope)}")
            assert _fully_visible(screen, section), scope
        assert screen.layout_plan is not None and screen.layout_plan.show_ids


async def test_at_80x24_the_current_keys_come_first_and_are_visible() -> None:
    app, _ = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        first = screen.query(".help-section").first()
        assert first.id == section_id(Scope.LIST)
        assert _fully_visible(screen, first)


async def test_from_the_detail_the_detail_keys_come_first() -> None:
    app, _ = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.task_list.select(FIRST)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("question_mark")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        assert screen.scope is Scope.DETAIL
        assert screen.query(".help-section").first().id == section_id(Scope.DETAIL)
        for scope in (Scope.DETAIL, Scope.APP):
            assert _fully_visible(screen, screen.query_one(f"#{section_id(scope)}"))


async def test_a_resize_recomputes_the_columns() -> None:
    app, _ = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        screen = app.screen
        assert isinstance(screen, HelpScreen) and screen.layout_plan is not None
        assert len(screen.layout_plan.columns) == 2
        await pilot.resize_terminal(50, 24)
        await pilot.pause()
        await pilot.pause()
        assert len(screen.layout_plan.columns) == 1
